import OvlModel
import OvlSys

/// The folders of one overlay on disk (`lowerdir=…`, `upperdir=…`, `workdir=…`) and the layer
/// checker over them: read through OvlSys, judged by the model's invariants (``LayerSet``).
public struct LayerFolders: Sendable, Equatable {
    public var lowers: [String]
    public var upper: String?
    public var work: String?
    /// The private xattr prefix (`user.overlay.` for layers of a userxattr mount).
    public var prefix: XattrPrefix
    /// How many of ``lowers`` (the last ones) are data-only layers (`lowerdir=A::D`).
    public var dataLayerCount: Int

    public init(lowers: [String], upper: String?, work: String?, prefix: XattrPrefix = .trusted, dataLayerCount: Int = 0) {
        self.lowers = lowers; self.upper = upper; self.work = work; self.prefix = prefix; self.dataLayerCount = dataLayerCount
    }

    /// Reads every folder. A workdir that has no `index/` or `work/` yet reads as empty.
    public func read() throws(SysError) -> LayerSet {
        var ls: [Layer] = []
        for dir in lowers { ls.append(try LayerReader.read(dir)) }
        var set = LayerSet(lowers: ls, upper: try upper.map { (u) throws(SysError) in try LayerReader.read(u) }, prefix: prefix,
                           dataLayerCount: dataLayerCount)
        if let work { set.workdir = try LayerReader.read(work) }
        return set
    }

    /// The real path of `path` in the folder of `role`.
    func realPath(_ role: LayerRole, _ path: RelPath) -> String? {
        let root: String?
        switch role {
        case .upper: root = upper
        case .lower(let i): root = lowers.indices.contains(i) ? lowers[i] : nil
        case .workdir: root = work
        }
        return root.map { path.isRoot ? $0 : $0 + "/" + path.description }
    }

    /// Makes the repairs `policy` makes for `findings` on disk (only whiteouts and private xattrs change).
    public func repair(_ findings: [Finding], policy: FixPolicy = .safe) throws(SysError) {
        try apply(findings.flatMap { $0.plannedRepairs(under: policy) })
    }

    /// Makes `repairs` on disk, in order (the guest: the ones the host planned, ``OvlModel/LayerSet/plannedRepairs(policy:)``).
    public func apply(_ repairs: [PlannedRepair]) throws(SysError) {
        for r in repairs {
            guard let real = realPath(r.layer, r.path) else { continue }
            switch r.repair {
            case .addWhiteout(let path):
                // fsck.overlay's whiteout: a 0:0 character device, mode 0.
                if let at = realPath(r.layer, path) { try Files.mknod(at, mode: 0o020000, major: 0, minor: 0) }
            case .removeWhiteout:
                let st = try Files.stat(real)
                // Only ever a 0:0 character device: never a user's object.
                if st.format == 0o020000, st.rdevMajor == 0, st.rdevMinor == 0 { try Files.unlink(real) }
            case .removeXattr(let name):
                do { try Xattr.remove(real, name) } catch where error.errno == 61 /* ENODATA */ {}
            case .setXattr(let name, let value): try Xattr.set(real, name, Array(value.utf8))
            }
        }
    }

    /// Checks, and under a repairing `policy` repairs, the folders, pass by pass and round by round
    /// as ``OvlModel/LayerSet/check(policy:)`` does on the model's layers (both are
    /// ``OvlModel/LayerSet/run(policy:read:repair:)``): what was found, and what is left after.
    public func check(policy: FixPolicy) throws(SysError) -> FsckReport {
        do {
            let r = try LayerSet.run(policy: policy, read: { try read() }, repair: { try repair($0, policy: policy) })
            return FsckReport(found: r.found, left: r.left, repaired: r.repaired, policy: policy)
        } catch let e as SysError {
            throw e
        } catch {
            preconditionFailure("only SysError is thrown here: \(error)")
        }
    }

    /// ``check(policy:)`` with `--fix` (`-p`) or without (`-n`).
    public func check(fix: Bool) throws(SysError) -> FsckReport { try check(policy: fix ? .safe : .none) }
}

/// What one fsck run found and what it left.
public struct FsckReport: Sendable, Equatable {
    public var found: [Finding]
    /// The findings still there after the repairs (all of them under `-n`).
    public var left: [Finding]
    /// The findings whose repairs were made, in order.
    public var repaired: [Finding] = []
    public var policy: FixPolicy = .none

    public init(found: [Finding], left: [Finding], repaired: [Finding] = [], policy: FixPolicy = .none) {
        self.found = found; self.left = left; self.repaired = repaired; self.policy = policy
    }

    /// fsck.overlay's (and fsck(8)'s) exit status: 0 clean, 1 something was changed and nothing
    /// is left, 4 something is left (even if other things were changed).
    public var exitCode: Int32 { !left.isEmpty ? 4 : repaired.isEmpty ? 0 : 1 }
}
