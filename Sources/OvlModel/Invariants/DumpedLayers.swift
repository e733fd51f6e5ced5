/// The layer folders of one job as the guest dumped them (its state dump, ``TreeView``s): what
/// the host's layer checker reads in place of the folders themselves, so the guest only records.
public struct DumpedLayers: Codable, Sendable, Equatable {
    /// Lower layers, top first (a staged case's former uppers first).
    public var lowers: [TreeView]
    public var upper: TreeView?
    /// The whole workdir (`work/…`, `index/…`); nil without an upper.
    public var workdir: TreeView?

    public init(lowers: [TreeView], upper: TreeView?, workdir: TreeView?) {
        self.lowers = lowers; self.upper = upper; self.workdir = workdir
    }

    /// The layers a job's snapshot holds: its lowers, its upper and its `index/` entries (the
    /// only part of the workdir a check reads: ``LayerSet/staleIndexEntries()``, ``LayerSet/features()``).
    public init(snapshot: Snapshot) {
        var workdir: TreeView?
        if snapshot.upper != nil {
            var w: TreeView = [.root: EntryView(type: .dir)]
            if let index = snapshot.index {
                let dir = RelPath(components: ["index"])
                w[dir] = EntryView(type: .dir)
                for (name, entry) in index { w[dir.appending(name)] = entry }
            }
            workdir = w
        }
        self.init(lowers: snapshot.lowers, upper: snapshot.upper, workdir: workdir)
    }

    /// The ``LayerSet`` the checks judge, read as `OvlLayerDisk.LayerReader` reads a folder.
    public func layerSet(prefix: XattrPrefix, dataLayerCount: Int) -> LayerSet {
        LayerSet(lowers: lowers.map(Layer.init(dump:)), upper: upper.map(Layer.init(dump:)),
                 workdir: workdir.map(Layer.init(dump:)), prefix: prefix, dataLayerCount: dataLayerCount)
    }
}

extension Layer {
    /// A dumped layer folder as a ``Layer``: each object's kind (a 0:0 character device is a
    /// whiteout, `fs/overlayfs/overlayfs.h:ovl_is_whiteout`), owner, mode, mtime and xattrs; hard
    /// links (st_nlink > 1, one st_ino) of a non-directory share one ``Node/inode``. File contents
    /// are left out: no check reads them.
    public init(dump: TreeView) {
        self.init()
        var identities: [UInt64: Int] = [:]
        // Sorted, so one dump always numbers its hard links alike.
        for (path, e) in dump.sorted(by: { $0.key.description < $1.key.description }) {
            var node = Node(kind: Self.kind(of: e), perm: e.perm ?? 0o777, uid: e.uid ?? 0, gid: e.gid ?? 0,
                            xattrs: e.xattrs ?? [:], mtime: e.mtime)
            if let nlink = e.nlink, nlink > 1, !node.kind.isDir, case .number(let ino)? = e.ino {
                node.inode = identities[ino] ?? identities.count + 1
                identities[ino] = node.inode
            }
            self[path] = node
        }
    }

    static func kind(of e: EntryView) -> NodeKind {
        let dev = e.rdev.map { $0.split(separator: ":").compactMap { UInt32($0) } } ?? []
        switch e.type {
        case .dir: return .dir
        case .symlink: return .symlink(target: e.target ?? "")
        case .fifo: return .fifo
        case .blockdev where dev.count == 2: return .blockdev(major: dev[0], minor: dev[1])
        case .chardev where dev == [0, 0]: return .whiteout
        case .chardev where dev.count == 2: return .chardev(major: dev[0], minor: dev[1])
        default: return .file(data: "")
        }
    }
}
