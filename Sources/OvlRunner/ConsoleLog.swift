/// Picks the lines of a guest console that explain a crash or a failed start.
enum ConsoleLog {
    static let markers = ["BUG:", "Oops", "RIP:", "Call Trace", "Kernel panic", "WARNING:", "ovl-init:", "general protection"]

    /// The interesting lines, or the last 20 lines when none is.
    static func excerpt(_ console: String) -> String {
        let lines = console.split(separator: "\n").map { String($0) }
        let hits = lines.filter { l in markers.contains { l.contains($0) } }
        return (hits.isEmpty ? Array(lines.suffix(20)) : Array(hits.prefix(40))).joined(separator: "\n")
    }
}
