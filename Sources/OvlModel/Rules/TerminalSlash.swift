/// What a terminal `/` on a step's path leaves to do.
enum SlashCheck {
    /// The VFS already answered.
    case answered(Outcome)
    /// Run this step (its paths without the slash; a looked-up path already resolved).
    case run(Operation)
}

extension OverlayModel {
    /// The VFS's handling of a path named with a terminal `/` (`fs/namei.c`), before overlayfs
    /// sees the name — overlay lookups never get the slash.
    ///
    /// - Rule: R84 (errors and edge cases). A looked-up path is resolved following a final
    ///   symlink and must be a directory (`link_path_walk` sets LOOKUP_FOLLOW|LOOKUP_DIRECTORY:
    ///   ENOTDIR). `open(O_CREAT)` refuses it with EISDIR before any write access
    ///   (`open_last_lookups`); mknod and symlink give EEXIST for an existing name and ENOENT
    ///   otherwise (`filename_create`: "you had / on the end … -ENOENT for you"); mkdir and rmdir
    ///   take it as a directory; unlink gives ENOENT, EISDIR or ENOTDIR after its write access
    ///   (`do_unlinkat`, `slashes:`); rename checks it in ``rename(_:_:flags:slashes:)``.
    mutating func terminalSlash(_ op: Operation) -> SlashCheck {
        switch op {
        case .write(let p, _) where p.trailingSlash, .create(let p, _) where p.trailingSlash:
            return .answered(.failed(parentError(p) ?? .EISDIR))
        case .mknod(let p, _) where p.trailingSlash, .symlink(_, let p) where p.trailingSlash:
            if let e = parentError(p) { return .answered(.failed(e)) }
            return .answered(.failed(nameTaken(p.withoutTrailingSlash) ?? .ENOENT))
        case .mkdir(let p, let mode): return .run(.mkdir(p.withoutTrailingSlash, mode: mode))
        case .rmdir(let p): return .run(.rmdir(p.withoutTrailingSlash))
        case .unlink(let p) where p.trailingSlash:
            if let e = parentError(p) { return .answered(.failed(e)) }
            if isReadOnly { return .answered(.failed(.EROFS)) }
            switch lookup(p.withoutTrailingSlash) {
            case .failure(let e): return .answered(.failed(e))
            case .success(let r): return .answered(.failed(r.node.kind.isDir ? .EISDIR : .ENOTDIR))
            }
        case .rename: return .run(op)
        default:
            guard let p = op.lookedUpPath, p.trailingSlash else { return .run(op) }
            switch follow(p.withoutTrailingSlash) {
            case .failure(let e): return .answered(.failed(e))
            case .success(let (resolved, r)):
                guard r.node.kind.isDir else { return .answered(.failed(.ENOTDIR)) }
                return .run(op.replacingLookedUpPath(resolved))
            }
        }
    }
}

extension Operation {
    /// The one path a step resolves (not for rename, mkdir, rmdir and the creating steps).
    var lookedUpPath: RelPath? {
        switch self {
        case .stat(let p), .lstat(let p), .read(let p), .append(let p, _), .openRW(let p), .truncate(let p, _),
             .readdir(let p), .readlink(let p), .chmod(let p, _), .chown(let p, _, _), .utimes(let p, _),
             .setxattr(let p, _, _), .getxattr(let p, _), .removexattr(let p, _), .listxattr(let p),
             .openTmpfile(let p), .statfs(let p), .chattr(let p, _, _), .fiemapShared(let p):
            p
        default: nil
        }
    }

    /// The step with ``lookedUpPath`` replaced.
    func replacingLookedUpPath(_ p: RelPath) -> Operation {
        switch self {
        case .stat: .stat(p)
        case .lstat: .lstat(p)
        case .read: .read(p)
        case .append(_, let data): .append(p, data: data)
        case .openRW: .openRW(p)
        case .truncate(_, let size): .truncate(p, size: size)
        case .readdir: .readdir(p)
        case .readlink: .readlink(p)
        case .chmod(_, let mode): .chmod(p, mode: mode)
        case .chown(_, let uid, let gid): .chown(p, uid: uid, gid: gid)
        case .utimes(_, let mtime): .utimes(p, mtime: mtime)
        case .setxattr(_, let name, let value): .setxattr(p, name: name, value: value)
        case .getxattr(_, let name): .getxattr(p, name: name)
        case .removexattr(_, let name): .removexattr(p, name: name)
        case .listxattr: .listxattr(p)
        case .openTmpfile: .openTmpfile(p)
        case .statfs: .statfs(p)
        case .fiemapShared: .fiemapShared(p)
        case .chattr(_, let immutable, let append): .chattr(p, immutable: immutable, append: append)
        default: self
        }
    }
}
