import OvlModel
import OvlProtocol

/// Compares what the guest observed with what the model predicts, step by step and tree by tree.
public enum Checker {
    /// Runs the model over `job` and lists every difference from `observed`.
    /// - Parameters:
    ///   - kernel: the guest's kernel (its version-dependent semantics, ``KernelChanges``).
    ///   - sysctls: the machine's link protections (the boot record's).
    ///   - flipped: version entries to predict the other way round (``Environment/flipped``).
    public static func check(job: Job, defaults: ModuleDefaults, kernel: KernelVersion? = nil, sysctls: Sysctls = .debian,
                             flipped: Set<String> = [], observed: Observations) -> [Difference] {
        var unpredicted: [String] = []
        return check(job: job, defaults: defaults, kernel: kernel, sysctls: sysctls, flipped: flipped, observed: observed,
                     unpredicted: &unpredicted)
    }

    /// ``check(job:defaults:kernel:sysctls:flipped:observed:)``, also giving every reason the model
    /// could not predict the job (`unpredicted`): its differences then compare invented outcomes,
    /// and the job is an `error`, never a pass or fail.
    public static func check(job: Job, defaults: ModuleDefaults, kernel: KernelVersion?, sysctls: Sysctls,
                             flipped: Set<String>, observed: Observations, unpredicted: inout [String]) -> [Difference] {
        // Nothing is mounted: the layers stay as given, workdir included.
        if job.scenario.checksOnly {
            unpredicted = []
            return FsckJudge.compare(job.scenario, after: job.scenario.fsckOutcome?.layers ?? LayerSet(scenario: job.scenario), observed)
        }
        let prediction = predict(job: job, defaults: defaults, kernel: kernel, sysctls: sysctls, flipped: flipped,
                                 runSteps: observed.mount?.errno == nil)
        unpredicted = prediction.unpredicted
        return compare(job.scenario, prediction, observed)
    }

    /// Every difference between the model's `prediction` for a mounting job and `observed`.
    static func compare(_ scenario: Scenario, _ prediction: Prediction, _ observed: Observations) -> [Difference] {
        var diffs: [Difference] = []
        if let m = observed.mount {
            diffs += compareMount(prediction.mount, m)
        } else {
            diffs.append(Difference(step: nil, kind: .notRecorded("mount"), subject: "mount", expected: "a mount result",
                                    observed: "nothing recorded"))
        }
        let expectedSteps = prediction.steps, predicted = prediction.snapshot
        var inodes = InodeResolver(layers: observed.layerInodes, laterLayers: observed.laterLayerInodes, overlayDevs: observed.overlayDevs,
                                   finalUpper: observed.snapshot?.upper, upperPaths: prediction.upperPaths)
        for (i, (op, expected)) in zip(scenario.steps, expectedSteps).enumerated() {
            let subject = "step \(i + 1) \(op.name) \(describe(op))"
            guard let got = observed.steps[i] else {
                diffs.append(Difference(step: i, kind: .step(op, expected, nil), subject: subject, expected: expected.description,
                                        observed: "not run"))
                continue
            }
            if !outcomeMatches(expected, got) {
                diffs.append(Difference(step: i, kind: .step(op, expected, got), subject: subject, expected: expected.description,
                                        observed: got.description))
            } else {
                diffs += compareInodes(step: i, op, subject, expected, got, &inodes)
            }
        }
        diffs += compareSecondMountLogs(scenario, prediction.secondMountLogs, observed.secondMountLogs)
        diffs += checkInodeAssertions(scenario, observed)
        if let s = observed.snapshot {
            diffs += compareTree(.merged, "merged", predicted.merged, s.merged, &inodes)
            if let pu = predicted.upper, let ou = s.upper { diffs += compareTree(.upper, "upper", pu, ou, &inodes) }
            let workMatches = predicted.work.map { e in
                s.work.map { o in e.count == o.count && zip(e, o).allSatisfy { XattrPattern.matches($0, $1) } } ?? false
            } ?? (s.work == nil)
            if !workMatches {
                diffs.append(Difference(step: nil, kind: .workEntries, subject: "work/ entries (R43)", expected: "\(predicted.work ?? [])",
                                        observed: s.work.map { "\($0)" } ?? "no work/ dir"))
            }
            if let mode = predicted.workMode, s.workMode != mode {
                func octal(_ m: UInt32) -> String { let s = String(m, radix: 8); return String(repeating: "0", count: max(0, 4 - s.count)) + s }
                diffs.append(Difference(step: nil, kind: .workMode, subject: "work/ mode (R8)", expected: octal(mode),
                                        observed: s.workMode.map(octal) ?? "no work/ dir"))
            }
            for (i, (pl, ol)) in zip(predicted.lowers, s.lowers).enumerated() {
                diffs += compareTree(.lower, "lower\(i)", pl, withPlaceholderNames(ol, as: pl), &inodes)
            }
            if let pi = predicted.index { diffs += compareIndex(pi, s.index ?? [:]) }
        } else if observed.error == nil {
            diffs.append(Difference(step: nil, kind: .notRecorded("state dump"), subject: "state dump", expected: "a dump", observed: "nothing recorded"))
        }
        diffs += FsckJudge.compare(scenario, after: prediction.layers, observed)
        return diffs
    }

    /// What the model predicts for one job that mounts: the mount, each step's outcome, the final
    /// trees and layers.
    struct Prediction {
        var mount: MountObservation
        /// The kernel log lines of each step that mounts a second overlay, by step index.
        var secondMountLogs: [Int: [String]] = [:]
        /// One outcome per step run; a step that leaves the overlay unmounted (a refused mount
        /// after an offline change) is the last one run.
        var steps: [Outcome]
        var snapshot: Snapshot
        /// Where the final upper layer holds each numbered upper inode.
        var upperPaths: [Int: RelPath]
        /// The layers after the job, as the layer checker would read them.
        var layers: LayerSet
        /// Every reason the model could not predict the job.
        var unpredicted: [String]
    }

    /// Runs the model over `job` (on the layers `fsck: {fix: true}` repaired, when the case asks).
    /// - Parameter runSteps: false when the kernel refused the mount: then no step ran.
    static func predict(job: Job, defaults: ModuleDefaults, kernel: KernelVersion?, sysctls: Sysctls,
                        flipped: Set<String>, runSteps: Bool) -> Prediction {
        var environment = Environment(defaults: defaults, samefs: job.config.samefs, fs: job.config, kernel: kernel, sysctls: sysctls)
        environment.flipped = flipped
        var model = OverlayModel(scenario: job.scenario.asMounted, environment: environment)
        let mount = model.mount()
        var steps: [Outcome] = []
        var secondMountLogs: [Int: [String]] = [:]
        if model.mounted, runSteps {
            for op in job.scenario.steps where model.mounted {
                if let lines = model.secondMountLog(op) { secondMountLogs[steps.count] = lines }
                steps.append(model.apply(op))
            }
        }
        return Prediction(mount: mount, secondMountLogs: secondMountLogs, steps: steps, snapshot: model.snapshot(), upperPaths: model.upperPathsBySerial,
                          layers: LayerSet(model: model), unpredicted: model.unpredictedReasons)
    }

    /// `workdir/index` (R62): as many entries as predicted, each named by an origin handle in hex,
    /// compared pairwise in a stable order (their names are not predictable).
    static func compareIndex(_ e: [String: EntryView], _ o: [String: EntryView]) -> [Difference] {
        var d: [Difference] = []
        let spares = e.values.filter { $0.rdev == "0:0" }.count
        for name in o.keys.sorted() where !(name.hasPrefix("00fb") && name.allSatisfy(\.isHexDigit)) && !(spares > 0 && name.hasPrefix("#")) {
            d.append(Difference(step: nil, kind: .indexName, subject: "index/\(name)", expected: "a name in lowercase hex of an ovl_fb (00fb…)", observed: name))
        }
        if e.count != o.count {
            d.append(Difference(step: nil, kind: .indexEntries, subject: "index/ entries (R62)", expected: "\(e.count): " + e.values.map(render).sorted().joined(separator: ", "),
                                observed: "\(o.count): " + o.values.map(render).sorted().joined(separator: ", ")))
            return d
        }
        let order: (EntryView, EntryView) -> Bool = { render($0) + "\($0.nlink ?? 0)" < render($1) + "\($1.nlink ?? 0)" }
        for (i, (ev, ov)) in zip(e.values.sorted(by: order), o.values.sorted(by: order)).enumerated() {
            d += compareEntry(.index, "index entry \(i + 1)", ev, ov)
        }
        return d
    }

    /// st_ino/st_dev of a stat step and d_ino of a listing, resolved against the records (R54–R59).
    static func compareInodes(step: Int, _ op: Operation, _ subject: String, _ e: Outcome, _ o: Outcome,
                              _ inodes: inout InodeResolver) -> [Difference] {
        var d: [Difference] = []
        switch (e, o) {
        case (.ok(.stat(let es)), .ok(.stat(let os))):
            d += identityDifferences(step: step, subject, expected: (es.ino, es.dev, es.blocks),
                                     observed: (os.ino, os.dev, os.blocks), &inodes) { .stepIdentity(op: op.name, field: $0) }
        case (.ok(.dirents(let ee)), .ok(.dirents(let oe))):
            for name in ee.keys.sorted() {
                guard let ei = ee[name]?.ino, let why = inodes.check(ino: ei, observed: oe[name]?.ino) else { continue }
                d.append(Difference(step: step, kind: .stepIdentity(op: op.name, field: .d_ino), subject: subject + " d_ino of \(name)", expected: why,
                                    observed: inodes.describe(ino: oe[name]?.ino)))
            }
        default: break
        }
        return d
    }

    /// The case's own `same_inode_as` / `other_inode_than` assertions, on the observed stat steps.
    static func checkInodeAssertions(_ scenario: Scenario, _ observed: Observations) -> [Difference] {
        var d: [Difference] = []
        for c in scenario.inodeChecks {
            guard case .ok(.stat(let a))? = observed.steps[c.step], case .ok(.stat(let b))? = observed.steps[c.other] else { continue }
            let same = a.ino == b.ino && a.dev == b.dev
            if same != c.same {
                d.append(Difference(step: c.step, kind: .inodeAssertion(same: c.same), subject: "step \(c.step + 1) \(c.same ? "same_inode_as" : "other_inode_than") \(c.other + 1)",
                                    expected: c.same ? "the inode of step \(c.other + 1)" : "another inode than step \(c.other + 1)",
                                    observed: "dev \(a.dev.map { "\($0)" } ?? "-") ino \(a.ino.map { "\($0)" } ?? "-") vs dev \(b.dev.map { "\($0)" } ?? "-") ino \(b.ino.map { "\($0)" } ?? "-")"))
            }
        }
        return d
    }

    /// The lines of `lines` that no line of `other` matches: a line matches one of the other side
    /// that holds it or that it holds.
    static func unmatchedLines(_ lines: [String], in other: [String]) -> [String] {
        lines.filter { line in !other.contains { $0.contains(line) || line.contains($0) } }
    }

    static func compareMount(_ e: MountObservation, _ o: MountObservation) -> [Difference] {
        var d: [Difference] = []
        if e.errno != o.errno {
            d.append(Difference(step: nil, kind: .mountResult(expected: e.errno, observed: o.errno), subject: "mount", expected: e.errno.map { "\($0)" } ?? "0",
                                observed: (o.errno.map { "\($0)" } ?? "0") + logSuffix(o.kernelLog)))
        }
        for line in unmatchedLines(e.kernelLog, in: o.kernelLog) {
            d.append(Difference(step: nil, kind: .mountLog, subject: "mount kernel log", expected: line, observed: o.kernelLog.joined(separator: " | ")))
        }
        for line in unmatchedLines(o.kernelLog, in: e.kernelLog) {
            d.append(Difference(step: nil, kind: .mountLogUnexpected, subject: "mount kernel log", expected: e.kernelLog.joined(separator: " | "),
                                observed: line))
        }
        // A case with `mount:` (R3): where the refusal came, and mountinfo's option field as a whole.
        if let es = e.stage, let os = o.stage, es != os {
            d.append(Difference(step: nil, kind: .mountRefusedAt, subject: "mount refused at", expected: es, observed: os))
        }
        if let es = e.shown, let os = o.shown, es != os {
            d.append(Difference(step: nil, kind: .mountInfoField, subject: "mountinfo option field", expected: es, observed: os))
        }
        if let eo = e.options, let oo = o.options, Set(eo) != Set(oo) {
            d.append(Difference(step: nil, kind: .mountOptions, subject: "mount options (mountinfo)", expected: eo.sorted().joined(separator: ","),
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
        case (.ok(.dirents(let ee)), .ok(.dirents(let oe))):
            // Names and d_types here; d_ino is resolved by compareInodes.
            return ee.mapValues(\.type) == oe.mapValues(\.type)
        case (.ok(.alternatives(let allowed)), .ok(.alternatives(let seen))):
            // The one order the kernel took must be one the model allows.
            guard seen.count == 1, let got = seen.first else { return false }
            return allowed.contains { $0.count == got.count && zip($0, got).allSatisfy { outcomeMatches($0, $1) } }
        default: return e == o
        }
    }

    static func field<T: Equatable>(_ expected: T?, _ observed: T?) -> Bool { expected == nil || expected == observed }

    /// Compares two trees: missing and unexpected paths, then every predicted field of each entry.
    static func compareTree(_ kind: DifferenceKind.Tree, _ tree: String, _ e: TreeView, _ o: TreeView, _ inodes: inout InodeResolver) -> [Difference] {
        var d: [Difference] = []
        for path in Set(e.keys).union(o.keys).sorted() {
            let subject = "\(tree) \(path)"
            switch (e[path], o[path]) {
            case (let ev?, nil): d.append(Difference(step: nil, kind: .entryMissing(kind), subject: subject, expected: render(ev), observed: "absent"))
            case (nil, let ov?): d.append(Difference(step: nil, kind: .entryUnexpected(kind), subject: subject, expected: "absent", observed: render(ov)))
            case (let ev?, let ov?):
                d += compareEntry(kind, subject, ev, ov)
                d += identityDifferences(step: nil, subject, expected: (ev.ino, ev.dev, ev.blocks),
                                         observed: (ov.ino, ov.dev, ov.blocks), &inodes) { .entryField(kind, .identity($0)) }
            case (nil, nil): break
            }
        }
        return d
    }

    /// An object's predicted st_ino, st_dev and st_blocks, each resolved against the records.
    static func identityDifferences(step: Int?, _ subject: String,
                                    expected e: (ino: InoValue?, dev: DevValue?, blocks: BlocksValue?),
                                    observed o: (ino: InoValue?, dev: DevValue?, blocks: BlocksValue?),
                                    _ inodes: inout InodeResolver,
                                    kind: (DifferenceKind.IdentityField) -> DifferenceKind) -> [Difference] {
        var d: [Difference] = []
        if let ei = e.ino, let why = inodes.check(ino: ei, observed: o.ino) {
            d.append(Difference(step: step, kind: kind(.st_ino), subject: subject + " st_ino", expected: why, observed: inodes.describe(ino: o.ino)))
        }
        if let ed = e.dev, let why = inodes.check(dev: ed, observed: o.dev) {
            d.append(Difference(step: step, kind: kind(.st_dev), subject: subject + " st_dev", expected: why, observed: o.dev.map { "\($0)" } ?? "-"))
        }
        if let eb = e.blocks, let why = inodes.check(blocks: eb, observed: o.blocks) {
            d.append(Difference(step: step, kind: kind(.st_blocks), subject: subject + " st_blocks", expected: why, observed: o.blocks.map { "\($0)" } ?? "-"))
        }
        return d
    }

    static func compareEntry(_ tree: DifferenceKind.Tree, _ subject: String, _ e: EntryView, _ o: EntryView) -> [Difference] {
        var d: [Difference] = []
        func add(_ field: DifferenceKind.EntryField, _ what: String, _ ev: String, _ ov: String) {
            d.append(Difference(step: nil, kind: .entryField(tree, field), subject: "\(subject) \(what)", expected: ev, observed: ov))
        }
        if e.type != o.type { add(.type(expected: e.type, observed: o.type), "type", e.type.rawValue, o.type.rawValue); return d }
        if e.errno != o.errno {
            add(.errno(expected: e.errno, observed: o.errno), "errno", e.errno.map { "\($0)" } ?? "0", o.errno.map { "\($0)" } ?? "0")
            return d
        }
        if !field(e.perm, o.perm) { add(.mode, "mode", octal(e.perm), octal(o.perm)) }
        if !field(e.uid, o.uid) || !field(e.gid, o.gid) { add(.owner, "owner", "\(e.uid ?? 0):\(e.gid ?? 0)", "\(o.uid ?? 0):\(o.gid ?? 0)") }
        if !field(e.data, o.data) { add(.data, "data", show(e.data), show(o.data)) }
        if !field(e.target, o.target) { add(.target, "target", show(e.target), show(o.target)) }
        if !field(e.rdev, o.rdev) { add(.rdev, "rdev", e.rdev ?? "-", o.rdev ?? "-") }
        if !field(e.nlink, o.nlink) { add(.nlink, "nlink", "\(e.nlink ?? 0)", "\(o.nlink ?? 0)") }
        if !field(e.mtime, o.mtime) { add(.mtime, "mtime", "\(e.mtime ?? 0)", "\(o.mtime ?? 0)") }
        if !field(e.atime, o.atime) { add(.atime, "atime (R75)", "\(e.atime ?? 0)", "\(o.atime ?? 0)") }
        if let ex = e.xattrs {
            let ox = o.xattrs ?? [:]
            for name in Set(ex.keys).union(ox.keys).sorted() {
                switch (ex[name], ox[name]) {
                case (let ev?, let ov?) where !XattrPattern.matches(ev, ov): add(.xattr(name), "xattr \(name)", ev, ov)
                case (let ev?, nil): add(.xattr(name), "xattr \(name)", ev, "absent")
                case (nil, let ov?): add(.xattr(name), "xattr \(name)", "absent", ov)
                default: break
                }
            }
        }
        return d
    }

    static func octal(_ v: UInt32?) -> String { v.map { "0" + String($0, radix: 8) } ?? "-" }
    static func show(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "-" }

    /// One-line arguments of a step for reports: its ``OvlModel/Operation/arguments`` in order,
    /// each rendered by ``describe(_:key:labelled:)`` (all but the first labelled), the empty
    /// ones left out.
    public static func describe(_ op: Operation) -> String {
        op.arguments.enumerated().map { i, a in describe(a.value, key: a.key, labelled: i > 0) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// One argument's value for reports. Paths, modes (octal), written data (quoted), keywords
    /// and flags (joined by `|`) show what they are; a number or a name says which it is
    /// (`size=3`, `fd=A`) when `labelled`; a switch is `+key`/`-key`, a lower layer `lowerN`, a
    /// layer entry its type, a `parallel` block's steps `name args | …`, stage options `[a,b]`, a
    /// caller in parentheses.
    static func describe(_ value: ArgumentValue, key: String, labelled: Bool) -> String {
        func label(_ s: String) -> String { labelled ? key + "=" + s : s }
        return switch value {
        case .path(let p): p.description
        case .text(let s): show(s)
        case .name(let s): label(s)
        case .keyword(let s): s
        case .mode(let m): octal(m)
        case .integer(let n): label("\(n)")
        case .bool(let b): (b ? "+" : "-") + key
        case .lowerLayer(let k): "lower\(k)"
        case .keywords(let words): words.joined(separator: "|")
        case .names(let names): names.joined(separator: " ")
        case .entry(let node): render(EntryView(type: node.kind.fileType))
        case .steps(let ops): ops.map { $0.name + " " + describe($0) }.joined(separator: " | ")
        case .caller(let c): "(\(c))"
        case .options(let o): "[" + o.map(\.description).joined(separator: ",") + "]"
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
