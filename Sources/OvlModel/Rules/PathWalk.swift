/// The VFS path walk around overlayfs' own lookup: symlinks among a path's parents are always
/// followed, a final symlink only where the syscall follows it (`fs/namei.c:link_path_walk`,
/// `trailing_symlink`). Targets are resolved relative to the link's directory inside the overlay.
extension OverlayModel {
    /// The most symlinks one walk follows before ELOOP (`fs/namei.c`: MAXSYMLINKS = 40).
    static let maxSymlinks = 40

    /// `path` with every symlink among its parents replaced by where it leads; the last component
    /// is kept as written.
    /// - Returns: ENOENT for a missing parent, ENOTDIR for a parent that is not a directory, ELOOP.
    public mutating func resolveParents(_ path: RelPath) -> Result<RelPath, ModelErrno> {
        guard let last = path.components.last else { return .success(path) }
        var hops = 0
        return walk(Array(path.components.dropLast()), from: .root, hops: &hops).map {
            RelPath(components: $0.components + [last], trailingSlash: path.trailingSlash)
        }
    }

    /// Walks `components` from directory `start`, following every symlink met; every component
    /// must end up a directory.
    mutating func walk(_ components: [String], from start: RelPath, hops: inout Int) -> Result<RelPath, ModelErrno> {
        var dir = start
        var rest = components[...]
        while let name = rest.popFirst() {
            if name == "." { continue }
            if name == ".." {
                // Leaving the overlay root would walk the machine's own tree (``leftTree``).
                guard let up = dir.parent else {
                    leftTree = leftTree ?? "`..` above the overlay's root"
                    return .failure(.ENOENT)
                }
                dir = up
                continue
            }
            let next = dir.appending(name)
            switch lookup(next) {
            case .failure(let e): return .failure(e)
            case .success(let r):
                if case .symlink(let target) = r.node.kind {
                    hops += 1
                    if hops > Self.maxSymlinks { return .failure(.ELOOP) }
                    if target.hasPrefix("/") { leftTree = leftTree ?? "symlink \(next) -> \(target) leaves the overlay" }
                    if target.hasPrefix("/") || target.isEmpty { return .failure(.ENOENT) }
                    rest = (target.split(separator: "/").map(String.init) + rest)[...]
                } else if r.node.kind.isDir {
                    dir = next
                } else {
                    return .failure(.ENOTDIR)
                }
            }
        }
        return .success(dir)
    }

    /// Follows a final symlink chain (for syscalls that follow). Returns the object's path and
    /// resolution, or the path with nil when only the last target is missing — where `O_CREAT`
    /// creates the file (`fs/namei.c:open_last_lookups`).
    mutating func followFinal(_ path: RelPath) -> Result<(RelPath, Resolution?), ModelErrno> {
        var p = path
        var hops = 0
        while true {
            switch lookup(p) {
            case .failure(.ENOENT): return .success((p, nil))
            case .failure(let e): return .failure(e)
            case .success(let r):
                guard case .symlink(let target) = r.node.kind else { return .success((p, r)) }
                hops += 1
                if hops > Self.maxSymlinks { return .failure(.ELOOP) }
                if protectedSymlink(p, r.node) { return .failure(.EACCES) }
                if target.hasPrefix("/") { leftTree = leftTree ?? "symlink \(p) -> \(target) leaves the overlay" }
                if target.hasPrefix("/") || target.isEmpty { return .failure(.ENOENT) }
                var parts = target.split(separator: "/").map(String.init)
                let last = parts.removeLast()
                if last == "..", p.parent == nil, parts.isEmpty { leftTree = leftTree ?? "symlink \(p) -> \(target) leaves the overlay" }
                if last == "." || last == ".." { return .failure(.ENOENT) }
                switch walk(parts, from: p.parent ?? .root, hops: &hops) {
                case .failure(let e): return .failure(e)
                case .success(let dir): p = dir.appending(last)
                }
            }
        }
    }

    /// `fs.protected_symlinks` (1 on Debian, `fs/namei.c:sysctl_protected_symlinks`): a trailing
    /// symlink in a sticky, world-writable directory is followed only by its owner or when the
    /// directory's owner owns it too — root included (`may_follow_link`, called by `pick_link`
    /// for a trailing link after the MAXSYMLINKS check): EACCES otherwise. The mode and owners
    /// are the overlay's, which come from the real layers.
    mutating func protectedSymlink(_ path: RelPath, _ link: Node) -> Bool {
        if environment.sysctls.protectedSymlinks == 0 || link.uid == (caller?.uid ?? 0) { return false }
        guard case .success(let dir) = lookup(path.parent ?? .root), dir.node.perm & 0o1002 == 0o1002 else { return false }
        return dir.node.uid != link.uid
    }

    /// Follows a final symlink chain to an existing object.
    mutating func follow(_ path: RelPath) -> Result<(RelPath, Resolution), ModelErrno> {
        followFinal(path).flatMap { p, r in r.map { .success((p, $0)) } ?? .failure(.ENOENT) }
    }
}

extension Operation {
    /// The paths a step names, in order.
    var paths: [RelPath] {
        switch self {
        case .stat(let p), .lstat(let p), .read(let p), .write(let p, _), .append(let p, _), .openRW(let p),
             .truncate(let p, _), .readdir(let p), .mkdir(let p, _), .create(let p, _), .mknod(let p, _),
             .unlink(let p), .rmdir(let p), .symlink(_, let p), .readlink(let p), .chmod(let p, _),
             .chown(let p, _, _), .utimes(let p, _), .setxattr(let p, _, _), .getxattr(let p, _),
             .removexattr(let p, _), .listxattr(let p), .openTmpfile(let p), .statfs(let p), .chattr(let p, _, _),
             .fiemapShared(let p):
            [p]
        case .rename(let from, let to, _), .link(let from, let to): [from, to]
        case .nameToHandle(let p, _, _), .procLocks(let p), .fd(.open(let p, _, _)), .exec(let p): [p]
        // The other fd steps act on an open file, not on a path; a parallel block's steps
        // resolve their own paths.
        case .fd, .parallel: []
        case .asCaller(_, let op): op.paths
        // A lower layer's own path (offline change) and a handle name no path of the overlay.
        case .offlineLower, .openByHandle, .remount, .nextStage, .remountInPlace, .reconfigure, .mountAgain, .mountStacked, .mountWithoutWorkdir, .fsconfigLayers, .dropCaches: []
        }
    }

    /// The same step on other paths (one per element of ``paths``).
    func withPaths(_ new: [RelPath]) -> Operation {
        guard let p = new.first else { return self }
        switch self {
        case .stat: return .stat(p)
        case .lstat: return .lstat(p)
        case .read: return .read(p)
        case .write(_, let d): return .write(p, data: d)
        case .append(_, let d): return .append(p, data: d)
        case .openRW: return .openRW(p)
        case .truncate(_, let s): return .truncate(p, size: s)
        case .readdir: return .readdir(p)
        case .mkdir(_, let m): return .mkdir(p, mode: m)
        case .create(_, let m): return .create(p, mode: m)
        case .mknod(_, let k): return .mknod(p, kind: k)
        case .unlink: return .unlink(p)
        case .rmdir: return .rmdir(p)
        case .symlink(let t, _): return .symlink(target: t, path: p)
        case .readlink: return .readlink(p)
        case .chmod(_, let m): return .chmod(p, mode: m)
        case .chown(_, let u, let g): return .chown(p, uid: u, gid: g)
        case .utimes(_, let t): return .utimes(p, mtime: t)
        case .setxattr(_, let n, let v): return .setxattr(p, name: n, value: v)
        case .getxattr(_, let n): return .getxattr(p, name: n)
        case .removexattr(_, let n): return .removexattr(p, name: n)
        case .listxattr: return .listxattr(p)
        case .openTmpfile: return .openTmpfile(p)
        case .statfs: return .statfs(p)
        case .fiemapShared: return .fiemapShared(p)
        case .chattr(_, let i, let a): return .chattr(p, immutable: i, append: a)
        case .rename(_, _, let f): return .rename(p, to: new.count > 1 ? new[1] : p, flags: f)
        case .link: return .link(p, to: new.count > 1 ? new[1] : p)
        case .nameToHandle(_, let label, let fid): return .nameToHandle(p, label: label, fid: fid)
        case .procLocks: return .procLocks(p)
        case .fd(.open(_, let flags, let fd)): return .fd(.open(p, flags: flags, fd: fd))
        case .exec: return .exec(p)
        case .fd, .parallel: return self
        case .asCaller(let c, let op): return .asCaller(c, op.withPaths(new))
        case .offlineLower, .openByHandle, .remount, .nextStage, .remountInPlace, .reconfigure, .mountAgain, .mountStacked, .mountWithoutWorkdir, .fsconfigLayers, .dropCaches: return self
        }
    }
}
