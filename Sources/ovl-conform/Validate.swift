import ArgumentParser
import OvlCase
import OvlModel
import OvlRunner

/// `ovl-conform validate`: parse every case and run the model, no VM.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse case files and run the model on them (no VM). Exit 0 or 128.")

    @Argument(help: "Case files or folders (default: cases/).")
    var paths: [String] = []

    func run() throws {
        let cases = try loadCases(paths)
        var disagreements: [String] = []
        for c in cases {
            // A case's fsck expectation must be what the model's invariants find on its layers.
            if let check = c.scenario.fsck {
                let outcome = LayerSet(scenario: c.scenario).check(policy: check.policy)
                for line in check.disagreements(found: outcome.found, exitCode: outcome.exitCode) {
                    disagreements.append("\(c.file):\(c.location.line):\(c.location.column): error: fsck -\(check.policy.rawValue) of the model: \(line)")
                }
            }
            for base in FSConfig.matrix {
                let config = c.scenario.layerFS?.applied(to: base) ?? base
                var model = OverlayModel(scenario: c.scenario.asMounted,
                                         environment: Environment(defaults: .debian, samefs: config.samefs, fs: config))
                _ = model.mount()
                var outcomes: [Outcome] = []
                for op in c.scenario.steps where model.mounted { outcomes.append(model.apply(op)) }
                _ = model.snapshot()
                if let why = model.unpredicted {
                    disagreements.append("\(c.file): error: [\(config)] the model cannot predict: \(why)")
                }
                if model.orderDependent {
                    disagreements.append("\(c.file): error: [\(config)] a parallel block ends in a state that depends on the order of its steps; the model cannot predict what follows")
                }
                // A case's same_inode_as / other_inode_than must agree with the model.
                for check in c.scenario.inodeChecks where check.step < outcomes.count {
                    guard case .ok(.stat(let a)) = outcomes[check.step], case .ok(.stat(let b)) = outcomes[check.other],
                          model.predictsSameInode(a, b) != check.same else { continue }
                    let at = c.stepLocations[check.step]
                    disagreements.append("\(c.file):\(at.line):\(at.column): error: [\(config)] the model predicts \(a.ino.map { "\($0)" } ?? "-") vs \(b.ino.map { "\($0)" } ?? "-") for step \(check.step + 1) and step \(check.other + 1)")
                }
            }
        }
        if !disagreements.isEmpty {
            disagreements.forEach { print($0) }
            throw ExitCode(128)
        }
        print("\(cases.count) cases valid")
    }
}
