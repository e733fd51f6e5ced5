import OvlCase
import OvlModel

/// Refuses cases whose steps use an fd name no earlier `open` step made: the guest could only
/// report a harness fault for them. (A handle label no earlier `name_to_handle_at` made is the
/// case parser's own error.)
public enum UndefinedNames {
    /// One `FILE:LINE:COL: error: …` line per step that uses an fd name before any step opens it.
    public static func errors(in c: Case) -> [String] {
        var opened = Set<String>()
        var found: [String] = []
        for (i, op) in c.scenario.steps.enumerated() {
            for name in undefined(op, opened: opened) {
                let at = i < c.stepLocations.count ? c.stepLocations[i] : c.location
                found.append("\(c.file):\(at.line):\(at.column): error: step \(i + 1) (\(op.name)): no earlier open step names an fd '\(name)'")
            }
            opened.formUnion(opens(op))
        }
        return found
    }

    /// The fd names `op` uses that are not open yet (the steps of a `parallel` block see only the
    /// names opened before the block).
    static func undefined(_ op: Operation, opened: Set<String>) -> [String] {
        switch op {
        case .fd(.open): []
        case .fd(let f): opened.contains(f.fd) ? [] : [f.fd]
        case .asCaller(_, let inner): undefined(inner, opened: opened)
        case .parallel(let ops): ops.flatMap { undefined($0, opened: opened) }
        default: []
        }
    }

    /// The fd names `op` opens.
    static func opens(_ op: Operation) -> [String] {
        switch op {
        case .fd(.open(_, _, let fd)): [fd]
        case .asCaller(_, let inner): opens(inner)
        case .parallel(let ops): ops.flatMap(opens)
        default: []
        }
    }
}
