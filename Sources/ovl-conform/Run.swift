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

    @OptionGroup var guest: GuestOptions

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    @Option(help: "Write TAP 14 here.")
    var tap: String?

    @Option(help: "Run only slice I of N of the (case x configuration) job list, e.g. 2/4 (for CI matrices).")
    var shard: String?

    @Flag(help: "Re-run only the fail/crash/hang jobs of the last results folder (--results DIR, default the newest under results/).")
    var rerunFailed = false

    @Flag(help: "Print every verdict, not only failures.")
    var verbose = false

    @Flag(help: "Run on the machine's own kernel, without QEMU (root, loop devices, overlay; a kernel oops here is the machine's).")
    var host = false

    @Option(help: ArgumentHelp("Predict this version entry (a KernelChange name, e.g. 'fsync=') the other way round: a deliberate breakage of the model that the cases the entry decides must catch. Repeatable."))
    var flipChange: [String] = []

    func validate() throws {
        let names = Set(KernelChanges.all.map(\.name))
        for n in flipChange where !names.contains(n) {
            throw ValidationError("--flip-change: no version entry '\(n)'; known: \(names.sorted().joined(separator: ", "))")
        }
        if host, guest.moduleSrc != nil || guest.kernel != nil || guest.kernelTree != nil {
            throw ValidationError("--host runs the machine's own kernel and overlay; it excludes --module-src, --kernel and --kernel-tree")
        }
    }

    func run() throws {
        var selected = JobList.all(cases: try loadCases(paths), configs: try guest.configs())
        if let shard {
            do { selected = JobList.slice(selected, shard: try Shard(parsing: shard)) } catch { throw ValidationError(error.description) }
        }
        var dir = guest.results
        if rerunFailed {
            do {
                let previous = try guest.results ?? ResultsFolder.latest(under: "results")
                selected = JobList.only(selected, named: try ResultsFolder.failedJobs(in: previous))
                say("ovl-conform: re-running \(selected.count) failed jobs of \(previous)")
            } catch {
                throw ValidationError("--rerun-failed: \(error)")
            }
            dir = nil  // the re-run gets a folder of its own; the one read stays as it was
            if selected.isEmpty { throw ExitCode(ExitStatus.success.rawValue) }
        }
        let resultsDir = URL(fileURLWithPath: dir ?? Self.freshResultsFolder()).standardizedFileURL.path
        var suite = guest.suite(selected, host: host, resultsDir: resultsDir, reporter: ProgressReporter(verbose: verbose))
        suite.flipped = Set(flipChange)
        let summary: RunSummary
        do {
            summary = try suite.run()
        } catch let e as HarnessError {
            FileHandle.standardError.write(Data("ovl-conform: error: \(e.message)\n".utf8))
            throw ExitCode(ExitStatus.of(e).rawValue)
        }
        if let junit { try JUnitReporter.render(summary, options: options()).write(toFile: junit, atomically: true, encoding: .utf8) }
        if let tap { try TAPReporter.render(summary).write(toFile: tap, atomically: true, encoding: .utf8) }
        say("results: \(resultsDir)")
        throw ExitCode(summary.exitStatus.rawValue)
    }

    /// `results/<ISO time>`.
    static func freshResultsFolder() -> String {
        "results/" + ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
    }

    /// The options of this run, for the JUnit properties.
    func options() -> [String: String] {
        var o = ["fs": (try? guest.configs())?.map(\.description).joined(separator: " ") ?? "",
                 "step_timeout": String(guest.stepTimeout), "jobs": String(guest.guests)]
        if host { o["host"] = "true" }
        if let shard { o["shard"] = shard }
        if rerunFailed { o["rerun_failed"] = "true" }
        return o
    }
}

/// Writes a line to stdout at once (the progress reporter writes unbuffered too, so lines keep their order).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Parses every case under `paths` (default `cases/`), printing each error compiler-style; a case
/// with an option matrix becomes one case per combination. A case whose steps would follow a
/// symlink out of the merged tree is refused too (``TreeEscape``).
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
    let escapes = cases.flatMap(UndefinedNames.errors(in:)) + cases.flatMap(TreeEscape.errors(in:))
    if !errors.isEmpty || !escapes.isEmpty {
        for e in errors { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
        for e in escapes { FileHandle.standardError.write(Data("\(e)\n".utf8)) }
        throw ExitCode(ExitStatus.broken.rawValue)
    }
    return cases
}
