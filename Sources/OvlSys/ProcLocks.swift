import CLinux
import Glibc

/// The inode a POSIX lock is on, as `/proc/locks` shows it (`fs/locks.c:lock_get_status`).
public struct LockedInode: Sendable, Equatable {
    /// The device (`MAJOR:MINOR` of the inode's super block) and `i_ino`.
    public var major: UInt32
    public var minor: UInt32
    public var ino: UInt64
    /// The device as a `dev_t`, comparable with `st_dev`.
    public var dev: UInt64 { UInt64(clinux_makedev(major, minor)) }
}

extension Files {
    /// Takes a whole-file read lock on `path` (opened read-only), reads this process's line of
    /// `/proc/locks`, and releases the lock. Also returns `fstat` of the locked fd.
    public static func lockedInode(_ path: String) throws(SysError) -> (LockedInode, FileStat) {
        try withFD(path, O_RDONLY | O_CLOEXEC) { fd throws(SysError) in
            try sys("fcntl(F_SETLK)", path) { clinux_read_lock(fd, 1) }
            defer { _ = clinux_read_lock(fd, 0) }
            var st = Glibc.stat()
            try sys("fstat", path) { clinux_fstat(fd, &st) }
            let text = String(decoding: try read("/proc/locks"), as: UTF8.self)
            let pid = String(getpid())
            for line in text.split(separator: "\n") {
                // "1: POSIX  ADVISORY  READ 1234 00:1f:5678 0 EOF"
                let fields = line.split(separator: " ")
                guard fields.count >= 6, fields[4] == pid else { continue }
                let id = fields[5].split(separator: ":")
                guard id.count == 3, let ma = UInt32(id[0], radix: 16), let mi = UInt32(id[1], radix: 16),
                      let ino = UInt64(id[2]) else { continue }
                return (LockedInode(major: ma, minor: mi, ino: ino), FileStat(st))
            }
            throw SysError(errno: ENOENT, call: "read /proc/locks", path: path)
        }
    }
}
