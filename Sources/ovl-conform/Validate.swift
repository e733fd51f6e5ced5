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
        for c in cases {
            for config in FSConfig.matrix {
                var model = OverlayModel(scenario: c.scenario, environment: Environment(defaults: .debian, samefs: config.samefs, upperFS: config.upper, lowerFS: config.lower))
                _ = model.mount()
                for op in c.scenario.steps where model.mounted { _ = model.apply(op) }
                _ = model.snapshot()
            }
        }
        print("\(cases.count) cases valid")
    }
}
