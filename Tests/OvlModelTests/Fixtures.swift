import OvlModel

/// A path of the merged view or a layer, from its text (the root for an invalid one).
func path(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

/// A mounted model of `lowers` (top first) and `upper`, with options written as in a case file
/// (`redirect_dir=on`), on Debian's module defaults.
func mounted(_ lowers: [Layer], upper: Layer? = Layer(), options: [String] = [], samefs: Bool = true) -> OverlayModel {
    let opts = options.map { o in
        let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
        return MountOption(key: kv[0], value: kv.count > 1 ? kv[1] : nil)
    }
    var m = OverlayModel(scenario: Scenario(lowers: lowers, upper: upper, options: opts, steps: []),
                         environment: Environment(defaults: .debian, samefs: samefs))
    _ = m.mount()
    return m
}
