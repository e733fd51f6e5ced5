import OvlModel
import OvlSys
import Glibc

/// Creates a case's layer directories on the real filesystems before the mount.
enum LayerBuilder {
    /// Builds `layer` below the existing directory `root`: objects parents first, fs-verity on the
    /// files that ask for it (R82), then owners, modes and xattrs, then every mtime deepest first
    /// (so creating a child cannot move a parent's mtime afterwards).
    static func build(_ layer: Layer, at root: String) throws(SysError) {
        let paths = layer.entries.keys.sorted { $0.components.count < $1.components.count || ($0.components.count == $1.components.count && $0 < $1) }
        var linked: [Int: String] = [:]
        for path in paths {
            guard let node = layer.entries[path] else { continue }
            let real = root + "/" + path.description
            // Later names of one inode (``Node/inode``) are hard links to the first.
            if let group = node.inode {
                if let first = linked[group] {
                    try Files.link(first, real)
                    continue
                }
                linked[group] = real
            }
            try create(node, at: real)
        }
        for path in layer.verity.sorted() { try Files.enableVerity(root + "/" + path.description) }
        for (path, node) in [(RelPath.root, layer.root)] + paths.compactMap({ p in layer.entries[p].map { (p, $0) } }) {
            let real = path.isRoot ? root : root + "/" + path.description
            try Files.lchown(real, node.uid, node.gid)
            if node.kind.fileType != .symlink { try Files.chmod(real, node.perm) }
            for (name, value) in node.xattrs.sorted(by: { $0.key < $1.key }) {
                try Xattr.set(real, name, Xattr.parse(value))
            }
        }
        for path in paths.reversed() {
            guard let node = layer.entries[path], let mtime = node.mtime else { continue }
            try Files.setTimes(root + "/" + path.description, seconds: mtime)
        }
        if let mtime = layer.root.mtime { try Files.setTimes(root, seconds: mtime) }
    }

    /// Makes one object at `real` (its parent exists): type, owner, mode, xattrs, mtime.
    static func make(_ node: Node, at real: String) throws(SysError) {
        try create(node, at: real)
        try Files.lchown(real, node.uid, node.gid)
        if node.kind.fileType != .symlink { try Files.chmod(real, node.perm) }
        for (name, value) in node.xattrs.sorted(by: { $0.key < $1.key }) { try Xattr.set(real, name, Xattr.parse(value)) }
        if let mtime = node.mtime { try Files.setTimes(real, seconds: mtime) }
    }

    /// Creates the object itself, owner-only; owner, mode and times are set afterwards.
    static func create(_ node: Node, at real: String) throws(SysError) {
        switch node.kind {
        case .dir: try Files.mkdir(real, mode: 0o700)
        case .file where node.sparse != nil:
            // A large sparse file: only its extents are written, the rest stays a hole (R44).
            let sparse = node.sparse ?? SparseFile(size: 0)
            try Files.write(real, [], flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            for e in sparse.extents { try Files.write(real, e.bytes, flags: O_WRONLY, at: e.offset) }
            try Files.truncate(real, sparse.size)
        case .file where node.hostFile != nil:
            try Files.write(real, try Files.read(node.hostFile ?? ""), flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        case .file(let data):
            // A leading hole is skipped, never written: the data goes in at its end.
            let hole = Int(node.leadingHole ?? 0)
            try Files.write(real, Array(data.utf8.dropFirst(hole)), flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600,
                            at: Int64(hole))
            if hole > 0 { try Files.truncate(real, Int64(data.utf8.count)) }
        case .symlink(let target): try Files.symlink(target, real)
        case .whiteout: try Files.mknod(real, mode: S_IFCHR, major: 0, minor: 0)
        case .fifo: try Files.mknod(real, mode: S_IFIFO | 0o600, major: 0, minor: 0)
        case .chardev(let ma, let mi): try Files.mknod(real, mode: S_IFCHR | 0o600, major: ma, minor: mi)
        case .blockdev(let ma, let mi): try Files.mknod(real, mode: S_IFBLK | 0o600, major: ma, minor: mi)
        }
    }
}
