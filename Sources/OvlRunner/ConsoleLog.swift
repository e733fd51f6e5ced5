/// Picks the lines of a guest console that explain a crash or a failed start.
enum ConsoleLog {
    static let kernelMarkers = ["BUG:", "kernel BUG at", "Oops", "RIP:", "Call Trace", "Kernel panic", "WARNING:", "general protection", "ovl-conform: begin"]

    /// The kernel's crash lines (BUG/Oops/RIP/Call Trace…), else the init's own messages and the
    /// last lines of the console.
    static func excerpt(_ console: String) -> String {
        // Firmware lines carry terminal escapes (ESC c, ESC [2J): noise in a report.
        let lines = console.split(whereSeparator: \.isNewline).map { String($0) }
            .filter { !$0.unicodeScalars.contains("\u{1b}") }
        let hits = lines.filter { l in kernelMarkers.contains { l.contains($0) } }
        if hits.contains(where: { !$0.contains("ovl-conform: begin") }) { return hits.prefix(40).joined(separator: "\n") }
        let initLines = lines.filter { $0.hasPrefix("ovl-init:") }
        return (initLines + lines.suffix(15).filter { !initLines.contains($0) }).joined(separator: "\n")
    }

    /// The console from the first SysRq line on (what the host's SysRq keys made the kernel print
    /// after a stall), or nothing.
    static func sysrqDump(_ console: String) -> [String] {
        let lines = console.split(whereSeparator: \.isNewline).map { String($0) }
        guard let start = lines.firstIndex(where: { $0.contains("sysrq: ") }) else { return [] }
        return Array(lines[start...].filter { !$0.unicodeScalars.contains("\u{1b}") }.prefix(80))
    }
}
