import Foundation

/// Prints progress and verdicts while a suite runs, and the first difference of each failure in full.
public final class ProgressReporter: @unchecked Sendable {
    private var total = 0
    private var done = 0
    private var failed = 0
    private let start = Date()
    private let verbose: Bool

    public init(verbose: Bool) { self.verbose = verbose }

    public func note(_ text: String) { emit("ovl-conform: \(text)") }

    public func start(total: Int) {
        self.total = total
        note("running \(total) jobs in one guest boot")
    }

    public func finished(_ r: JobResult) {
        done += 1
        if r.verdict.isFailure { failed += 1 }
        let elapsed = Date().timeIntervalSince(start)
        let tag = r.verdict.name.uppercased()
        if r.verdict != .pass || verbose {
            emit("\(tag) \(r.name)   \(r.caseInfo.file)")
            if case .error(let why) = r.verdict { emit("  error: \(why)") }
            for (i, d) in r.differences.enumerated() {
                if i == 0 {
                    emit("  \(d.subject)   rules \(r.caseInfo.rules.joined(separator: ","))")
                    emit("  - expected (model)   \(d.expected)")
                    emit("  + observed (kernel)  \(d.observed)")
                } else {
                    emit("  after divergence: \(d.subject): expected \(d.expected), observed \(d.observed)")
                }
            }
            for line in r.kernelLog.prefix(10) where r.verdict != .pass { emit("  kernel: \(line)") }
        }
        emit(String(format: "[%d/%d] %d failed, %.0fs elapsed", done, total, failed, elapsed))
    }

    public func summary(_ s: RunSummary) {
        let counts = Dictionary(grouping: s.results, by: { $0.verdict.name }).mapValues(\.count)
        let pass = counts["pass"] ?? 0
        let bad = s.results.count - pass
        emit(String(format: "ovl-conform: kernel %@, module build %.1fs, boots %@, total %.1fs", s.kernel, s.buildSeconds,
                     s.bootSeconds.map { String(format: "%.1fs", $0) }.joined(separator: "+"), s.totalSeconds))
        emit(counts.keys.sorted().map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " "))
        emit("\(pass) passed, \(bad) failed")
    }
}

/// Writes one line to stdout unbuffered, so progress shows while the guest runs.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
