import ArgumentParser
import Foundation
import OvlCase
import OvlModel
import OvlRunner
import OvlVM

/// `ovl-conform run`: one guest boot, every case, a verdict per case and configuration.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build overlay.ko, boot the guest once and run cases against the model.")

    @Argument(help: "Case files or folders (default: cases/).")
    var paths: [String] = []

    @Option(help: "A folder holding fs/overlayfs (a kernel tree or an extracted copy); default: the Debian source.")
    var moduleSrc: String?

    @Option(help: "Debian 6.12.N kernel version to boot (default: the newest available).")
    var kernel: String?

    @Option(name: .customLong("fs"), help: "Filesystem configurations: ext4, xfs, ext4/xfs, xfs/ext4 (lower/upper). Repeatable.")
    var filesystems: [String] = []

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    @Option(help: "Write TAP 14 here.")
    var tap: String?

    @Option(help: "Results folder (default: results/<time>).")
    var results: String?

    @Option(help: "Seconds without guest progress before a hang is declared.")
    var stepTimeout: Double = 60

    @Flag(help: "Print every verdict, not only failures.")
    var verbose = false

    func configs() throws -> [FSConfig] {
        if filesystems.isEmpty { return FSConfig.matrix }
        return try filesystems.map { text in
            let parts = text.split(separator: "/").map(String.init)
            guard (1...2).contains(parts.count), parts.allSatisfy({ ["ext4", "xfs"].contains($0) }) else {
                throw ValidationError("bad --fs '\(text)'; expected one of: ext4, xfs, ext4/xfs, xfs/ext4")
            }
            return FSConfig(lower: parts[0], upper: parts.last ?? parts[0])
        }
    }

    func run() throws {
        let cases = try loadCases(paths)
        let dir = results ?? "results/" + ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let resultsDir = URL(fileURLWithPath: dir).standardizedFileURL.path
        let suite = Suite(cases: cases, configs: try configs(), moduleSource: moduleSrc, kernelVersion: kernel,
                          resultsDir: resultsDir, stallTimeout: stepTimeout, reporter: ProgressReporter(verbose: verbose))
        let summary: RunSummary
        do {
            summary = try suite.run()
        } catch let e as HarnessError {
            FileHandle.standardError.write(Data("ovl-conform: error: \(e.message)\n".utf8))
            throw ExitCode(e.kind == .untestable ? ExitStatus.untestable.rawValue : ExitStatus.broken.rawValue)
        }
        if let junit { try JUnitReporter.render(summary).write(toFile: junit, atomically: true, encoding: .utf8) }
        if let tap { try TAPReporter.render(summary).write(toFile: tap, atomically: true, encoding: .utf8) }
        print("results: \(resultsDir)")
        throw ExitCode(summary.exitStatus.rawValue)
    }
}

/// Parses every case under `paths` (default `cases/`), printing each error compiler-style; a case
/// with an option matrix becomes one case per combination.
func loadCases(_ paths: [String]) throws -> [Case] {
    var cases: [Case] = []
    var errors: [CaseError] = []
    do {
        for file in try CaseDiscovery.files(in: paths.isEmpty ? ["cases"] : paths) {
            do { cases += try CaseParser.parse(file: file).expanded() } catch { errors.append(error) }
        }
    } catch {
        errors.append(error)
    }
    if !errors.isEmpty {
        for e in errors { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
        throw ExitCode(ExitStatus.broken.rawValue)
    }
    return cases
}
