import OvlModel

/// Proposes smaller variants of a failing scenario, for a greedy search that keeps the smallest
/// variant that still fails and tries again (all variants of one round run in one guest boot).
public enum Shrinker {
    /// How big a scenario is: steps weigh most, then layer entries, options and xattrs.
    public static func size(_ s: Scenario) -> Int {
        let layers = s.lowers + (s.upper.map { [$0] } ?? [])
        let entries = layers.reduce(0) { $0 + $1.entries.count }
        let xattrs = layers.reduce(0) { $0 + $1.entries.values.reduce(0) { $0 + $1.xattrs.count } }
        let callers = s.steps.filter { if case .asCaller = $0 { true } else { false } }.count
        return 100 * s.steps.count + 10 * entries + 10 * s.lowers.count + 5 * s.options.count + xattrs
            + 2 * callers + (s.layerFS == nil ? 0 : 5)
    }

    /// Every one-edit reduction of `s`, smallest first: drop a run of steps, drop one step, drop
    /// a lower or data-only layer, drop a layer entry with its subtree, drop an option, drop a
    /// node's xattrs, run a step as the mounter instead of `as:` a caller, drop `layer_fs:`.
    /// A variant is never larger than `s` and never equal to it.
    public static func candidates(_ s: Scenario) -> [Scenario] {
        var out: [Scenario] = []
        let n = s.steps.count
        // Halves and quarters of the steps, then each single step.
        var chunk = n / 2
        while chunk >= 2 {
            var start = 0
            while start < n {
                var v = s
                v.steps.removeSubrange(start..<min(n, start + chunk))
                if !v.steps.isEmpty { out.append(v) }
                start += chunk
            }
            chunk /= 2
        }
        if n > 1 {
            for i in 0..<n { var v = s; v.steps.remove(at: i); out.append(v) }
        }
        let normal = s.lowers.count - s.dataLayerCount
        if normal > (s.upper == nil ? 2 : 1) {
            for k in 0..<normal { var v = s; v.lowers.remove(at: k); out.append(v) }
        }
        for k in normal..<s.lowers.count { var v = s; v.lowers.remove(at: k); v.dataLayerCount -= 1; out.append(v) }
        for k in s.lowers.indices {
            for path in s.lowers[k].entries.keys.sorted() {
                var v = s
                v.lowers[k].removeTree(path)
                v.lowers[k] = v.lowers[k].canonicalizingHardlinks()
                out.append(v)
            }
        }
        if let upper = s.upper {
            for path in upper.entries.keys.sorted() {
                var v = s
                v.upper?.removeTree(path)
                v.upper = v.upper?.canonicalizingHardlinks()
                out.append(v)
            }
        }
        for i in s.options.indices { var v = s; v.options.remove(at: i); out.append(v) }
        for (i, step) in s.steps.enumerated() {
            if case .asCaller(_, let op) = step { var v = s; v.steps[i] = op; out.append(v) }
        }
        if s.layerFS != nil { var v = s; v.layerFS = nil; out.append(v) }
        for k in s.lowers.indices {
            for (path, node) in s.lowers[k].entries.sorted(by: { $0.key < $1.key }) where !node.xattrs.isEmpty {
                var v = s; v.lowers[k].entries[path]?.xattrs = [:]; out.append(v)
            }
        }
        return out.filter { size($0) < size(s) }.sorted { size($0) < size($1) }
    }
}

extension Scenario {
    /// The rules of the semantics doc a scenario's steps exercise, for a reproducer's `rules:`.
    public var exercisedRules: [String] {
        var rules = Set<Int>()
        for op in steps {
            if case .asCaller = op { rules.insert(90) } else { rules.formUnion(op.kind.rules) }
        }
        return rules.sorted().map { "R\($0)" }
    }
}
