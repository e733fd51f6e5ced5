import OvlModel
import OvlLayerDisk
import OvlSys
import Glibc

/// Reads a whole tree (the merged view or one layer) into a ``TreeView``: type, mode, owner,
/// contents, symlink targets, device numbers, nlink, mtime and every xattr.
enum StateDump {
    /// A name whose `stat` fails is recorded with that errno and the d_type its parent listed; a
    /// directory whose entries cannot be read is recorded with that errno and no children (an
    /// overlay may refuse single lookups, R51). Only a failure on the root itself throws.
    /// `atime` records each object's st_atime too (the lower layers' dumps, R75).
    static func tree(at root: String, atime: Bool = false) throws(SysError) -> TreeView {
        var out: TreeView = [:]
        var queue: [(path: RelPath, listed: FileType)] = [(.root, .dir)]
        while let (path, listed) = queue.popLast() {
            let real = path.isRoot ? root : root + "/" + path.description
            var view: EntryView
            do {
                view = try entry(real, atime: atime)
            } catch where !path.isRoot {
                // A listed name that cannot be looked up or read (EPERM, EIO: R51, R81, R82).
                out[path] = EntryView(type: listed, errno: ModelErrno(rawValue: error.errno))
                continue
            }
            if view.type == .dir {
                do {
                    for e in try Files.readdir(real, noatime: atime) { queue.append((path.appending(e.name), FileType(direntType: e.type))) }
                } catch {
                    view.errno = ModelErrno(rawValue: error.errno)
                }
            }
            out[path] = view
        }
        return out
    }

    /// One object; its st_atime is taken (with `atime`) before its contents are read.
    static func entry(_ real: String, atime: Bool = false) throws(SysError) -> EntryView {
        let st = try Files.stat(real)
        let type = fileType(st.format)
        var v = EntryView(type: type, perm: type == .symlink ? nil : st.perm, uid: st.uid, gid: st.gid,
                          nlink: st.nlink, mtime: st.mtime, ino: .number(st.ino), dev: .number(st.dev))
        if atime { v.atime = st.atime }
        v.blocks = .number(UInt64(st.blocks))
        switch type {
        case .file: v.data = try SparseDump.contents(real, size: st.size, noatime: atime)
        case .symlink: v.target = try Files.readlink(real)
        case .chardev, .blockdev: v.rdev = "\(st.rdevMajor):\(st.rdevMinor)"
        default: break
        }
        let xattrs = try LayerReader.xattrs(real)
        v.xattrs = xattrs.values
        if let refused = xattrs.listing { v.errno = refused }
        return v
    }

    /// st_ino of every object below `root` (the layer inode table, R54), read without touching
    /// any atime.
    static func inodes(at root: String) throws(SysError) -> [RelPath: UInt64] {
        try walk(root) { $0.ino }
    }

    /// st_blocks of every object below `root` (R78).
    static func blocks(at root: String) throws(SysError) -> [RelPath: UInt64] {
        try walk(root) { UInt64($0.blocks) }
    }

    /// One field of the stat of every object below `root`, the root included.
    static func walk(_ root: String, _ field: (FileStat) -> UInt64) throws(SysError) -> [RelPath: UInt64] {
        var out: [RelPath: UInt64] = [:]
        var queue: [RelPath] = [.root]
        while let path = queue.popLast() {
            let real = path.isRoot ? root : root + "/" + path.description
            let st: FileStat
            do {
                st = try Files.stat(real)
            } catch where !path.isRoot && error.errno == ENOENT {
                // A name readdir lists that lookup does not find: a whiteout below the root of an
                // overlay lower's folder (`Layer.seenThroughOverlay`) has no inode to record.
                continue
            }
            out[path] = field(st)
            if fileType(st.format) == .dir {
                for e in try Files.readdir(real, noatime: true) { queue.append(path.appending(e.name)) }
            }
        }
        return out
    }

    static func fileType(_ format: UInt32) -> FileType {
        switch format {
        case 0o040000: .dir
        case 0o120000: .symlink
        case 0o010000: .fifo
        case 0o020000: .chardev
        case 0o060000: .blockdev
        case 0o140000: .socket
        default: .file
        }
    }
}
