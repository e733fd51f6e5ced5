import OvlFuzz
import OvlModel
@testable import OvlRunner
import OvlProtocol
import Testing

/// The model's own prediction for a job, recorded as a guest would record it: every symbolic inode
/// number, device and block count made a number (one symbol, one number; two symbols, two
/// numbers), every placeholder (`<fh>`, `<uuid>`, `#tmp`, index names) a value it stands for.
struct PredictionAsObservations {
    private var inodes = LayerInodes(lowers: [], upper: nil, lowerDevs: [], upperDev: nil, lowerBlocks: [])
    private var later: [LayerInodes] = []
    private var overlayDevs: [Int: UInt64] = [:]
    private var symbols: [String: UInt64] = [:]
    private var next: UInt64 = 100_000

    static func observations(_ p: Checker.Prediction, _ scenario: Scenario) -> Observations {
        var c = PredictionAsObservations()
        var o = Observations()
        o.mount = p.mount
        for (i, outcome) in p.steps.enumerated() {
            if case .ok(.alternatives(let allowed)) = outcome, let first = allowed.first {
                o.steps[i] = .ok(.alternatives([first.map { c.outcome($0) }]))
            } else {
                o.steps[i] = c.outcome(outcome)
            }
        }
        var s = p.snapshot
        s.merged = c.tree(s.merged)
        s.upper = s.upper.map { c.tree($0) }
        s.lowers = s.lowers.map { c.tree($0) }
        s.work = s.work?.map(Self.value)
        if let index = s.index {
            s.index = Dictionary(uniqueKeysWithValues: index.values.enumerated().map { i, e in
                (e.rdev == "0:0" ? "#\(i)" : "00fb" + String(i, radix: 16), c.entry(e))
            })
        }
        o.snapshot = s
        o.layerInodes = c.inodes
        o.laterLayerInodes = c.later
        o.overlayDevs = c.overlayDevs
        let after = p.layers.findings()
        o.fsck[.after] = FsckObservation(found: after, left: after)
        if let given = scenario.fsckOutcome { o.fsck[.given] = FsckObservation(found: given.found, left: given.left) }
        return o
    }

    /// A value a placeholder stands for (``XattrPattern``).
    static func value(_ pattern: String) -> String {
        switch pattern {
        case XattrPattern.fileHandle: "0x00fb0123"
        case XattrPattern.uuid: "0x" + String(repeating: "ab", count: 16)
        case XattrPattern.tempName: "#1a"
        default: pattern
        }
    }

    private mutating func fresh(_ symbol: String) -> UInt64 {
        if let n = symbols[symbol] { return n }
        next += 1
        symbols[symbol] = next
        return next
    }

    /// Makes room for the layers the guest records again after offline change `version`.
    private mutating func growLater(to version: Int) {
        while later.count < version { later.append(LayerInodes(lowers: [], upper: nil, lowerDevs: [], upperDev: nil, lowerBlocks: [])) }
    }

    private mutating func number(_ ref: InodeRef) -> UInt64 {
        let n = fresh("\(ref)")
        switch ref {
        case .lower(let layer, let path):
            while inodes.lowers.count <= layer { inodes.lowers.append([:]) }
            inodes.lowers[layer][path] = n
        case .replacedLower(let layer, let path, let version):
            growLater(to: version)
            while later[version - 1].lowers.count <= layer { later[version - 1].lowers.append([:]) }
            later[version - 1].lowers[layer][path] = n
        case .upper: break
        }
        return n
    }

    private mutating func ino(_ v: InoValue?) -> InoValue? {
        switch v {
        case .real(let ref, let fsid, let bits)?:
            let raw = number(ref)
            return .number(bits > 0 && fsid > 0 ? raw | UInt64(fsid) << UInt64(64 - bits + 1) : raw)
        case .counter(let n)?: return .number(n)
        case .volatile(let key, let generation)?: return .number(fresh("volatile \(key) \(generation)"))
        case .number?, nil: return v
        }
    }

    private mutating func dev(_ v: DevValue?) -> DevValue? {
        switch v {
        case .overlay(let g)?:
            let n = fresh("overlay dev \(g)")
            overlayDevs[g] = n
            return .number(n)
        case .pseudo(let fsid, let g)?: return .number(fresh("pseudo dev \(fsid) \(g)"))
        case .number?, nil: return v
        }
    }

    private mutating func blocks(_ v: BlocksValue?) -> BlocksValue? {
        guard case .of(let ref)? = v else { return v }
        let n = fresh("blocks of \(ref)") % 1000
        switch ref {
        case .lower(let layer, let path):
            while inodes.lowerBlocks!.count <= layer { inodes.lowerBlocks!.append([:]) }
            inodes.lowerBlocks![layer][path] = n
        case .replacedLower(let layer, let path, let version):
            // A layer remade offline or by a stage: the blocks the guest records after that change.
            growLater(to: version)
            while later[version - 1].lowerBlocks!.count <= layer { later[version - 1].lowerBlocks!.append([:]) }
            later[version - 1].lowerBlocks![layer][path] = n
        case .upper: return v
        }
        return .number(n)
    }

    private mutating func outcome(_ o: Outcome) -> Outcome {
        switch o {
        case .ok(.stat(var s)):
            s.ino = ino(s.ino); s.dev = dev(s.dev); s.blocks = blocks(s.blocks)
            return .ok(.stat(s))
        case .ok(.dirents(let d)):
            return .ok(.dirents(d.mapValues { DirentView(type: $0.type, ino: ino($0.ino)) }))
        default: return o
        }
    }

    private mutating func entry(_ e: EntryView) -> EntryView {
        var e = e
        e.ino = ino(e.ino); e.dev = dev(e.dev); e.blocks = blocks(e.blocks)
        e.xattrs = e.xattrs?.mapValues(Self.value)
        return e
    }

    private mutating func tree(_ t: TreeView) -> TreeView {
        var out: TreeView = [:]
        for path in t.keys.sorted() { out[path] = entry(t[path]!) }
        return out
    }
}

/// The checker against the model itself, over generated scenarios: the model's prediction made
/// into observations gives no difference, and perturbing one observed field gives exactly one, of
/// the kind that field is.
@Suite struct CheckerPropertyTests {
    struct Generated {
        var job: Job
        var prediction: Checker.Prediction
        var observed: Observations
    }

    /// Up to `count` generated jobs the model can predict, on same-fs and two-fs layers.
    static func generated(count: Int) -> [Generated] {
        let generator = ScenarioGenerator(maxSteps: 8)
        var out: [Generated] = []
        for i in 0..<count {
            let s = generator.scenario(seed: 23, index: i)
            let base = i % 2 == 0 ? FSConfig(lower: "ext4", upper: "ext4") : FSConfig(lower: "ext4", upper: "xfs")
            let job = Job(index: i, caseID: "gen/\(i)", config: s.layerFS?.applied(to: base) ?? base, scenario: s)
            guard !s.checksOnly else { continue }
            let p = Checker.predict(job: job, defaults: .debian, kernel: nil, sysctls: .debian, flipped: [], runSteps: true)
            guard p.unpredicted.isEmpty else { continue }
            out.append(Generated(job: job, prediction: p, observed: PredictionAsObservations.observations(p, s)))
        }
        return out
    }

    static func check(_ g: Generated, _ observed: Observations) -> [Difference] {
        Checker.compare(g.job.scenario, g.prediction, observed)
    }

    @Test func predictionAsObservationsHasNoDifference() {
        let jobs = Self.generated(count: 300)
        #expect(jobs.count > 200)
        #expect(jobs.filter { !$0.prediction.steps.isEmpty }.count > 150)
        for g in jobs {
            let diffs = Self.check(g, g.observed)
            #expect(diffs.isEmpty,
                    "job \(g.job.index): \(diffs.map { "\($0.subject): expected \($0.expected), observed \($0.observed)" })")
        }
    }

    /// One perturbation of the observations and the one kind of difference it must give.
    typealias Mutation = (name: String, apply: (inout Observations) -> Void, kind: DifferenceKind)

    /// Every perturbation that applies to `g`: a step's result, a step not run, a merged entry
    /// missing, a lower entry unexpected, an upper entry's mode, a mount option, an fsck finding.
    static func mutations(_ g: Generated) -> [Mutation] {
        var m: [Mutation] = []
        let steps = g.job.scenario.steps
        if let (i, outcome) = g.prediction.steps.enumerated().last {
            let op = steps[i]
            let other: Outcome = if case .failed = outcome { .ok(.none) } else { .failed(.EIO) }
            m.append(("step \(i + 1) result", { $0.steps[i] = other }, .step(op, outcome, other)))
            m.append(("step \(i + 1) not run", { $0.steps[i] = nil }, .stepResult(op: op.name, expected: .init(outcome), observed: .notRun)))
        }
        let snapshot = g.observed.snapshot!
        if let path = snapshot.merged.keys.filter({ !$0.components.isEmpty }).sorted().first {
            m.append(("merged \(path) gone", { $0.snapshot!.merged[path] = nil }, .entryMissing(.merged)))
        }
        if !snapshot.lowers.isEmpty {
            let extra = RelPath(components: ["zz-unexpected"])
            m.append(("lower0 extra", { $0.snapshot!.lowers[0][extra] = EntryView(type: .file) }, .entryUnexpected(.lower)))
        }
        if let (path, e) = snapshot.upper?.filter({ $0.value.perm != nil }).sorted(by: { $0.key < $1.key }).first {
            m.append(("upper \(path) mode", { $0.snapshot!.upper![path]!.perm = e.perm! ^ 0o1 }, .entryField(.upper, .mode)))
        }
        if g.prediction.mount.options != nil {
            m.append(("mount option", { $0.mount!.options!.append("bogus") }, .mountOptions))
        }
        let finding = Finding(problem: .orphanWhiteout, layer: .upper, path: RelPath(components: ["zz-orphan"]),
                              subject: "whiteout", detail: "hides nothing")
        m.append(("fsck finding", { $0.fsck[.after]!.found.append(finding) }, .fsckFinding(.after, .orphanWhiteout, predicted: false)))
        return m
    }

    @Test func oneMutationOneDifferenceOfItsKind() {
        var kinds = Set<String>()
        for g in Self.generated(count: 100) where Self.check(g, g.observed).isEmpty {
            for mutation in Self.mutations(g) {
                var observed = g.observed
                mutation.apply(&observed)
                let diffs = Self.check(g, observed)
                #expect(diffs.map(\.kind) == [mutation.kind],
                        "job \(g.job.index), \(mutation.name): \(diffs.map { "\($0.kind) — \($0.subject): expected \($0.expected), observed \($0.observed)" })")
                kinds.insert(mutation.name.split(separator: " ").last.map(String.init) ?? "")
            }
        }
        #expect(kinds.isSuperset(of: ["result", "run", "gone", "extra", "mode", "option", "finding"]))
    }
}
