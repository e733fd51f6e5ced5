/// Everything the model predicts for one scenario: the mount, each step's outcome, the final
/// state. Two are equal when no observation could tell the environments they were made in apart.
public struct ScenarioPrediction: Equatable, Sendable {
    public var mount: MountObservation
    public var outcomes: [Outcome]
    public var final: Snapshot?

    /// Runs the model over `scenario` in `environment`.
    public init(_ scenario: Scenario, _ environment: Environment) {
        var model = OverlayModel(scenario: scenario, environment: environment)
        mount = model.mount()
        outcomes = []
        for op in scenario.steps where model.mounted { outcomes.append(model.apply(op)) }
        final = mount.errno == nil ? model.snapshot() : nil
    }

    /// The version entries whose presence differs between `kernel` and `other` and that change
    /// what the model predicts for `scenario` on `kernel` (each flipped alone).
    public static func deciding(_ scenario: Scenario, _ environment: Environment, against other: KernelVersion) -> [KernelChange] {
        let kernel = environment.kernel ?? .reference
        let base = ScenarioPrediction(scenario, environment)
        return KernelChanges.all.filter { change in
            guard change.present(in: kernel) != change.present(in: other) else { return false }
            var flipped = environment
            flipped.flipped.insert(change.name)
            return ScenarioPrediction(scenario, flipped) != base
        }
    }
}
