import Foundation
import OvlCase
import OvlFuzz
import OvlModel
import OvlProtocol

/// `ovl-conform fuzz`: runs generated scenarios in the guest against the model, shrinks each one
/// the kernel disagrees on, and saves the smallest reproducer as an ordinary case file.
public struct FuzzCampaign {
    public var generator: ScenarioGenerator
    public var seed: UInt64
    /// Sequences to run, or nil to run batches until `seconds` have passed.
    public var count: Int?
    public var seconds: Double
    public var batchSize: Int
    public var configs: [FSConfig]
    /// At most this many failing sequences are shrunk (each costs a boot per round).
    public var shrinkLimit: Int
    public var shrinkRounds: Int
    /// Where reproducers are written.
    public var outDir: String
    /// Builds the suite that runs a set of jobs (module, kernel, results folder, watchdog).
    public var makeSuite: (_ jobs: [(Job, Case)], _ label: String) -> Suite

    public init(generator: ScenarioGenerator, seed: UInt64, count: Int?, seconds: Double, batchSize: Int,
                configs: [FSConfig], shrinkLimit: Int, shrinkRounds: Int, outDir: String,
                makeSuite: @escaping (_ jobs: [(Job, Case)], _ label: String) -> Suite) {
        self.generator = generator; self.seed = seed; self.count = count; self.seconds = seconds
        self.batchSize = batchSize; self.configs = configs; self.shrinkLimit = shrinkLimit
        self.shrinkRounds = shrinkRounds; self.outDir = outDir; self.makeSuite = makeSuite
    }

    /// What a campaign found.
    public struct Report: Sendable {
        public var sequences = 0
        public var steps = 0
        public var jobs = 0
        /// Failing (sequence, configuration) jobs.
        public var differences = 0
        /// Distinct kinds of first difference (see ``FuzzCampaign/shrinkSignature(_:)``).
        public var kinds = 0
        /// Reproducer files written.
        public var reproducers: [String] = []
        public var seconds = 0.0
        public var exitStatus: ExitStatus = .success
    }

    /// Runs the campaign.
    /// - Throws: ``OvlVM/HarnessError`` when the module does not build or load or the guest does not start.
    public func run() throws -> Report {
        let t0 = Date()
        var report = Report()
        var failures: [JobResult] = []
        var next = 0
        var batch = 0
        repeat {
            batch += 1
            let n = count.map { min(batchSize, $0 - next) } ?? batchSize
            let cases = (next..<next + n).map { i in
                fuzzCase(id: "fuzz/\(seed)-\(i)", generator.scenario(seed: seed, index: i))
            }
            next += n
            let summary = try makeSuite(JobList.all(cases: cases, configs: configs), "batch\(batch)").run()
            report.sequences += n
            report.steps += cases.reduce(0) { $0 + $1.scenario.steps.count }
            report.jobs += summary.results.count
            let bad = summary.results.filter { $0.verdict.isFailure }
            report.differences += bad.count
            failures += bad
            if summary.exitStatus != .success { report.exitStatus = summary.exitStatus }
        } while count.map({ next < $0 }) ?? (Date().timeIntervalSince(t0) < seconds)

        // Shrink one failing job per kind of difference, up to the limit.
        var seen = Set<ShrinkSignature>()
        let targets = failures.filter { seen.insert(Self.shrinkSignature($0)).inserted }.prefix(shrinkLimit)
        report.kinds = seen.count
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        for (file, text) in try shrink(Array(targets)) {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            report.reproducers.append(file)
        }
        report.seconds = Date().timeIntervalSince(t0)
        return report
    }

    /// Greedy shrinking, all targets at once: each round runs every candidate of every target in
    /// one boot (in the target's configuration only) and keeps each target's smallest candidate
    /// that fails the same way (the same ``shrinkSignature(_:)``). Returns (file, case text) per target.
    func shrink(_ targets: [JobResult]) throws -> [(String, String)] {
        // A job of a case with `layer_fs:` runs on the overridden filesystems (`ext4/ramfs`); its
        // candidates run on the campaign's configuration it came from, with their own override.
        var current = targets.map { t in
            let base = t.job.scenario.layerFS.flatMap { o in configs.first { o.applied(to: $0) == t.job.config } } ?? t.job.config
            return (config: base, scenario: t.job.scenario, verdict: t.verdict.name, kind: Self.shrinkSignature(t))
        }
        var active = Set(current.indices)
        var round = 0
        while !active.isEmpty && round < shrinkRounds {
            round += 1
            var jobs: [(Job, Case)] = []
            var owner: [String: Int] = [:]
            for t in active.sorted() {
                for (k, v) in Shrinker.candidates(current[t].scenario).prefix(80).enumerated() {
                    let c = fuzzCase(id: "shrink/\(t)-\(round)-\(k)", v)
                    let config = v.layerFS?.applied(to: current[t].config) ?? current[t].config
                    jobs.append((Job(index: jobs.count, caseID: c.id, config: config, scenario: v), c))
                    owner[c.id] = t
                }
            }
            if jobs.isEmpty { break }
            let summary = try makeSuite(jobs, "shrink\(round)").run()
            var improved = Set<Int>()
            for r in summary.results {
                guard let t = owner[r.caseInfo.id], Self.shrinkSignature(r) == current[t].kind else { continue }
                if Shrinker.size(r.job.scenario) < Shrinker.size(current[t].scenario) {
                    current[t].scenario = r.job.scenario
                    improved.insert(t)
                }
            }
            active = improved
        }
        return current.enumerated().map { i, t in
            let file = outDir + "/\(String(format: "%03d", i + 1))-fuzz-\(seed).yaml"
            let text = CaseWriter.yaml(t.scenario,
                                       description: "fuzz seed \(seed): \(t.verdict) on \(t.config), shrunk to \(t.scenario.steps.count) steps",
                                       rules: t.scenario.exercisedRules, groups: ["auto"])
            return (file, "# reproduce: ovl-conform run --fs \(t.config) \(file)\n" + text)
        }
    }

    /// A generated scenario as a case the suite can run.
    func fuzzCase(id: String, _ scenario: Scenario) -> Case {
        let here = SourceLocation(file: id, line: 1, column: 1)
        return Case(id: id, file: id, description: "generated", rules: [], groups: [], scenario: scenario,
                    stepLocations: scenario.steps.map { _ in here }, location: here)
    }
}
