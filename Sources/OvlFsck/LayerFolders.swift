import OvlModel
import OvlSys

/// The folders of one overlay on disk (`lowerdir=…`, `upperdir=…`, `workdir=…`) and the layer
/// checker over them: read through OvlSys, judged by the model's invariants (``LayerSet``).
public struct LayerFolders: Sendable, Equatable {
    public var lowers: [String]
    public var upper: String?
    public var work: String?
    /// The private xattr prefix (`user.overlay.` for layers of a userxattr mount).
    public var prefix: String

    public init(lowers: [String], upper: String?, work: String?, prefix: String = "trusted.overlay.") {
        self.lowers = lowers; self.upper = upper; self.work = work; self.prefix = prefix
    }

    /// Reads every folder. A workdir that has no `index/` or `work/` yet reads as empty.
    public func read() throws(SysError) -> LayerSet {
        var ls: [Layer] = []
        for dir in lowers { ls.append(try LayerReader.read(dir)) }
        var set = LayerSet(lowers: ls, upper: try upper.map { (u) throws(SysError) in try LayerReader.read(u) }, prefix: prefix)
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

    /// Makes the repairs of `findings` on disk (only whiteouts and private xattrs change).
    public func repair(_ findings: [Finding]) throws(SysError) {
        for f in findings {
            guard let real = realPath(f.layer, f.path) else { continue }
            for r in f.repairs {
                switch r {
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

    /// Checks, and with `fix` repairs, the folders: what was found, and what is left after.
    public func check(fix: Bool) throws(SysError) -> FsckReport {
        let found = try read().findings()
        guard fix, found.contains(where: \.fixable) else { return FsckReport(found: found, left: found) }
        try repair(found)
        return FsckReport(found: found, left: try read().findings())
    }
}

/// What one fsck run found and what it left.
public struct FsckReport: Sendable, Equatable {
    public var found: [Finding]
    /// The findings still there after `--fix` (all of them without it).
    public var left: [Finding]

    /// fsck(8)'s exit status: 0 clean, 1 errors corrected, 4 errors left uncorrected.
    public var exitCode: Int32 { found.isEmpty ? 0 : left.isEmpty ? 1 : 4 }
}
