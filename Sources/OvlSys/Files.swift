import CLinux
import Glibc

/// The fields of `struct stat` the suite observes.
public struct FileStat: Sendable, Equatable {
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int64
    public var nlink: UInt64
    public var ino: UInt64
    public var dev: UInt64
    public var rdevMajor: UInt32
    public var rdevMinor: UInt32
    public var mtime: Int64
    /// st_atime, seconds.
    public var atime: Int64 = 0
    /// st_blocks: 512-byte units allocated.
    public var blocks: Int64 = 0

    /// `S_IFMT` bits of the mode.
    public var format: UInt32 { mode & 0o170000 }
    /// Permission bits.
    public var perm: UInt32 { mode & 0o7777 }
}

extension FileStat {
    /// The fields of a `struct stat`.
    init(_ st: Glibc.stat) {
        self.init(mode: st.st_mode, uid: st.st_uid, gid: st.st_gid, size: Int64(st.st_size),
                  nlink: UInt64(st.st_nlink), ino: UInt64(st.st_ino), dev: UInt64(st.st_dev),
                  rdevMajor: clinux_major(st.st_rdev), rdevMinor: clinux_minor(st.st_rdev),
                  mtime: Int64(st.st_mtim.tv_sec), atime: Int64(st.st_atim.tv_sec), blocks: Int64(st.st_blocks))
    }
}

/// Thin, typed wrappers over the file system calls the guest makes. Every call goes through ``sys(_:_:_:)``.
public enum Files {
    /// `stat(2)` or `lstat(2)`.
    public static func stat(_ path: String, follow: Bool = false) throws(SysError) -> FileStat {
        var st = Glibc.stat()
        if follow {
            try sys("stat", path) { clinux_stat(path, &st) }
        } else {
            try sys("lstat", path) { clinux_lstat(path, &st) }
        }
        return FileStat(st)
    }

    /// Reads a whole file.
    /// With `noatime` the file is opened `O_NOATIME` (its atime stays; R75), or plainly when the
    /// caller may not use the flag (EPERM).
    public static func read(_ path: String, noatime: Bool = false) throws(SysError) -> [UInt8] {
        if noatime {
            do { return try read(path, flags: O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOATIME) } catch where error.errno == EPERM {}
        }
        return try read(path, flags: O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    }

    private static func read(_ path: String, flags: Int32) throws(SysError) -> [UInt8] {
        try withFD(path, flags) { fd throws(SysError) in
            var out: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = try sys("read", path) { buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
                if n == 0 { return out }
                out.append(contentsOf: buf[0..<n])
            }
        }
    }

    /// Opens with `flags` (and `mode` for O_CREAT), writes `data` fully from file offset `at`
    /// (what lies before it stays a hole in a new file), closes.
    public static func write(_ path: String, _ data: [UInt8], flags: Int32, mode: mode_t = 0o644, at offset: Int64 = 0) throws(SysError) {
        try withFD(path, flags | O_CLOEXEC, mode: mode) { fd throws(SysError) in
            if offset > 0 { _ = try sys("lseek", path) { Glibc.lseek(fd, off_t(offset), SEEK_SET) } }
            var done = 0
            while done < data.count {
                let n = try sys("write", path) {
                    data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, data.count - done) }  // non-empty: done < count
                }
                done += n
            }
        }
    }

    /// Opens and closes (e.g. `O_RDWR` to trigger a copy-up).
    public static func openClose(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(SysError) {
        try withFD(path, flags | O_CLOEXEC, mode: mode) { _ throws(SysError) in }
    }

    /// `statfs(2)`: the filesystem type magic and the longest name it allows.
    public static func statfs(_ path: String) throws(SysError) -> (type: Int, nameMax: Int) {
        var type = 0, nameMax = 0
        try sys("statfs", path) { clinux_statfs(path, &type, &nameMax) }
        return (type, nameMax)
    }

    /// `chattr`: sets or clears the immutable and append-only flags, keeping the others
    /// (FS_IOC_GETFLAGS + FS_IOC_SETFLAGS on an O_RDONLY|O_NONBLOCK fd).
    public static func setProtection(_ path: String, immutable: Bool, append: Bool) throws(SysError) {
        try withFD(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) { fd throws(SysError) in
            try sys("ioctl FS_IOC_SETFLAGS", path) { clinux_set_protection(fd, immutable ? 1 : 0, append ? 1 : 0) }
        }
    }

    /// `FS_IOC_FIEMAP` with `FIEMAP_FLAG_SYNC` of the first 64 extents of the file at `path`: how
    /// many there are and how many carry `FIEMAP_EXTENT_SHARED`.
    public static func fiemapSharing(_ path: String) throws(SysError) -> (extents: Int, shared: Int) {
        try withFD(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) { fd throws(SysError) in
            var extents: UInt32 = 0
            var shared: UInt32 = 0
            try sys("ioctl FS_IOC_FIEMAP", path) { clinux_fiemap_sharing(fd, &extents, &shared) }
            return (Int(extents), Int(shared))
        }
    }

    /// `FS_IOC_ENABLE_VERITY` (SHA-256, 4096-byte blocks, no salt) on the regular file at `path`,
    /// opened read-only as the ioctl requires; the file is read-only from then on.
    public static func enableVerity(_ path: String) throws(SysError) {
        try withFD(path, O_RDONLY | O_CLOEXEC) { fd throws(SysError) in
            try sys("ioctl FS_IOC_ENABLE_VERITY", path) { clinux_enable_verity(fd) }
        }
    }

    /// `open(dir, O_TMPFILE|O_RDWR, mode)` + close: an unnamed file in directory `dir`.
    public static func openTmpfile(_ dir: String, mode: mode_t = 0o600) throws(SysError) {
        try openClose(dir, flags: clinux_o_tmpfile() | O_RDWR, mode: mode)
    }

    public static func mkdir(_ path: String, mode: mode_t) throws(SysError) {
        try sys("mkdir", path) { Glibc.mkdir(path, mode) }
    }
    public static func rmdir(_ path: String) throws(SysError) { try sys("rmdir", path) { Glibc.rmdir(path) } }
    public static func unlink(_ path: String) throws(SysError) { try sys("unlink", path) { Glibc.unlink(path) } }
    public static func symlink(_ target: String, _ path: String) throws(SysError) {
        try sys("symlink", path) { Glibc.symlink(target, path) }
    }
    /// `link(2)`: a new name `path` for the inode at `existing`.
    public static func link(_ existing: String, _ path: String) throws(SysError) {
        try sys("link", path) { Glibc.link(existing, path) }
    }
    public static func readlink(_ path: String) throws(SysError) -> String {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = try sys("readlink", path) { Glibc.readlink(path, &buf, 4096) }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    public static func mknod(_ path: String, mode: mode_t, major: UInt32, minor: UInt32) throws(SysError) {
        try sys("mknod", path) { Glibc.mknod(path, mode, clinux_makedev(major, minor)) }
    }
    public static func chmod(_ path: String, _ mode: mode_t) throws(SysError) { try sys("chmod", path) { Glibc.chmod(path, mode) } }
    public static func lchown(_ path: String, _ uid: UInt32, _ gid: UInt32) throws(SysError) {
        try sys("lchown", path) { Glibc.lchown(path, uid, gid) }
    }
    public static func truncate(_ path: String, _ size: Int64) throws(SysError) {
        try sys("truncate", path) { Glibc.truncate(path, off_t(size)) }
    }
    /// Sets atime and mtime to `seconds` without following a final symlink.
    public static func setTimes(_ path: String, seconds: Int64) throws(SysError) {
        var ts = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
        try sys("utimensat", path) { utimensat(AT_FDCWD, path, &ts, AT_SYMLINK_NOFOLLOW) }
    }
    /// `renameat2(2)` with raw flags.
    public static func rename(_ from: String, _ to: String, flags: UInt32) throws(SysError) {
        try sys("renameat2", from) { clinux_renameat2(AT_FDCWD, from, AT_FDCWD, to, flags) }
    }
    /// `umask(2)`.
    public static func setUmask(_ mask: mode_t) { _ = umask(mask) }
}
