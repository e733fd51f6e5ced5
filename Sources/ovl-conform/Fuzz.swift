import ArgumentParser
import Foundation
import OvlCase
import OvlFuzz
import OvlModel
import OvlRunner
import OvlVM

/// `ovl-conform fuzz`: random scenarios from the model's vocabulary, checked in the guest, each
/// difference shrunk to a small case file that `ovl-conform run` reproduces.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run generated scenarios against the model; shrink every difference to a case file.")

    @OptionGroup var guest: GuestOptions

    @Option(help: "Seed (default: random, printed); the same seed gives the same sequences.")
    var seed: UInt64?

    @Option(help: "Number of sequences to run.")
    var count: Int?

    @Option(help: "Run batches until this much time has passed: seconds, or with a suffix s, m or h (e.g. 10m).")
    var time: String?

    @Option(help: "The most steps a sequence has.")
    var steps: Int = 8

    @Option(help: "A fixed option set for every sequence, e.g. redirect_dir=on,index=on (default: random sets).")
    var options: String?

    @Option(help: "Areas beyond the first vocabulary: all (default), none (an old seed's sequences), or a comma list of \(FuzzArea.allCases.map(\.rawValue).joined(separator: ", ")).")
    var areas: String = "all"

    @Option(help: "Folder for the shrunk reproducers (default: <results>/reproducers).")
    var out: String?

    @Flag(help: "Write the sequences as case files into --out (default: fuzz-cases/) and stop; no guest.")
    var emit = false

    @Option(help: "Sequences per guest boot.")
    var batch: Int = 500

    @Option(help: "Shrink at most this many failing sequences (one per kind of difference).")
    var shrink: Int = 6

    func validate() throws {
        if count == nil && time == nil && !emit { throw ValidationError("give --count N or --time D") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        _ = try seconds()
        _ = try fixedOptions()
        _ = try fuzzAreas()
    }

    func fuzzAreas() throws -> Set<FuzzArea> {
        guard let set = FuzzArea.parse(areas) else {
            throw ValidationError("bad --areas '\(areas)'; expected all, none or a comma list of \(FuzzArea.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return set
    }

    func seconds() throws -> Double {
        guard let time else { return 0 }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let unit = time.last.flatMap { units[$0] }
        guard let value = Double(unit == nil ? time : String(time.dropLast())), value > 0 else {
            throw ValidationError("bad --time '\(time)'; expected seconds or a number with s, m or h, like 10m")
        }
        return value * (unit ?? 1)
    }

    func fixedOptions() throws -> [MountOption]? {
        guard let options else { return nil }
        return try options.split(separator: ",").map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let option = MountOption(key: parts[0], value: parts.count > 1 ? parts[1] : nil)
            guard let known = MountOption.known.first(where: { $0.key == option.key }),
                  known.values.isEmpty ? option.value == nil : option.value.map(known.values.contains) ?? false else {
                let valid = MountOption.known.map { $0.values.isEmpty ? $0.key : "\($0.key)=\($0.values.joined(separator: "|"))" }
                throw ValidationError("unknown option '\(item)'; expected: \(valid.joined(separator: ", "))")
            }
            return option
        }
    }

    func run() throws {
        let seed = self.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let generator = ScenarioGenerator(maxSteps: steps, options: try fixedOptions(), areas: try fuzzAreas())
        if emit { return try emitCases(generator, seed: seed) }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let resultsDir = URL(fileURLWithPath: guest.results ?? "results/fuzz-\(stamp)").standardizedFileURL.path
        let configs = try guest.configs()
        let areaList = generator.areas.isEmpty ? "none" : generator.areas.sorted().map(\.rawValue).joined(separator: ",")
        print("ovl-conform fuzz: seed \(seed) (rerun with --seed \(seed)), up to \(steps) steps per sequence, areas \(areaList)")
        let campaign = FuzzCampaign(
            generator: generator, seed: seed, count: count,
            seconds: try seconds(), batchSize: batch, configs: configs, shrinkLimit: shrink, shrinkRounds: 12,
            outDir: out ?? resultsDir + "/reproducers"
        ) { jobs, label in
            guest.suite(jobs, resultsDir: resultsDir + "/" + label, reporter: ProgressReporter(verbose: false))
        }
        let report: FuzzCampaign.Report
        do {
            report = try campaign.run()
        } catch let e as HarnessError {
            FileHandle.standardError.write(Data("ovl-conform: error: \(e.message)\n".utf8))
            throw ExitCode(ExitStatus.of(e).rawValue)
        }
        print(String(format: "fuzz: seed %llu, %d sequences, %d steps, %d jobs, %d differences of %d kinds, %d shrunk cases, %.0fs",
                     seed, report.sequences, report.steps, report.jobs, report.differences, report.kinds,
                     report.reproducers.count, report.seconds))
        for file in report.reproducers { print("reproducer: \(file)") }
        print("results: \(resultsDir)")
        throw ExitCode(report.exitStatus.rawValue)
    }

    /// `--emit`: the first `--count` sequences of `seed` as case files, to read or run one by one.
    func emitCases(_ generator: ScenarioGenerator, seed: UInt64) throws {
        let dir = out ?? "fuzz-cases"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<(count ?? 1) {
            let s = generator.scenario(seed: seed, index: i)
            let file = dir + "/fuzz-\(seed)-\(i).yaml"
            try CaseWriter.yaml(s, description: "fuzz seed \(seed) sequence \(i)", rules: s.exercisedRules, groups: ["auto"])
                .write(toFile: file, atomically: true, encoding: .utf8)
        }
        print("wrote \(count ?? 1) case files to \(dir)")
    }
}
