import OvlModel

/// What kind of disagreement a ``Difference`` is, built by the ``Checker`` where it compares.
/// It leaves out what shrinking a scenario naturally changes (paths, step numbers, lower layer
/// numbers, file data, sizes, listings, inode numbers): two failures of one kind are taken to be
/// the same disagreement between kernel and model.
public enum DifferenceKind: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A step's result class differs: errno vs errno, a value vs an error, or a step never run.
    /// `op` is the syscall (run as the mounter or as a caller alike).
    case stepResult(op: String, expected: ResultClass, observed: ResultClass)
    /// Both sides of a step succeeded; the first field of the value that differs.
    case stepValue(op: String, field: ValueField)
    /// A step's st_ino, st_dev, st_blocks or d_ino, resolved against the records (R54–R59).
    case stepIdentity(op: String, field: IdentityField)
    /// A case's `same_inode_as` (true) or `other_inode_than` (false) assertion.
    case inodeAssertion(same: Bool)
    /// An entry of a dumped tree that the model predicts and the kernel's tree lacks.
    case entryMissing(Tree)
    /// An entry of a dumped tree that the model does not predict.
    case entryUnexpected(Tree)
    /// An entry both trees hold, deviant in one field.
    case entryField(Tree, EntryField)
    /// The mount's result: an errno (nil for success) against another.
    case mountResult(expected: ModelErrno?, observed: ModelErrno?)
    /// A kernel log line the model predicts for the mount is missing.
    case mountLog
    /// The mount logged a line the model does not predict.
    case mountLogUnexpected
    /// A kernel log line the model predicts for a second mount (`mount_again`, `mount_without_workdir`) is missing.
    case secondMountLog
    /// A second mount logged a line the model does not predict.
    case secondMountLogUnexpected
    /// The mount options mountinfo shows.
    case mountOptions
    /// Where a mount given by `mount:` was refused: which `fsconfig` call, or the mount itself (R3).
    case mountRefusedAt
    /// mountinfo's whole option field of a mount given by `mount:`, escapes and order included (R3).
    case mountInfoField
    /// `work/`'s entries (R43).
    case workEntries
    /// `work/`'s mode (R8).
    case workMode
    /// An index entry whose name is not an `ovl_fb` in hex (R62).
    case indexName
    /// The number of index entries (R62).
    case indexEntries
    /// A WARNING, BUG or new taint bit during the job.
    case kernelLog
    /// A finding of the layer checker that only one side has (`predicted`: the model's side).
    case fsckFinding(FsckScope, ProblemClass, predicted: Bool)
    /// What a case claims of the layer checker's run on its given layers.
    case fsckClaim
    /// Something the guest should have recorded and did not (`mount`, `state dump`, an fsck run).
    case notRecorded(String)

    /// A step's result, by class.
    public enum ResultClass: Sendable, Hashable, Codable, CustomStringConvertible {
        case succeeded
        case failed(ModelErrno)
        case notRun

        init(_ o: Outcome?) {
            switch o {
            case .failed(let e)?: self = .failed(e)
            case .ok?: self = .succeeded
            case nil: self = .notRun
            }
        }

        public var description: String {
            switch self {
            case .succeeded: "0"
            case .failed(let e): e.description
            case .notRun: "not run"
            }
        }
    }

    /// The field of a successful step's value that differs.
    public enum ValueField: String, Sendable, Hashable, Codable {
        case type, mode, owner, size, nlink, mtime, text, names, dirents, handle, number, alternatives
        /// Values of different shapes (a listing against a stat).
        case value
    }

    /// An identity number of an object, resolved against the records.
    public enum IdentityField: String, Sendable, Hashable, Codable {
        case st_ino, st_dev, st_blocks, d_ino
    }

    /// A dumped tree, without the number of a lower layer.
    public enum Tree: String, Sendable, Hashable, Codable {
        case merged, upper, lower
        /// The entries of `workdir/index` (compared pairwise).
        case index
    }

    /// The field of a dumped entry that differs; a type or errno keeps both sides' values.
    public enum EntryField: Sendable, Hashable, Codable, CustomStringConvertible {
        case type(expected: FileType, observed: FileType)
        case errno(expected: ModelErrno?, observed: ModelErrno?)
        case mode, owner, data, target, rdev, nlink, mtime, atime
        case xattr(String)
        case identity(IdentityField)

        public var description: String {
            switch self {
            case .type(let e, let o): "type: \(e.rawValue) -> \(o.rawValue)"
            case .errno(let e, let o): "errno: \(e.map { "\($0)" } ?? "0") -> \(o.map { "\($0)" } ?? "0")"
            case .mode: "mode"
            case .owner: "owner"
            case .data: "data"
            case .target: "target"
            case .rdev: "rdev"
            case .nlink: "nlink"
            case .mtime: "mtime"
            case .atime: "atime"
            case .xattr(let name): "xattr \(name)"
            case .identity(let f): f.rawValue
            }
        }
    }

    /// Which run of the layer checker a finding comes from.
    public enum FsckScope: String, Sendable, Hashable, Codable {
        /// The layers as the case gives them.
        case given
        /// What `-p`/`-y` left of them.
        case left
        /// The layers the kernel left after the job.
        case after
    }

    /// One line, as the reports and fuzz's summary show it: `step unlink: ENOENT -> 0`,
    /// `upper entry: present -> absent`, `merged xattr trusted.overlay.origin`.
    public var description: String {
        switch self {
        case .stepResult(let op, let e, let o): "step \(op): \(e) -> \(o)"
        case .stepValue(let op, let field): "step \(op): 0 \(field.rawValue) -> 0 \(field.rawValue)"
        case .stepIdentity(let op, let field): "step \(op) \(field.rawValue)"
        case .inodeAssertion(let same): same ? "same_inode_as" : "other_inode_than"
        case .entryMissing(let tree): "\(tree.rawValue) entry: present -> absent"
        case .entryUnexpected(let tree): "\(tree.rawValue) entry: absent -> present"
        case .entryField(let tree, let field): "\(tree.rawValue) \(field)"
        case .mountResult(let e, let o): "mount: \(e.map { "\($0)" } ?? "0") -> \(o.map { "\($0)" } ?? "0")"
        case .mountLog: "mount kernel log"
        case .mountLogUnexpected: "mount kernel log: unpredicted line"
        case .secondMountLog: "second mount kernel log"
        case .secondMountLogUnexpected: "second mount kernel log: unpredicted line"
        case .mountOptions: "mount options"
        case .mountRefusedAt: "mount refused at"
        case .mountInfoField: "mountinfo option field"
        case .workEntries: "work/ entries"
        case .workMode: "work/ mode"
        case .indexName: "index/ name"
        case .indexEntries: "index/ entries"
        case .kernelLog: "kernel log"
        case .fsckFinding(let scope, let problem, let predicted):
            "fsck \(scope.rawValue) \(problem.rawValue): " + (predicted ? "found -> none" : "none -> found")
        case .fsckClaim: "fsck claim"
        case .notRecorded(let what): "\(what): not recorded"
        }
    }

    /// The kind of a step's outcome difference (`expected` against `observed`, nil: not run).
    static func step(_ op: Operation, _ expected: Outcome, _ observed: Outcome?) -> DifferenceKind {
        guard case .ok(let e) = expected, case .ok(let o)? = observed else {
            return .stepResult(op: op.name, expected: ResultClass(expected), observed: ResultClass(observed))
        }
        return .stepValue(op: op.name, field: firstDifferingField(e, o))
    }

    /// The first field two successful step values differ in (in ``Checker/outcomeMatches(_:_:)``'s order).
    static func firstDifferingField(_ e: StepValue, _ o: StepValue) -> ValueField {
        switch (e, o) {
        case (.stat(let es), .stat(let os)):
            if es.type != os.type { return .type }
            if !Checker.field(es.perm, os.perm) { return .mode }
            if !Checker.field(es.uid, os.uid) || !Checker.field(es.gid, os.gid) { return .owner }
            if !Checker.field(es.size, os.size) { return .size }
            if !Checker.field(es.nlink, os.nlink) { return .nlink }
            return .mtime
        case (.text, .text): return .text
        case (.names, .names): return .names
        case (.dirents, .dirents): return .dirents
        case (.handle, .handle): return .handle
        case (.number, .number): return .number
        case (.alternatives, .alternatives): return .alternatives
        default: return .value
        }
    }
}

extension FuzzCampaign {
    /// The kind of a failing job for shrinking and for telling failures apart: its verdict and
    /// the ``DifferenceKind`` of its first difference. A shrunk candidate must keep it, so the
    /// reproducer shows the failure that was found, not another one a smaller scenario happens to hit.
    struct ShrinkSignature: Hashable, Sendable, CustomStringConvertible {
        var verdict: String
        var kind: DifferenceKind?
        var description: String { kind.map { "\(verdict) \($0)" } ?? verdict }
    }

    static func shrinkSignature(_ r: JobResult) -> ShrinkSignature {
        ShrinkSignature(verdict: r.verdict.name, kind: r.differences.first?.kind)
    }
}
