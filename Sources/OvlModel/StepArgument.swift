/// One argument of a step: its key as the case format spells it (``StepSyntax/keys``) and a
/// typed value. ``Operation/arguments`` lists them in the order a case file writes them; the
/// case writer and the reports render that list instead of switching over the steps.
public struct StepArgument: Sendable, Equatable {
    /// The key in the step's mapping (`path`, `data`, `mode`, `old`, `new`, `flags`, `fd`, …;
    /// `as` for the caller of a step run `as:` another user).
    public let key: String
    public let value: ArgumentValue

    public init(_ key: String, _ value: ArgumentValue) {
        self.key = key
        self.value = value
    }
}

/// The typed value of a ``StepArgument``.
public enum ArgumentValue: Sendable, Equatable {
    /// A path in the merged view, or in a lower layer for `offline_lower`.
    case path(RelPath)
    /// Bytes the step writes (file data, an xattr value): quoted in reports.
    case text(String)
    /// A name or string the step passes as it is (an fd or handle label, an xattr name, a
    /// symlink target, a mount option string).
    case name(String)
    /// Permission bits, written in octal.
    case mode(UInt32)
    /// A number (a size, an offset, an id, a time in seconds, a device number).
    case integer(Int64)
    /// A yes/no switch (`chattr`'s flags).
    case bool(Bool)
    /// The number of a lower layer (0 is the top one).
    case lowerLayer(Int)
    /// One word of a closed vocabulary (`SEEK_SET`, `fifo`), written bare.
    case keyword(String)
    /// Words of a closed vocabulary (`O_RDWR`, `RENAME_NOREPLACE`), written bare.
    case keywords([String])
    /// Strings written quoted (layer keys, fsconfig params).
    case names([String])
    /// A layer entry, as `layers:` writes one.
    case entry(Node)
    /// The steps of a `parallel` block.
    case steps([Operation])
    /// The unprivileged caller a step runs as (R90).
    case caller(Caller)
    /// The mount options of a stage.
    case options([MountOption])
}

extension StepSyntax {
    /// The keys the syntax names: those a step must give and those it may give. The scalar a
    /// path or fd step may be written as stands for `path` or `fd`; the list of a `parallel`
    /// block for `steps`; a stage's `options` is a key of its item of `stages:`.
    public var keys: (required: [String], optional: [String]) {
        switch self {
        case .none: ([], [])
        case .path(let optional): (["path"], optional)
        case .pathMode: (["path"], ["mode"])
        case .fdName: (["fd"], [])
        case let .mapping(required, optional): (required, optional)
        case .steps: (["steps"], [])
        case .stage: ([], ["options"])
        }
    }

    /// The key a step's lone argument stands for when it is written without a mapping (a scalar
    /// path or fd name, the list of a `parallel` block), or nil when the syntax has no such form.
    public var bareKey: String? {
        switch self {
        case .path, .pathMode: "path"
        case .fdName: "fd"
        case .steps: "steps"
        case .none, .mapping, .stage: nil
        }
    }
}

extension Operation {
    /// The step's arguments in the order a case file writes them, optional ones left out where
    /// the parser's default gives the same step (rename's empty `flags`, a stage that keeps the
    /// case's options); a step run `as:` a caller adds `as` after its own.
    public var arguments: [StepArgument] {
        switch self {
        case .stat(let p), .lstat(let p), .read(let p), .openRW(let p), .readdir(let p), .unlink(let p),
             .rmdir(let p), .readlink(let p), .openTmpfile(let p), .statfs(let p), .fiemapShared(let p),
             .listxattr(let p), .procLocks(let p), .exec(let p):
            [.init("path", .path(p))]
        case .write(let p, let data), .append(let p, let data): [.init("path", .path(p)), .init("data", .text(data))]
        case .truncate(let p, let size): [.init("path", .path(p)), .init("size", .integer(size))]
        case .mkdir(let p, let mode), .create(let p, let mode), .chmod(let p, let mode):
            [.init("path", .path(p)), .init("mode", .mode(mode))]
        case .mknod(let p, .fifo): [.init("path", .path(p)), .init("type", .keyword("fifo"))]
        case .mknod(let p, .chardev(let major, let minor)):
            [.init("path", .path(p)), .init("type", .keyword("chardev")),
             .init("major", .integer(Int64(major))), .init("minor", .integer(Int64(minor)))]
        case .symlink(let target, let p): [.init("target", .name(target)), .init("path", .path(p))]
        case .chattr(let p, let immutable, let append):
            [.init("path", .path(p)), .init("immutable", .bool(immutable)), .init("append", .bool(append))]
        case .rename(let old, let new, let flags):
            [.init("old", .path(old)), .init("new", .path(new))]
                + (flags.isEmpty ? [] : [.init("flags", .keywords(flags.map(\.rawValue)))])
        case .chown(let p, let uid, let gid):
            [.init("path", .path(p)), .init("uid", .integer(Int64(uid))), .init("gid", .integer(Int64(gid)))]
        case .utimes(let p, let mtime): [.init("path", .path(p)), .init("mtime", .integer(mtime))]
        case .setxattr(let p, let name, let value):
            [.init("path", .path(p)), .init("name", .name(name)), .init("value", .text(value))]
        case .getxattr(let p, let name), .removexattr(let p, let name): [.init("path", .path(p)), .init("name", .name(name))]
        case .link(let old, let new): [.init("old", .path(old)), .init("new", .path(new))]
        case .nameToHandle(let p, let label, let fid):
            [.init("path", .path(p)), .init("label", .name(label))] + (fid ? [.init("flags", .keywords(["AT_HANDLE_FID"]))] : [])
        case .openByHandle(let label): [.init("label", .name(label))]
        case .offlineLower(let layer, let p, let node):
            [.init("layer", .lowerLayer(layer)), .init("path", .path(p)), .init("entry", .entry(node))]
        case .remount, .mountAgain, .mountStacked, .mountWithoutWorkdir, .dropCaches: []
        case .nextStage(let options): options.map { [.init("options", .options($0))] } ?? []
        case .remountInPlace(let options): [.init("options", .name(options))]
        case .reconfigure(let params): [.init("params", .names(params))]
        case .fsconfigLayers(let keys): [.init("keys", .names(keys.map(\.rawValue)))]
        case .fd(let f): f.arguments
        case .parallel(let ops): [.init("steps", .steps(ops))]
        case .asCaller(let caller, let op): op.arguments + [.init("as", .caller(caller))]
        }
    }
}

extension FdOperation {
    /// The step's arguments in the order a case file writes them (``Operation/arguments``).
    public var arguments: [StepArgument] {
        switch self {
        case .open(let p, let flags, let fd):
            [.init("path", .path(p)), .init("flags", .keywords(flags.map(\.rawValue))), .init("fd", .name(fd))]
        case .read(let fd), .fstat(let fd), .fsync(let fd), .close(let fd), .readdir(let fd): [.init("fd", .name(fd))]
        case .pread(let fd, let offset, let size):
            [.init("fd", .name(fd)), .init("offset", .integer(offset)), .init("size", .integer(size))]
        case .write(let fd, let data): [.init("fd", .name(fd)), .init("data", .text(data))]
        case .lseek(let fd, let offset, let whence):
            [.init("fd", .name(fd)), .init("offset", .integer(offset)), .init("whence", .keyword(whence.rawValue))]
        case .fchmod(let fd, let mode): [.init("fd", .name(fd)), .init("mode", .mode(mode))]
        case .mmapRead(let fd, let size): [.init("fd", .name(fd)), .init("size", .integer(size))]
        }
    }
}
