/// Picks the lines of a guest console that explain a crash or a failed start.
enum ConsoleLog {
    static let kernelMarkers = ["BUG:", "Oops", "RIP:", "Call Trace", "Kernel panic", "WARNING:", "general protection", "ovl-conform: begin"]

    /// The kernel's crash lines (BUG/Oops/RIP/Call Trace…), else the init's own messages and the
    /// last lines of the console.
    static func excerpt(_ console: String) -> String {
        let lines = console.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0) }
        let hits = lines.filter { l in kernelMarkers.contains { l.contains($0) } }
        if hits.contains(where: { !$0.contains("ovl-conform: begin") }) { return hits.prefix(40).joined(separator: "\n") }
        return (lines.filter { $0.hasPrefix("ovl-init:") } + lines.suffix(15)).joined(separator: "\n")
    }
}
