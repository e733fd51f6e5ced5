import OvlModel
import OvlSys

/// The folders of one overlay on disk (`lowerdir=…`, `upperdir=…`, `workdir=…`): read through
/// OvlSys into the model's ``LayerSet``, and repaired as a plan (``PlannedRepair``) says. No judging
/// here: the checks are the model's (``LayerSet/check(policy:)``), run by OvlFsck or the host.
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
    public func realPath(_ role: LayerRole, _ path: RelPath) -> String? {
        let root: String?
        switch role {
        case .upper: root = upper
        case .lower(let i): root = lowers.indices.contains(i) ? lowers[i] : nil
        case .workdir: root = work
        }
        return root.map { path.isRoot ? $0 : $0 + "/" + path.description }
    }

    /// Makes `repairs` on disk, in order (the guest: the ones the host planned, ``LayerSet/plannedRepairs(policy:)``).
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
}
