import ArgumentParser
import OvlCase
import OvlModel
import OvlRunner

/// `ovl-conform predict`: what the model expects at every step of one case.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print what the model predicts for one case.")

    @Argument(help: "The case file.")
    var file: String

    @Flag(help: "Predict for upper and lowers on different filesystems.")
    var nonSamefs = false

    @Option(help: "Predict for this kernel version (e.g. 6.9, 6.12.113; default: the reference 6.12.117).")
    var kernelVersion: String?

    func validate() throws {
        if let kernelVersion, KernelVersion(release: kernelVersion) == nil {
            throw ValidationError("bad --kernel-version '\(kernelVersion)'; expected MAJOR.MINOR[.PATCH]")
        }
    }

    func run() throws {
        let cases = try loadCases([file])
        let kernel = kernelVersion.flatMap(KernelVersion.init(release:))
        for c in cases {
            let base = nonSamefs ? FSConfig(lower: "ext4", upper: "xfs") : FSConfig(lower: "ext4", upper: "ext4")
            // A case's layer_fs: puts its upper or lowers on another filesystem.
            let config = c.scenario.layerFS?.applied(to: base)
            var model = OverlayModel(scenario: c.scenario.asMounted,
                                     environment: Environment(defaults: .debian, samefs: config?.samefs ?? !nonSamefs,
                                                              fs: config ?? (nonSamefs ? base : nil), kernel: kernel))
            let m = model.mount()
            print("\(c.id): \(c.description)")
            print("mount: " + (m.errno.map { "\($0) \(m.kernelLog.joined(separator: " "))" } ?? "0 options=\((m.options ?? []).joined(separator: ","))"))
            if let stage = m.stage { print("mount refused at: \(stage)") }
            if let shown = m.shown { print("mountinfo: \(shown)") }
            for (i, op) in c.scenario.steps.enumerated() where model.mounted {
                print("step \(i + 1) \(op.name) \(Checker.describe(op)) -> \(model.apply(op))")
            }
            let s = model.snapshot()
            for (name, tree) in [("merged", s.merged), ("upper", s.upper ?? [:])] {
                for path in tree.keys.sorted() {
                    if let v = tree[path] { print("\(name) \(path): \(Checker.render(v))") }
                }
            }
        }
    }
}
