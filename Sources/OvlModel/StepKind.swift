/// How a step's arguments are written in a case file.
public enum StepSyntax: Sendable, Equatable {
    /// No arguments: a bare scalar, null, or `{}`.
    case none
    /// A scalar path or `{path: P}` with these optional keys.
    case path(optional: [String])
    /// A scalar path or `{path: P, mode: M}`, with a default mode.
    case pathMode(defaultMode: UInt32)
    /// A scalar fd name or `{fd: A}`.
    case fdName
    /// A mapping with these required keys, and these optional ones.
    case mapping(required: [String], optional: [String])
    /// A sequence of 2–4 steps run at once.
    case steps
    /// Not a step of `steps:`: written as an item of `stages:`.
    case stage
}

/// What a terminal `/` on a step's path becomes (``StepKind/trailingSlash``).
public enum TrailingSlash: Sendable {
    /// The syscall gets the path as written, and the model answers as `fs/namei.c` does
    /// (R84: ENOTDIR for a non-directory, EISDIR for `O_CREAT`, …).
    case kept
    /// The path names a lower layer's entry, whose key drops it as a key of `layers:` does.
    case dropped
    /// The parser refuses it: the model does not answer a terminal slash on this step.
    case refused
}

/// The step vocabulary: one entry per step a case can name (issue 16 item 3). The parser, the
/// case writer, the reports, the fuzz generator, the permission checks and the model's apply read
/// these entries instead of switching over names.
public enum StepKind: String, CaseIterable, Sendable {
    case stat, lstat, read, write, append
    case openRW = "open_rdwr"
    case truncate, readdir, mkdir, create, mknod, unlink, rmdir, symlink, readlink
    case openTmpfile = "open_tmpfile"
    case statfs
    case fiemapShared = "fiemap_shared"
    case chattr, rename, chmod, chown, utimes, setxattr, getxattr, removexattr, listxattr, link
    case procLocks = "proc_locks"
    case nameToHandle = "name_to_handle_at"
    case openByHandle = "open_by_handle_at"
    case offlineLower = "offline_lower"
    case remount
    case nextStage = "stage"
    case remountInPlace = "mount_remount"
    case reconfigure = "fsconfig_reconfigure"
    case mountAgain = "mount_again"
    case mountStacked = "mount_stacked"
    case mountWithoutWorkdir = "mount_without_workdir"
    case fsconfigLayers = "fsconfig_layers"
    case dropCaches = "drop_caches"
    case exec, parallel
    case open
    case fdRead = "fd_read"
    case fdPread = "fd_pread"
    case fdWrite = "fd_write"
    case fdFstat = "fd_fstat"
    case fdLseek = "fd_lseek"
    case fdFsync = "fd_fsync"
    case fdFchmod = "fd_fchmod"
    case fdMmapRead = "fd_mmap_read"
    case close
    case fdReaddir = "fd_readdir"

    /// The name used in case files and reports.
    public var name: String { rawValue }

    /// Keys a `stat`/`lstat` step may add: the 1-based number of an earlier stat step whose
    /// object must be the same inode (same st_dev and st_ino), or another one.
    public static let inodeKeys = ["same_inode_as", "other_inode_than"]

    /// How the step's arguments are written.
    public var syntax: StepSyntax {
        switch self {
        case .stat, .lstat: .path(optional: Self.inodeKeys)
        case .read, .readdir, .readlink, .unlink, .rmdir, .listxattr, .openRW, .procLocks, .openTmpfile, .statfs,
             .exec, .fiemapShared:
            .path(optional: [])
        case .write, .append: .mapping(required: ["path", "data"], optional: [])
        case .truncate: .mapping(required: ["path", "size"], optional: [])
        case .mkdir: .pathMode(defaultMode: 0o755)
        case .create: .pathMode(defaultMode: 0o644)
        case .mknod: .mapping(required: ["path", "type"], optional: ["major", "minor"])
        case .symlink: .mapping(required: ["target", "path"], optional: [])
        case .rename: .mapping(required: ["old", "new"], optional: ["flags"])
        case .link: .mapping(required: ["old", "new"], optional: [])
        case .offlineLower: .mapping(required: ["layer", "path", "entry"], optional: [])
        case .nameToHandle: .mapping(required: ["path", "label"], optional: ["flags"])
        case .openByHandle: .mapping(required: ["label"], optional: [])
        case .chmod: .mapping(required: ["path", "mode"], optional: [])
        case .chown: .mapping(required: ["path", "uid", "gid"], optional: [])
        case .utimes: .mapping(required: ["path", "mtime"], optional: [])
        case .chattr: .mapping(required: ["path"], optional: ["immutable", "append"])
        case .setxattr: .mapping(required: ["path", "name", "value"], optional: [])
        case .getxattr, .removexattr: .mapping(required: ["path", "name"], optional: [])
        case .remount, .mountAgain, .mountStacked, .mountWithoutWorkdir, .dropCaches: .none
        case .fsconfigLayers: .mapping(required: ["keys"], optional: [])
        case .remountInPlace: .mapping(required: ["options"], optional: [])
        case .reconfigure: .mapping(required: ["params"], optional: [])
        case .parallel: .steps
        case .nextStage: .stage
        case .open: .mapping(required: ["path", "fd"], optional: ["flags"])
        case .fdPread: .mapping(required: ["fd", "offset", "size"], optional: [])
        case .fdWrite: .mapping(required: ["fd", "data"], optional: [])
        case .fdLseek: .mapping(required: ["fd", "offset", "whence"], optional: [])
        case .fdMmapRead: .mapping(required: ["fd", "size"], optional: [])
        case .fdFchmod: .mapping(required: ["fd", "mode"], optional: [])
        case .fdRead, .fdFstat, .fdFsync, .fdReaddir, .close: .fdName
        }
    }

    /// The path walk follows a final symlink (`LOOKUP_FOLLOW`): `stat`, `open` without
    /// `O_NOFOLLOW` (`namei.c:do_filp_open` → `open_last_lookups`), `truncate`, `chmod`
    /// (`fchmodat` with `LOOKUP_FOLLOW`), `statfs` (`user_statfs`), `execve`. The `l*` calls,
    /// `lchown`, `utimensat(AT_SYMLINK_NOFOLLOW)` and the name-changing calls do not.
    public var followsFinalSymlink: Bool {
        switch self {
        case .stat, .read, .write, .append, .openRW, .truncate, .readdir, .chmod, .statfs, .openTmpfile,
             .fiemapShared, .procLocks, .exec, .open:
            true
        default: false
        }
    }

    /// May run in a `parallel` block: a path step whose outcome is a plain value (a stat's inode
    /// symbols and the named fds and handles belong to one process; remounts to none).
    public var runsInParallel: Bool {
        switch self {
        case .read, .write, .append, .openRW, .truncate, .chmod, .chown, .utimes, .setxattr, .getxattr,
             .removexattr, .listxattr, .link, .unlink, .mkdir, .create, .rename, .readlink:
            true
        default: false
        }
    }

    /// May run as an unprivileged caller (`as:`, R90): a path step whose checks the model knows.
    /// Named fds, handles and programs belong to the job's own process; mounts need the mounter.
    public var runsAsCaller: Bool {
        switch self {
        case .stat, .lstat, .readdir, .mknod, .rmdir, .symlink, .statfs, .openTmpfile: true
        default: runsInParallel
        }
    }

    /// The step changes the file system (and so fails with EROFS without an upper). `open` and
    /// the blocks are decided by their payload (``Operation/modifies``).
    public var modifies: Bool {
        switch self {
        case .stat, .lstat, .read, .readdir, .readlink, .getxattr, .listxattr, .remount, .remountInPlace,
             .reconfigure, .mountAgain, .mountStacked, .mountWithoutWorkdir, .fsconfigLayers, .dropCaches,
             .statfs, .fiemapShared, .nameToHandle, .openByHandle, .procLocks, .offlineLower, .nextStage,
             .parallel, .exec, .open, .fdRead, .fdPread, .fdWrite, .fdFstat, .fdLseek, .fdFsync,
             .fdMmapRead, .close, .fdReaddir:
            false
        case .write, .append, .openRW, .truncate, .mkdir, .create, .mknod, .unlink, .rmdir, .symlink,
             .openTmpfile, .chattr, .rename, .chmod, .chown, .utimes, .setxattr, .removexattr, .link, .fdFchmod:
            true
        }
    }

    /// What a terminal `/` on the step's paths becomes (R84); the parser reads it.
    public var trailingSlash: TrailingSlash {
        switch self {
        case .stat, .lstat, .read, .write, .append, .openRW, .truncate, .readdir, .mkdir, .create, .mknod, .unlink,
             .rmdir, .symlink, .readlink, .openTmpfile, .statfs, .fiemapShared, .chattr, .rename, .chmod, .chown,
             .utimes, .setxattr, .getxattr, .removexattr, .listxattr:
            .kept
        case .offlineLower: .dropped
        default: .refused
        }
    }

    /// The step unmounts and mounts the overlay again (after which it may stay unmounted).
    public var remounts: Bool {
        switch self {
        case .remount, .offlineLower, .nextStage: true
        default: false
        }
    }
}

extension StepKind {
    /// What the step does, as the format reference shows it.
    public var summary: String {
        switch self {
        case .stat: "stat; `same_inode_as: N` / `other_inode_than: N` asserts the object is (not) step N's inode"
        case .lstat: "lstat; the same inode keys as `stat`"
        case .read: "open O_RDONLY + read all"
        case .write: "open O_WRONLY\\|O_CREAT\\|O_TRUNC + write"
        case .append: "open O_WRONLY\\|O_APPEND + write"
        case .openRW: "open O_RDWR + close (copy-up trigger, R38)"
        case .truncate: "truncate"
        case .readdir: "getdents64 (compared as a set of name, d_type, d_ino)"
        case .mkdir: "mkdir (mode default 0755)"
        case .create: "open O_CREAT\\|O_EXCL (mode default 0644)"
        case .mknod: "mknod: `type: fifo`, or `type: chardev` with `major`, `minor`"
        case .unlink: "unlink"
        case .rmdir: "rmdir"
        case .symlink: "symlink"
        case .readlink: "readlink"
        case .openTmpfile: "open O_TMPFILE\\|O_RDWR of a directory + close (R87)"
        case .statfs: "statfs (outcome: `type=0x… namelen=N`, R19)"
        case .fiemapShared: "open O_RDONLY + `FS_IOC_FIEMAP` (`FIEMAP_FLAG_SYNC`) of the first 64 extents; outcome: `shared`, `unshared`, `partly shared` (by `FIEMAP_EXTENT_SHARED`) or `no extents` (R44: a copy-up on one xfs clones)"
        case .chattr: "FS_IOC_GETFLAGS + FS_IOC_SETFLAGS with the immutable and append-only flags (booleans, default false, R92)"
        case .rename: "renameat2; `flags`: RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT"
        case .chmod: "chmod"
        case .chown: "lchown"
        case .utimes: "utimensat (atime and mtime, no symlink follow)"
        case .setxattr: "lsetxattr"
        case .getxattr: "lgetxattr"
        case .removexattr: "lremovexattr"
        case .listxattr: "llistxattr (the set of names)"
        case .link: "link"
        case .procLocks: "open O_RDONLY + whole-file `F_SETLK` read lock; outcome: the inode and device `/proc/locks` shows"
        case .nameToHandle: "name_to_handle_at (`flags: [AT_HANDLE_FID]`); outcome: handle type, `U`/`L` for an overlay handle; kept under `label`"
        case .openByHandle: "open_by_handle_at of an earlier step's handle, then fstat (a label whose `name_to_handle_at` failed: an empty handle, EINVAL)"
        case .offlineLower: "umount, remove `path` from lower `layer`, make `entry` (as in `layers:`) there anew, mount again (R70, R71)"
        case .remount: "umount + mount, same options (outcome: mountinfo options)"
        case .nextStage: "the next stage of `stages:`: the upper becomes the top lower, a fresh upper is mounted over it"
        case .remountInPlace: "`mount(2)` with `MS_REMOUNT` and that option string; the overlay stays mounted, fds stay open (outcome: mountinfo options, R20). Overlay options are ignored; the VFS takes `ro`/`rw` out of the string, and without `ro` the superblock is made writable again: `ro` makes later changes EROFS (EBUSY while a file is open for writing)"
        case .reconfigure: "`fspick` of the overlay, `fsconfig` of each param (`FSCONFIG_SET_FLAG` for a bare key, `FSCONFIG_SET_STRING` for `key=value`) up to the first failure, then `FSCONFIG_CMD_RECONFIGURE`; the overlay stays mounted (outcome: `param: 0\\|errno` per call, `reconfigure: 0\\|errno`, then the mountinfo options; R20: every overlay option is EINVAL)"
        case .mountAgain: "a second overlay of the same layers and options elsewhere, unmounted at once (R9)"
        case .mountStacked: "read-only overlay B on `lowerdir=<the overlay>:<lower 0>`, then C on `lowerdir=<B>:<lower 0>`, both unmounted at once (outcome: each mount's `0` or errno, R21)"
        case .mountWithoutWorkdir: "as `mount_again`, without `workdir=` (R6)"
        case .fsconfigLayers: "`fsopen(\"overlay\")`, then `fsconfig(FSCONFIG_SET_STRING)` of each key (`lowerdir`, `lowerdir+`, `datadir+`) with lower layer 0's directory; nothing is mounted (outcome: each call's `0` or errno up to the first failure, R3)"
        case .dropCaches: "`echo 2 > /proc/sys/vm/drop_caches`"
        case .exec: "fork + execve(path, [path, \"30\"]); runs until the job ends or a remount (R76)"
        case .parallel: "the steps at once, each in a forked child; outcome: the vector of their outcomes"
        case .open: "open (mode 0644) with `flags` O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_TRUNC, O_CREAT; the fd stays open under the name `fd` (an fd already open under that name is closed first, whatever the open's outcome)"
        case .fdRead: "read to EOF from the fd's offset"
        case .fdPread: "pread of `size` (0–65536) bytes at `offset`"
        case .fdWrite: "write at the fd's offset (at EOF with O_APPEND)"
        case .fdFstat: "fstat"
        case .fdLseek: "lseek (`whence`: SEEK_SET, SEEK_DATA, SEEK_HOLE, SEEK_END); outcome: the new offset (on a merged directory only SEEK_SET works, R26)"
        case .fdFsync: "fsync"
        case .fdFchmod: "fchmod: a setattr of the object the fd is open on, also once its name was removed (that object is then copied up onto the whiteout, copyup/018)"
        case .fdMmapRead: "mmap PROT_READ/MAP_SHARED of the first `size` (1–4096) bytes, copied out, munmap"
        case .close: "close"
        case .fdReaddir: "getdents64 from the fd's offset to the end, compared like `readdir`; a merged directory's fd reads its own cache, which only a read at offset 0 renews (R26: nothing past the end until `fd_lseek` to 0; a read from another offset is not predicted)"
        }
    }

    /// How the arguments are written, as the format reference shows it.
    public var argumentsText: String {
        func keys(_ required: [String], _ optional: [String]) -> String {
            "`{" + (required + optional.map { $0 + "?" }).joined(separator: ", ") + "}`"
        }
        return switch syntax {
        case .none: "—"
        case .path(let optional): "path, or " + keys(["path"], optional)
        case .pathMode: "path, or " + keys(["path"], ["mode"])
        case .fdName: "fd name, or `{fd}`"
        case let .mapping(required, optional): keys(required, optional)
        case .steps: "a list of 2–4 steps"
        case .stage: "an item of `stages:`"
        }
    }

    /// The step table as Markdown: `ovl-conform list --steps` prints it, README holds it.
    public static func markdown() -> String {
        func mark(_ b: Bool) -> String { b ? "yes" : "" }
        func slash(_ k: StepKind) -> String {
            let keys = k.syntax.keys
            guard (keys.required + keys.optional).contains(where: { ["path", "old"].contains($0) }) else { return "" }
            return switch k.trailingSlash {
            case .kept: "kept"
            case .dropped: "dropped"
            case .refused: "refused"
            }
        }
        var lines = ["| step | arguments | syscall | follows final symlink | modifies | in `parallel` | `as:` | trailing `/` |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for k in allCases {
            lines.append("| `\(k.name)` | \(k.argumentsText) | \(k.summary) | \(mark(k.followsFinalSymlink)) | \(mark(k.modifies)) | \(mark(k.runsInParallel)) | \(mark(k.runsAsCaller)) | \(slash(k)) |")
        }
        return lines.joined(separator: "\n")
    }
}
