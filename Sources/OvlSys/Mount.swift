import CLibMount
import Glibc

/// Mounting and unmounting through libmount.
public enum Mount {
    /// Mounts filesystem `type` from `source` on `target` with the fs-specific `options` string.
    /// - Throws: ``SysError`` with the errno of the mount syscall.
    public static func mount(type: String, source: String, target: String, options: String, readOnly: Bool = false) throws(SysError) {
        guard let cxt = mnt_new_context() else { throw SysError(errno: ENOMEM, call: "mnt_new_context", path: target) }
        defer { mnt_free_context(cxt) }
        mnt_context_disable_helpers(cxt, 1)
        mnt_context_disable_mtab(cxt, 1)
        mnt_context_set_fstype(cxt, type)
        mnt_context_set_source(cxt, source)
        mnt_context_set_target(cxt, target)
        mnt_context_set_options(cxt, readOnly ? "ro," + options : options)
        let rc = mnt_context_mount(cxt)
        if rc != 0 {
            let e = mnt_context_get_syscall_errno(cxt)
            throw SysError(errno: e != 0 ? e : (rc < 0 ? -rc : EINVAL), call: "mount \(type)", path: target)
        }
    }

    /// `mount(2)` with `MS_REMOUNT` and `options` as its data: the legacy reconfigure of the mount
    /// at `target` (libmount could choose the new mount API instead).
    public static func remount(_ target: String, options: String) throws(SysError) {
        _ = try sys("mount MS_REMOUNT", target) { options.withCString { Glibc.mount(nil, target, nil, UInt(MS_REMOUNT), $0) } }
    }

    /// `mount(2)` with `MS_REMOUNT` and `MS_RDONLY` or not, no data: the superblock of the
    /// filesystem mounted at `target` becomes read-only or writable again.
    public static func remountSuperblock(_ target: String, readOnly: Bool) throws(SysError) {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        _ = try sys(readOnly ? "mount MS_REMOUNT|MS_RDONLY" : "mount MS_REMOUNT", target) { Glibc.mount(nil, target, nil, flags, nil) }
    }

    /// `mount(2)` of filesystem `type` with `data` as its one option string, straight to the
    /// kernel (libmount would split the string, or take the new API).
    public static func mountData(type: String, target: String, data: String) throws(SysError) {
        _ = try sys("mount \(type)", target) { data.withCString { Glibc.mount(type, target, type, 0, $0) } }
    }

    /// The last line of `/proc/self/mountinfo` for `target`: its super-options field as the kernel
    /// wrote it (escapes and all; libmount would unescape).
    public static func rawSuperOptions(of target: String) throws(SysError) -> String {
        let text = String(decoding: try Files.read("/proc/self/mountinfo"), as: UTF8.self)
        var found: String?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4, fields[4] == target, let dash = fields.firstIndex(of: "-"), dash + 3 < fields.count else { continue }
            found = String(fields[dash + 3])
        }
        guard let found else { throw SysError(errno: ENOENT, call: "mountinfo", path: target) }
        return found
    }

    /// `mount(2)` with `MS_BIND`: `source` seen again at `target`, through a new mount.
    public static func bind(_ source: String, on target: String) throws(SysError) {
        _ = try sys("mount MS_BIND", target) { Glibc.mount(source, target, nil, UInt(MS_BIND), nil) }
    }

    /// `umount2(target, 0)`.
    public static func unmount(_ target: String) throws(SysError) {
        try sys("umount", target) { umount2(target, 0) }
    }

    /// True when something is mounted at `target`.
    public static func isMounted(_ target: String) -> Bool {
        (try? superOptions(of: target)) != nil
    }

    /// The filesystem-specific options `/proc/self/mountinfo` shows for the mount at `target`.
    public static func superOptions(of target: String) throws(SysError) -> String {
        guard let table = mnt_new_table_from_file("/proc/self/mountinfo") else {
            throw SysError(errno: EIO, call: "mnt_new_table_from_file", path: "/proc/self/mountinfo")
        }
        defer { mnt_unref_table(table) }
        guard let fs = mnt_table_find_target(table, target, Int32(MNT_ITER_BACKWARD)), let opts = mnt_fs_get_fs_options(fs) else {
            throw SysError(errno: ENOENT, call: "mountinfo", path: target)
        }
        return String(cString: opts)
    }
}
