import OvlCase
import OvlModel
import OvlProtocol

/// The ordered (case × configuration) job list, and the slices of it a run can select.
public enum JobList {
    /// Every case in every configuration, ordered by case id, then configuration as given. The
    /// order does not depend on how the case paths were spelled, so every machine of a sharded
    /// run sees the same list; a job's index is its position in it.
    ///
    /// A case with `layer_fs:` runs on the configuration's filesystems with its override applied
    /// (the job's config is then e.g. `ext4/ramfs`); a configuration that comes to filesystems an
    /// earlier one of the case already ran on is kept under its own name but skipped, with a reason.
    public static func all(cases: [Case], configs: [FSConfig]) -> [(Job, Case)] {
        var jobs: [(Job, Case)] = []
        for c in cases.sorted(by: { $0.id < $1.id }) {
            var seen: Set<FSConfig> = []
            for config in configs {
                guard let override = c.scenario.layerFS else {
                    jobs.append((Job(index: jobs.count, caseID: c.id, config: config, scenario: c.scenario), c))
                    continue
                }
                let effective = override.applied(to: config)
                let skip = seen.contains(effective)
                    ? "layer_fs puts this configuration's layers on \(effective) too; run as \(c.id)[\(effective)]" : nil
                seen.insert(effective)
                jobs.append((Job(index: jobs.count, caseID: c.id, config: skip == nil ? effective : config,
                                 scenario: c.scenario, skip: skip), c))
            }
        }
        return jobs
    }

    /// The jobs of shard `shard`: every job whose position modulo the shard count is the shard's
    /// number minus one (round-robin, so shards get a similar mix of cases).
    public static func slice(_ jobs: [(Job, Case)], shard: Shard) -> [(Job, Case)] {
        jobs.enumerated().filter { $0.offset % shard.count == shard.number - 1 }.map(\.element)
    }

    /// The jobs whose report name (`case[config]`) is in `names`.
    public static func only(_ jobs: [(Job, Case)], named names: Set<String>) -> [(Job, Case)] {
        jobs.filter { names.contains("\($0.1.id)[\($0.0.config)]") }
    }
}

/// `--shard I/N`: the I-th of N slices of the job list (1 ≤ I ≤ N).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var number: Int
    public var count: Int

    /// Parses `I/N`.
    /// - Throws: ``ShardError`` when `text` is not `I/N` with 1 ≤ I ≤ N.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            throw ShardError(text: text)
        }
        number = i; count = n
    }

    public var description: String { "\(number)/\(count)" }
}

/// A malformed `--shard` value.
public struct ShardError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String { "bad --shard '\(text)'; expected I/N with 1 <= I <= N, e.g. 2/4" }
}
