/// Flags of `renameat2(2)`.
public enum RenameFlag: String, Codable, Sendable, CaseIterable {
    case noreplace = "RENAME_NOREPLACE"
    case exchange = "RENAME_EXCHANGE"
    case whiteout = "RENAME_WHITEOUT"
}

/// One step of a scenario, named after the syscall it makes on the merged view.
///
/// Paths are relative to the overlay mount point. Every operation yields one ``Outcome``.
public enum Operation: Codable, Sendable, Equatable {
    /// `stat(2)` (follows a final symlink).
    case stat(RelPath)
    /// `lstat(2)`.
    case lstat(RelPath)
    /// `open(O_RDONLY)` + read everything + close.
    case read(RelPath)
    /// `open(O_WRONLY|O_CREAT|O_TRUNC, 0644)` + write + close.
    case write(RelPath, data: String)
    /// `open(O_WRONLY|O_APPEND)` + write + close.
    case append(RelPath, data: String)
    /// `open(O_RDWR)` + close: copies a lower file up without changing it (R38).
    case openRW(RelPath)
    /// `truncate(2)`.
    case truncate(RelPath, size: Int64)
    /// `getdents64` over the whole directory: the set of names and d_types.
    case readdir(RelPath)
    /// `mkdir(2)`.
    case mkdir(RelPath, mode: UInt32)
    /// `open(O_CREAT|O_EXCL|O_WRONLY, mode)` + close.
    case create(RelPath, mode: UInt32)
    /// `mknod(2)`: a fifo, or a character device major:minor.
    case mknod(RelPath, kind: MknodKind)
    /// `unlink(2)`.
    case unlink(RelPath)
    /// `rmdir(2)`.
    case rmdir(RelPath)
    /// `symlink(2)`.
    case symlink(target: String, path: RelPath)
    /// `readlink(2)`.
    case readlink(RelPath)
    /// `open(dir, O_TMPFILE|O_RDWR, 0600)` + close: an unnamed file in a directory (R87).
    case openTmpfile(RelPath)
    /// `statfs(2)`: `f_type` and `f_namelen`, as the text `type=0x… namelen=N` (R19).
    case statfs(RelPath)
    /// `FS_IOC_FIEMAP` (FIEMAP_FLAG_SYNC) of a regular file: whether its real data file's extents
    /// carry `FIEMAP_EXTENT_SHARED`, as the text `shared`, `unshared`, `partly shared` or
    /// `no extents` (R44: a copy-up clones on a reflink filesystem).
    case fiemapShared(RelPath)
    /// `chattr`: FS_IOC_SETFLAGS with the immutable and append-only flags as given (R92).
    case chattr(RelPath, immutable: Bool, append: Bool)
    /// `renameat2(2)` (plain `rename` when flags are empty).
    case rename(RelPath, to: RelPath, flags: [RenameFlag])
    /// `chmod(2)`.
    case chmod(RelPath, mode: UInt32)
    /// `lchown(2)`.
    case chown(RelPath, uid: UInt32, gid: UInt32)
    /// `utimensat(2)` setting atime and mtime to the given seconds (no symlink follow).
    case utimes(RelPath, mtime: Int64)
    /// `lsetxattr(2)`.
    case setxattr(RelPath, name: String, value: String)
    /// `lgetxattr(2)`.
    case getxattr(RelPath, name: String)
    /// `lremovexattr(2)`.
    case removexattr(RelPath, name: String)
    /// `llistxattr(2)`: the set of names.
    case listxattr(RelPath)
    /// `link(2)`: a new name for an existing non-directory.
    case link(RelPath, to: RelPath)
    /// `name_to_handle_at(2)` (with `AT_HANDLE_FID` when `fid`); the handle is kept under `label`.
    case nameToHandle(RelPath, label: String, fid: Bool)
    /// `open_by_handle_at(2)` of the handle kept under `label`, then `fstat(2)` of the fd.
    case openByHandle(label: String)
    /// A whole-file read lock on `path` (`fcntl(F_SETLK)`): the inode `/proc/locks` shows for it.
    case procLocks(RelPath)
    /// Unmount, remove `path` (and what is below it) from lower layer `layer`, create `node` there
    /// anew (a new inode), and mount again with the same options. Only for cases whose rules
    /// cover offline changes (R70, R71); the overlay is not mounted while the layer changes (R89).
    case offlineLower(layer: Int, path: RelPath, node: Node)
    /// umount and mount again with the same options.
    case remount
    /// The next stage of a staged case (`stages:`): umount; the upper becomes the top lower layer
    /// and the old workdir is removed; a fresh upper and workdir are mounted over the stack with
    /// these options (nil: the case's own). Outcome: the mountinfo options, or the mount's errno.
    case nextStage(options: [MountOption]?)
    /// `mount(2)` with `MS_REMOUNT` (the legacy API) and the option string `options`, leaving
    /// the overlay mounted: the outcome is the options mountinfo shows afterwards (R20).
    case remountInPlace(options: String)
    /// The new mount API's reconfigure of the mounted overlay: `fspick(2)`, then
    /// `fsconfig(FSCONFIG_SET_FLAG)` of each `params` entry without `=` and
    /// `fsconfig(FSCONFIG_SET_STRING)` of each `key=value`, up to the first failure, then
    /// `FSCONFIG_CMD_RECONFIGURE`; the overlay stays mounted (R20).
    case reconfigure(params: [String])
    /// A second overlay mounted with the same layers and options on another mount point, and
    /// unmounted at once when that succeeds: the outcome is that mount's (R9).
    case mountAgain
    /// Two read-only overlays stacked on this one: B with `lowerdir=<this overlay>:<lower 0>`,
    /// then C with `lowerdir=<B>:<lower 0>`, both unmounted at once; the outcome is each mount's
    /// result, `0` or its errno (R21).
    case mountStacked
    /// A second overlay with the same options on another mount point, given `lowerdir` and
    /// `upperdir` but no `workdir`, unmounted at once when that succeeds (R6).
    case mountWithoutWorkdir
    /// `fsopen("overlay")`, then `fsconfig(FSCONFIG_SET_STRING)` of each layer key in turn
    /// (`lowerdir`, `lowerdir+`, `datadir+`), each naming lower layer 0's directory; nothing is
    /// mounted. The outcome is each call's result, `0` or its errno, up to the first failure (R3).
    case fsconfigLayers([LayerKey])
    /// `echo 2 > /proc/sys/vm/drop_caches` (evicts dentries and inodes).
    case dropCaches
    /// A step on a named, long-lived file descriptor (R72–R76).
    case fd(FdOperation)
    /// fork + `execve(path, [path, "30"])`: a binary (e.g. `sleep`) that keeps running until the
    /// job ends or the overlay is unmounted; the outcome is execve's (R76).
    case exec(RelPath)
    /// Steps started at once, each in its own process (concurrent copy-up): the kernel may
    /// serialize them in any order.
    case parallel([Operation])
    /// The step run by an unprivileged caller (`as:`, R90) instead of the mounter.
    indirect case asCaller(Caller, Operation)

    /// The step's entry in the vocabulary (a caller's step is its inner step's kind).
    public var kind: StepKind {
        switch self {
        case .stat: .stat
        case .lstat: .lstat
        case .read: .read
        case .write: .write
        case .append: .append
        case .openRW: .openRW
        case .truncate: .truncate
        case .readdir: .readdir
        case .mkdir: .mkdir
        case .create: .create
        case .mknod: .mknod
        case .unlink: .unlink
        case .rmdir: .rmdir
        case .symlink: .symlink
        case .readlink: .readlink
        case .openTmpfile: .openTmpfile
        case .statfs: .statfs
        case .fiemapShared: .fiemapShared
        case .chattr: .chattr
        case .rename: .rename
        case .chmod: .chmod
        case .chown: .chown
        case .utimes: .utimes
        case .setxattr: .setxattr
        case .getxattr: .getxattr
        case .removexattr: .removexattr
        case .listxattr: .listxattr
        case .link: .link
        case .offlineLower: .offlineLower
        case .procLocks: .procLocks
        case .nameToHandle: .nameToHandle
        case .openByHandle: .openByHandle
        case .remount: .remount
        case .nextStage: .nextStage
        case .remountInPlace: .remountInPlace
        case .reconfigure: .reconfigure
        case .mountAgain: .mountAgain
        case .mountStacked: .mountStacked
        case .mountWithoutWorkdir: .mountWithoutWorkdir
        case .fsconfigLayers: .fsconfigLayers
        case .dropCaches: .dropCaches
        case .fd(let f): f.kind
        case .parallel: .parallel
        case .exec: .exec
        case .asCaller(_, let op): op.kind
        }
    }

    /// The syscall-style name used in case files and reports.
    public var name: String { kind.name }

    /// True for steps that unmount and mount the overlay again (after which it may stay unmounted).
    public var remounts: Bool { kind.remounts }
}

/// What `mknod` makes.
public enum MknodKind: Codable, Sendable, Equatable {
    case fifo
    case chardev(major: UInt32, minor: UInt32)
}
