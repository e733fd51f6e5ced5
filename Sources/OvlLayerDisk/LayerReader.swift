import OvlModel
import OvlSys
import Glibc

/// Reads a layer folder through the syscall layer into a ``Layer``: each object's kind, owner,
/// mode and every xattr (rendered as the suite prints them). File contents are not read: no
/// invariant needs them, and the guest runs this after every job.
public enum LayerReader {
    public static func read(_ root: String) throws(SysError) -> Layer {
        var layer = Layer(root: try node(root).node)
        // Hard-linked non-directories share one ``Node/inode`` identity (index entries, R61).
        var identities: [UInt64: Int] = [:]
        var queue: [RelPath] = [.root]
        while let dir = queue.popLast() {
            let real = dir.isRoot ? root : root + "/" + dir.description
            for e in try Files.readdir(real, noatime: true) {
                let path = dir.appending(e.name)
                var (n, st) = try node(real + "/" + e.name)
                if st.nlink > 1, !n.kind.isDir {
                    n.inode = identities[st.ino] ?? identities.count + 1
                    identities[st.ino] = n.inode
                }
                layer.entries[path] = n
                if n.kind.isDir { queue.append(path) }
            }
        }
        return layer
    }

    /// One object and its stat.
    static func node(_ real: String) throws(SysError) -> (node: Node, stat: FileStat) {
        let st = try Files.stat(real)
        let kind: NodeKind
        switch st.format {
        case 0o040000: kind = .dir
        case 0o120000: kind = .symlink(target: try Files.readlink(real))
        case 0o010000: kind = .fifo
        case 0o060000: kind = .blockdev(major: st.rdevMajor, minor: st.rdevMinor)
        case 0o020000: kind = st.rdevMajor == 0 && st.rdevMinor == 0 ? .whiteout : .chardev(major: st.rdevMajor, minor: st.rdevMinor)
        default: kind = .file(data: "")
        }
        // An image that stores no xattr at all refuses the listing: for the checker, none.
        let xattrs = try self.xattrs(real).values
        return (Node(kind: kind, perm: st.perm, uid: st.uid, gid: st.gid, xattrs: xattrs, mtime: st.mtime), st)
    }

    /// Every xattr of `real` (not following a symlink), rendered as the suite prints them; a name
    /// whose value cannot be read (an empty security.capability: EINVAL) as that errno's pattern.
    /// - Returns: the values and, when the listing itself was refused with EOPNOTSUPP (an image
    ///   that stores no xattr at all: `fs/squashfs/xattr.c:squashfs_listxattr`), that errno.
    public static func xattrs(_ real: String) throws(SysError) -> (values: [String: String], listing: ModelErrno?) {
        var names: [String] = []
        var listing: ModelErrno?
        do { names = try Xattr.list(real) } catch where error.errno == EOPNOTSUPP { listing = .EOPNOTSUPP }
        var values: [String: String] = [:]
        for name in names {
            do { values[name] = Xattr.render(try Xattr.get(real, name)) } catch {
                values[name] = XattrPattern.unreadable(ModelErrno(rawValue: error.errno))
            }
        }
        return (values, listing)
    }
}
