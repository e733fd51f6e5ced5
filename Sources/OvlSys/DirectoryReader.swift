import CLinux
import Glibc

/// One directory entry: name, d_type and d_ino.
public struct DirEntry: Sendable, Equatable {
    public var name: String
    public var type: UInt8
    public var ino: UInt64
}

extension Files {
    /// Removes `path` and, for a directory, everything below it (`rm -r`).
    public static func removeTree(_ path: String) throws(SysError) {
        if try stat(path).format == 0o040000 {
            for e in try readdir(path) { try removeTree(path + "/" + e.name) }
            try rmdir(path)
        } else {
            try unlink(path)
        }
    }

    /// Every entry of a directory except `.` and `..`, in the order getdents returned them.
    public static func readdir(_ path: String) throws(SysError) -> [DirEntry] {
        guard let dir = opendir(path) else { throw SysError(errno: clinux_errno(), call: "opendir", path: path) }
        defer { closedir(dir) }
        var out: [DirEntry] = []
        while true {
            errno = 0
            guard let ent = Glibc.readdir(dir) else {
                let e = clinux_errno()
                if e != 0 { throw SysError(errno: e, call: "readdir", path: path) }
                return out
            }
            let name = String(cString: clinux_dirent_name(ent))
            if name == "." || name == ".." { continue }
            out.append(DirEntry(name: name, type: ent.pointee.d_type, ino: UInt64(ent.pointee.d_ino)))
        }
    }
}
