import CLinux
import Glibc

/// The process's credentials.
public enum Credentials {
    /// Becomes an unprivileged caller for good: no supplementary groups, then real, effective,
    /// saved (and so filesystem) gid and uid set to `gid` and `uid` — which, for a nonzero uid,
    /// clears every capability — and `umask` as the umask.
    /// - Throws: ``SysError`` of setgroups, setresgid or setresuid.
    public static func drop(uid: UInt32, gid: UInt32, umask mask: UInt32) throws(SysError) {
        try sys("setgroups") { setgroups(0, nil) }
        try sys("setresgid") { setresgid(gid, gid, gid) }
        try sys("setresuid") { setresuid(uid, uid, uid) }
        _ = umask(mode_t(mask))
    }
}
