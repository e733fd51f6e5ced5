import OvlModel

/// Compares what the guest observed with what the model predicts, step by step and tree by tree.
public enum Checker {
    /// Runs the model over `job` and lists every difference from `observed`.
    public static func check(job: Job, defaults: ModuleDefaults, observed: Observations) -> [Difference] {
        var model = OverlayModel(scenario: job.scenario,
                                 environment: Environment(defaults: defaults, samefs: job.config.samefs,
                                                          upperFS: job.config.upper, lowerFS: job.config.lower))
        var diffs: [Difference] = []
        let predictedMount = model.mount()
        if let m = observed.mount {
            diffs += compareMount(predictedMount, m)
        } else {
            diffs.append(Difference(step: nil, subject: "mount", expected: "a mount result", observed: "nothing recorded"))
        }
        if model.mounted, observed.mount?.errno == nil {
            for (i, op) in job.scenario.steps.enumerated() {
                let expected = model.apply(op)
                let subject = "step \(i + 1) \(op.name) \(describe(op))"
                guard let got = observed.steps[i] else {
                    diffs.append(Difference(step: i, subject: subject, expected: expected.description, observed: "not run"))
                    continue
                }
                if !outcomeMatches(expected, got) {
                    diffs.append(Difference(step: i, subject: subject, expected: expected.description, observed: got.description))
                }
            }
        }
        let predicted = model.snapshot()
        if let s = observed.snapshot {
            diffs += compareTree("merged", predicted.merged, s.merged)
            if let pu = predicted.upper, let ou = s.upper { diffs += compareTree("upper", pu, ou) }
            let workMatches = predicted.work.map { e in
                s.work.map { o in e.count == o.count && zip(e, o).allSatisfy { XattrPattern.matches($0, $1) } } ?? false
            } ?? (s.work == nil)
            if !workMatches {
                diffs.append(Difference(step: nil, subject: "work/ entries (R43)", expected: "\(predicted.work ?? [])",
                                        observed: s.work.map { "\($0)" } ?? "no work/ dir"))
            }
            for (i, (pl, ol)) in zip(predicted.lowers, s.lowers).enumerated() {
                diffs += compareTree("lower\(i)", pl, ol)
            }
        } else if observed.error == nil {
            diffs.append(Difference(step: nil, subject: "state dump", expected: "a dump", observed: "nothing recorded"))
        }
        return diffs
    }

    static func compareMount(_ e: MountObservation, _ o: MountObservation) -> [Difference] {
        var d: [Difference] = []
        if e.errno != o.errno {
            d.append(Difference(step: nil, subject: "mount", expected: e.errno.map { "\($0)" } ?? "0",
                                observed: (o.errno.map { "\($0)" } ?? "0") + logSuffix(o.kernelLog)))
        }
        for line in e.kernelLog where !o.kernelLog.contains(where: { $0.contains(line) || line.contains($0) }) {
            d.append(Difference(step: nil, subject: "mount kernel log", expected: line, observed: o.kernelLog.joined(separator: " | ")))
        }
        if let eo = e.options, let oo = o.options, Set(eo) != Set(oo) {
            d.append(Difference(step: nil, subject: "mount options (mountinfo)", expected: eo.sorted().joined(separator: ","),
                                observed: oo.sorted().joined(separator: ",")))
        }
        return d
    }

    static func logSuffix(_ log: [String]) -> String { log.isEmpty ? "" : " (" + log.joined(separator: " | ") + ")" }

    static func outcomeMatches(_ e: Outcome, _ o: Outcome) -> Bool {
        switch (e, o) {
        case (.ok(.stat(let es)), .ok(.stat(let os))):
            return es.type == os.type && field(es.perm, os.perm) && field(es.uid, os.uid) && field(es.gid, os.gid)
                && field(es.size, os.size) && field(es.nlink, os.nlink) && field(es.mtime, os.mtime)
        case (.ok(.names(let en)), .ok(.names(let on))): return Set(en) == Set(on)
        default: return e == o
        }
    }

    static func field<T: Equatable>(_ expected: T?, _ observed: T?) -> Bool { expected == nil || expected == observed }

    /// Compares two trees: missing and unexpected paths, then every predicted field of each entry.
    static func compareTree(_ tree: String, _ e: TreeView, _ o: TreeView) -> [Difference] {
        var d: [Difference] = []
        for path in Set(e.keys).union(o.keys).sorted() {
            let subject = "\(tree) \(path)"
            switch (e[path], o[path]) {
            case (let ev?, nil): d.append(Difference(step: nil, subject: subject, expected: render(ev), observed: "absent"))
            case (nil, let ov?): d.append(Difference(step: nil, subject: subject, expected: "absent", observed: render(ov)))
            case (let ev?, let ov?): d += compareEntry(subject, ev, ov)
            case (nil, nil): break
            }
        }
        return d
    }

    static func compareEntry(_ subject: String, _ e: EntryView, _ o: EntryView) -> [Difference] {
        var d: [Difference] = []
        func add(_ what: String, _ ev: String, _ ov: String) {
            d.append(Difference(step: nil, subject: "\(subject) \(what)", expected: ev, observed: ov))
        }
        if e.type != o.type { add("type", e.type.rawValue, o.type.rawValue); return d }
        if e.errno != o.errno { add("errno", e.errno.map { "\($0)" } ?? "0", o.errno.map { "\($0)" } ?? "0"); return d }
        if !field(e.perm, o.perm) { add("mode", octal(e.perm), octal(o.perm)) }
        if !field(e.uid, o.uid) || !field(e.gid, o.gid) { add("owner", "\(e.uid ?? 0):\(e.gid ?? 0)", "\(o.uid ?? 0):\(o.gid ?? 0)") }
        if !field(e.data, o.data) { add("data", show(e.data), show(o.data)) }
        if !field(e.target, o.target) { add("target", show(e.target), show(o.target)) }
        if !field(e.rdev, o.rdev) { add("rdev", e.rdev ?? "-", o.rdev ?? "-") }
        if !field(e.nlink, o.nlink) { add("nlink", "\(e.nlink ?? 0)", "\(o.nlink ?? 0)") }
        if !field(e.mtime, o.mtime) { add("mtime", "\(e.mtime ?? 0)", "\(o.mtime ?? 0)") }
        if let ex = e.xattrs {
            let ox = o.xattrs ?? [:]
            for name in Set(ex.keys).union(ox.keys).sorted() {
                switch (ex[name], ox[name]) {
                case (let ev?, let ov?) where !XattrPattern.matches(ev, ov): add("xattr \(name)", ev, ov)
                case (let ev?, nil): add("xattr \(name)", ev, "absent")
                case (nil, let ov?): add("xattr \(name)", "absent", ov)
                default: break
                }
            }
        }
        return d
    }

    static func octal(_ v: UInt32?) -> String { v.map { "0" + String($0, radix: 8) } ?? "-" }
    static func show(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "-" }

    /// One-line arguments of a step for reports.
    public static func describe(_ op: Operation) -> String {
        switch op {
        case .stat(let p), .lstat(let p), .read(let p), .openRW(let p), .readdir(let p), .unlink(let p), .rmdir(let p),
             .readlink(let p), .listxattr(let p), .openTmpfile(let p), .statfs(let p):
            return p.description
        case .write(let p, let data), .append(let p, let data): return "\(p) \(show(data))"
        case .truncate(let p, let size): return "\(p) \(size)"
        case .mkdir(let p, let mode), .create(let p, let mode), .chmod(let p, let mode): return "\(p) \(octal(mode))"
        case .mknod(let p, let kind): return "\(p) \(kind)"
        case .symlink(let target, let p): return "\(target) \(p)"
        case .rename(let a, let b, let flags): return "\(a) \(b)" + (flags.isEmpty ? "" : " " + flags.map(\.rawValue).joined(separator: "|"))
        case .chown(let p, let u, let g): return "\(p) \(u):\(g)"
        case .utimes(let p, let t): return "\(p) \(t)"
        case .chattr(let p, let i, let a): return "\(p)" + (i ? " +i" : " -i") + (a ? " +a" : " -a")
        case .setxattr(let p, let n, let v): return "\(p) \(n)=\(show(v))"
        case .getxattr(let p, let n), .removexattr(let p, let n): return "\(p) \(n)"
        case .remount, .dropCaches: return ""
        }
    }

    /// One-line rendering of a dumped entry for reports.
    public static func render(_ v: EntryView) -> String {
        var parts = [v.type.rawValue]
        if let e = v.errno { parts.append("\(e)") }
        if let p = v.perm { parts.append(octal(p)) }
        if let data = v.data { parts.append(show(data)) }
        if let t = v.target { parts.append("-> \(t)") }
        if let r = v.rdev { parts.append(r) }
        if let x = v.xattrs, !x.isEmpty { parts.append("{" + x.keys.sorted().map { "\($0)=\(x[$0] ?? "")" }.joined(separator: " ") + "}") }
        return parts.joined(separator: " ")
    }
}
