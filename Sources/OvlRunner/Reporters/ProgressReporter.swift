import Foundation
import OvlModel
import OvlProtocol

/// Prints progress and verdicts while a suite runs, and every failure in full as it happens.
/// On a terminal the progress is one line that rewrites itself; otherwise (CI logs) one plain line
/// per job. Guests report from their own threads, so every call takes a lock.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var failed = 0
    private let start: Date
    private let verbose: Bool
    private let interactive: Bool
    private let clock: () -> Date
    private let write: (String) -> Void
    /// True while the self-overwriting status line is on screen.
    private var statusShown = false
    /// When the first verdict came: the ETA is paced by jobs, not by the boot before them.
    private var firstVerdict: Date?

    /// - Parameters:
    ///   - interactive: rewrite one status line (a terminal); default: whether stdout is a TTY.
    ///   - clock, write: injected by tests; default the wall clock and unbuffered stdout.
    public init(verbose: Bool, interactive: Bool = isatty(STDOUT_FILENO) == 1, clock: @escaping () -> Date = Date.init,
                write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.verbose = verbose; self.interactive = interactive; self.clock = clock; self.write = write
        start = clock()
    }

    public func note(_ text: String) { lock.withLock { line("ovl-conform: \(text)") } }

    public func start(total: Int, guests: Int) {
        lock.withLock {
            self.total = total
            line("ovl-conform: running \(total) jobs in \(guests == 1 ? "one guest" : "\(guests) guests in parallel")")
        }
    }

    public func finished(_ r: JobResult) {
        lock.withLock {
            done += 1
            if r.verdict.isFailure { failed += 1 }
            if r.verdict != .pass || verbose {
                line("\(r.verdict.name.uppercased()) \(r.name)   \(r.caseInfo.file)")
                if case .error(let why) = r.verdict { line("  error: \(why)") }
                if case .skip(let why) = r.verdict { line("  skipped: \(why)") }
                for (i, d) in r.differences.enumerated() {
                    if i == 0 {
                        line("  \(d.subject)   rules \(r.caseInfo.rules.joined(separator: ","))")
                        line("  - expected (model)   \(d.expected)")
                        line("  + observed (kernel)  \(d.observed)")
                    } else {
                        line("  after divergence: \(d.subject): expected \(d.expected), observed \(d.observed)")
                    }
                }
                for l in r.kernelLog.prefix(r.verdict == .hang || r.verdict == .crash ? 40 : 10) where r.verdict != .pass {
                    line("  kernel: \(l)")
                }
            }
            if interactive {
                write("\r\u{1b}[K" + status())
                statusShown = true
            } else {
                line(status())
            }
        }
    }

    /// `[37/168] 2 failed, 12s elapsed, ETA 43s`; the ETA appears from the second verdict on.
    func status() -> String {
        let now = clock()
        let elapsed = now.timeIntervalSince(start)
        var s = String(format: "[%d/%d] %d failed, %.0fs elapsed", done, total, failed, elapsed)
        guard let first = firstVerdict else {
            firstVerdict = now
            return s
        }
        if done > 1, done < total {
            s += String(format: ", ETA %.0fs", now.timeIntervalSince(first) / Double(done - 1) * Double(total - done))
        }
        return s
    }

    public func summary(_ s: RunSummary) {
        let counts = Dictionary(grouping: s.results, by: { $0.verdict.name }).mapValues(\.count)
        let pass = counts["pass"] ?? 0
        lock.withLock {
            line(String(format: "ovl-conform: kernel %@, module build %.1fs, ready after %@, boots %@, total %.1fs", s.kernel,
                        s.buildSeconds, s.readySeconds.map { String(format: "%.1fs", $0) }.joined(separator: "/"),
                        s.bootSeconds.map { String(format: "%.1fs", $0) }.joined(separator: "+"), s.totalSeconds))
            if s.phases.total > 0 { line("ovl-conform: guest time " + Self.describe(s.phases)) }
            line(counts.keys.sorted().map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " "))
            let skipped = counts["skip"] ?? 0
            line("\(pass) passed, \(s.results.count - pass - skipped) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        }
    }

    /// Writes one whole line, first clearing the status line on a terminal (it is redrawn after
    /// the next verdict).
    private func line(_ text: String) {
        if statusShown {
            write("\r\u{1b}[K")
            statusShown = false
        }
        write(text + "\n")
    }

    /// `12.3s in jobs: layers 2.0s, mount 3.1s, …` (phases summed over every guest).
    static func describe(_ p: JobPhases) -> String {
        let parts: [(String, Double)] = [("layers", p.layers), ("mount", p.mount), ("steps", p.steps), ("dumps", p.dumps),
                                         ("fsck", p.fsck), ("records", p.records)]
        return String(format: "%.1fs in jobs: ", p.total) + parts.map { String(format: "%@ %.1fs", $0.0, $0.1) }.joined(separator: ", ")
    }
}
