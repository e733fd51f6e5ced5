@testable import OvlModel

/// The setup the tests of lower filesystems share: layers written as a case writes them, and a
/// model of them mounted under an empty upper on given filesystems.
enum LayerFixture {
    /// A layer holding `entries` (paths relative to its root) and their parent dirs.
    static func layer(_ entries: [String: Node]) -> Layer {
        var l = Layer()
        for (p, n) in entries { l.entries[RelPath(parsing: p)!] = n }
        l.addMissingParents()
        return l
    }

    /// A model of `lowers` under an empty upper on `fs`, after its mount.
    static func mounted(_ lowers: [Layer], fs: FSConfig, options: [MountOption] = [],
                        kernel: KernelVersion? = nil) -> OverlayModel {
        var m = OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(), options: options, steps: []),
                             environment: Environment(defaults: .debian, samefs: false, fs: fs, kernel: kernel))
        _ = m.mount()
        return m
    }
}
