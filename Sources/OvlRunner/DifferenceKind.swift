import OvlModel

/// The kind of a difference, without the values that shrinking a scenario naturally changes:
/// paths, step numbers, lower layer numbers, file data, sizes, listings, inode numbers. Two
/// failures of one kind are taken to be the same disagreement between kernel and model.
public enum DifferenceKind {
    /// The kind of `d`; `op` is the step it is about, when it is about one.
    ///
    /// A step's kind is its syscall (run as the mounter or as a caller alike), the field of an
    /// identity check, and each side's outcome class: the errno, `not run`, or for a success
    /// the first field that differs (`0 size`, `0 mode`, `0 names`). A dump's kind is the tree
    /// (`merged`, `upper`, `lower`, `index/`) and the field, with the side that is absent, the
    /// file types or errnos, but not data, modes or owners.
    public static func of(_ d: Difference, step op: Operation?) -> String {
        if let op {
            let prefix = "step \((d.step ?? 0) + 1) \(op.name) \(Checker.describe(op))"
            let field = d.subject.hasPrefix(prefix)
                ? d.subject.dropFirst(prefix.count).split(separator: " ").first.map { " " + $0 } ?? "" : ""
            if !field.isEmpty { return "step \(op.name)\(field)" }
            let (e, o) = outcomeClasses(d.expected, d.observed)
            return "step \(op.name): \(e) -> \(o)"
        }
        let words = d.subject.split(separator: " ").map(String.init)
        guard let first = words.first else { return d.subject }
        if first.hasPrefix("index/") && first != "index/" { return "index/ name" }
        if first == "mount" { return words.count == 1 ? "mount: \(d.expected) -> \(d.observed)" : d.subject }
        guard ["merged", "upper", "work/", "index/"].contains(first) || first.hasPrefix("lower") else { return d.subject }
        let tree = first.hasPrefix("lower") ? "lower" : first
        if tree == "work/" || tree == "index/" { return tree + " entries" }
        if words.count == 2 { return d.observed == "absent" ? "\(tree) entry: present -> absent" : "\(tree) entry: absent -> present" }
        var field = Array(words.dropFirst(2))
        if let of = field.firstIndex(of: "of") { field = Array(field[...of]) }
        let shown = field.first == "type" || field.first == "errno" ? ": \(d.expected) -> \(d.observed)" : ""
        return "\(tree) \(field.joined(separator: " "))\(shown)"
    }

    /// Each side's outcome class, for a step's outcome text (``Outcome/description``).
    static func outcomeClasses(_ expected: String, _ observed: String) -> (String, String) {
        func isErrno(_ t: String) -> Bool { t.first == "E" && t.allSatisfy { $0.isUppercase || $0.isNumber } }
        let e = expected.split(separator: " ").map(String.init), o = observed.split(separator: " ").map(String.init)
        guard let e0 = e.first, let o0 = o.first else { return (expected, observed) }
        if observed == "not run" || isErrno(e0) || isErrno(o0) || e0 != "0" || o0 != "0" {
            func cls(_ t: [String], _ whole: String) -> String { whole == "not run" ? whole : isErrno(t[0]) || t[0] == "0" ? t[0] : "other" }
            return (cls(e, expected), cls(o, observed))
        }
        let field = firstDifferingField(Array(e.dropFirst()), Array(o.dropFirst()))
        return ("0 " + field, "0 " + field)
    }

    /// The name of the first field two successful outcomes differ in.
    static func firstDifferingField(_ e: [String], _ o: [String]) -> String {
        guard let head = e.first?.first else { return "value" }
        switch head {
        case "[": return "names"
        case "{": return "dirents"
        case "\"": return "text"
        case "(": return "alternatives"
        default: break
        }
        func fields(_ tokens: [String]) -> [(String, String)] {
            tokens.enumerated().map { i, t in
                if let eq = t.firstIndex(of: "=") { return (String(t[..<eq]), t) }
                if i == 0 { return ("type", t) }
                if t.first == "0", t.allSatisfy({ ("0"..."7").contains($0) }) { return ("mode", t) }
                if t.contains(":") { return ("owner", t) }
                return ("value", t)
            }
        }
        let observed = Dictionary(fields(o), uniquingKeysWith: { a, _ in a })
        for (key, value) in fields(e) where observed[key] != value { return key }
        return "value"
    }
}

extension FuzzCampaign {
    /// The kind of a failing job for shrinking: its verdict and the ``DifferenceKind`` of its
    /// first difference. A shrunk candidate must keep it, so the reproducer shows the failure
    /// that was found, not another one a smaller scenario happens to hit.
    static func shrinkSignature(_ r: JobResult) -> String {
        guard let d = r.differences.first else { return r.verdict.name }
        let op = d.step.flatMap { r.job.scenario.steps.indices.contains($0) ? r.job.scenario.steps[$0] : nil }
        return r.verdict.name + " " + DifferenceKind.of(d, step: op)
    }
}
