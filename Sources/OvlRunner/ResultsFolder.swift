import Foundation

/// What a run leaves in its results folder besides the guests' records: `verdicts.json`, one entry
/// per job, read back by `run --rerun-failed`.
public enum ResultsFolder {
    /// One job's verdict as stored.
    public struct Entry: Codable, Sendable, Equatable {
        /// `whiteout/001-unlink-lower-file[ext4/xfs]`.
        public var name: String
        public var verdict: String
        public init(name: String, verdict: String) { self.name = name; self.verdict = verdict }
    }

    public static let verdictsFile = "verdicts.json"

    /// Writes `verdicts.json` (sorted as the results are).
    public static func writeVerdicts(_ results: [JobResult], to dir: String) throws {
        let entries = results.map { Entry(name: $0.name, verdict: $0.verdict.name) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(entries).write(to: URL(fileURLWithPath: dir + "/" + verdictsFile))
    }

    /// The names of the jobs whose verdict was fail, crash or hang in `dir`.
    /// - Throws: ``RerunError`` when the folder holds no readable `verdicts.json`.
    public static func failedJobs(in dir: String) throws(RerunError) -> Set<String> {
        let path = dir + "/" + verdictsFile
        guard let data = FileManager.default.contents(atPath: path) else { throw RerunError("no \(path): not a finished run") }
        guard let entries = try? JSONDecoder().decode([Entry].self, from: data) else { throw RerunError("\(path) is not a verdicts file") }
        return Set(entries.filter { ["fail", "crash", "hang"].contains($0.verdict) }.map(\.name))
    }

    /// The folder under `root` whose `verdicts.json` was written last (the last finished run).
    /// - Throws: ``RerunError`` when there is none.
    public static func latest(under root: String) throws(RerunError) -> String {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        let dated = names.compactMap { name -> (String, Date)? in
            let dir = root + "/" + name
            guard let attrs = try? fm.attributesOfItem(atPath: dir + "/" + verdictsFile),
                  let date = attrs[.modificationDate] as? Date else { return nil }
            return (dir, date)
        }
        guard let newest = dated.max(by: { $0.1 < $1.1 }) else { throw RerunError("no finished run under \(root)/") }
        return newest.0
    }
}

/// `--rerun-failed` could not find what to re-run.
public struct RerunError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
