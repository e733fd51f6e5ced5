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
    /// With `noatime` the directory is opened `O_NOATIME`, so reading it leaves its atime as it
    /// was (the harness reading a layer must not hide whether the overlay touched it, R75); a
    /// caller who may not use the flag (EPERM: neither owner nor CAP_FOWNER) reads it plainly.
    public static func readdir(_ path: String, noatime: Bool = false) throws(SysError) -> [DirEntry] {
        if noatime {
            let fd = clinux_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME, 0)
            if fd >= 0 {
                guard let dir = fdopendir(fd) else {
                    let e = clinux_errno()
                    Glibc.close(fd)
                    throw SysError(errno: e, call: "fdopendir", path: path)
                }
                return try entries(dir, path: path)
            }
            let e = clinux_errno()
            if e != EPERM { throw SysError(errno: e, call: "open", path: path) }
        }
        guard let dir = opendir(path) else { throw SysError(errno: clinux_errno(), call: "opendir", path: path) }
        return try entries(dir, path: path)
    }

    /// The entries getdents64 returns on open directory `fd` from its current offset to the end,
    /// except `.` and `..`. Reads through a duplicate, so `fd` stays open and shares the offset
    /// (and overlayfs's per-file readdir cache) with it.
    public static func readdir(fd: Int32) throws(SysError) -> [DirEntry] {
        let copy = dup(fd)
        guard copy >= 0 else { throw SysError(errno: clinux_errno(), call: "dup", path: "fd \(fd)") }
        guard let dir = fdopendir(copy) else {
            let e = clinux_errno()
            Glibc.close(copy)
            throw SysError(errno: e, call: "fdopendir", path: "fd \(fd)")
        }
        return try entries(dir, path: "fd \(fd)")
    }

    /// Reads `dir` to the end and closes it.
    private static func entries(_ dir: OpaquePointer, path: String) throws(SysError) -> [DirEntry] {
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
