extension OverlayModel {
    /// Predicts the outcome of one step and updates the layers as overlayfs would.
    /// - Parameter op: the step.
    /// - Returns: the value or errno the kernel must return.
    public mutating func apply(_ step: Operation) -> Outcome {
        if case .asCaller(let who, let inner) = step {
            let mounter = caller
            caller = who
            defer { caller = mounter }
            return apply(inner)
        }
        // The guest closes the fd an `open` names before it opens anew, whatever the open's outcome.
        if case .fd(.open(_, _, let fd)) = step { openFiles[fd] = nil }
        // Search permission on every directory walked, before anything is looked up below it (R90).
        if let e = searchRefusal(step) { return .failed(e) }
        // The VFS resolves the parents of every path first (symlinks followed, fs/namei.c).
        var resolved: [RelPath] = []
        for p in step.paths {
            switch resolveParents(p) {
            case .failure(let e): return .failed(e)
            case .success(let r): resolved.append(r)
            }
            // do_linkat looks the old name up completely before it walks to the new parent.
            if case .link = step, resolved.count == 1, case .failure(let e) = lookup(resolved[0]) { return .failed(e) }
        }
        let op: Operation
        switch terminalSlash(step.withPaths(resolved)) {
        case .answered(let outcome): return outcome
        case .run(let next): op = next
        }
        // The guest closes every fd and ends every program it ran before it unmounts.
        if op.remounts {
            openFiles.removeAll()
            running.removeAll()
        }
        if let e = textBusy(op) { return .failed(e) }
        if isReadOnly, op.modifies { return readOnly(op) }
        if let refusal = callerRefusal(op) ?? protectionRefusal(op) { return .failed(refusal) }
        if let refused = refusedCopyUp(op) { return refused }
        // A name that goes away (unlink, rmdir, rename over it) may be an indexed object whose
        // union nlink drops (`util.c:ovl_nlink_start`/`ovl_nlink_end`) — only when the step gets
        // that far, so a step that fails is predicted without it.
        var indexed: Int?
        var indexedDir: (layer: Int, path: RelPath)?
        if let gone = op.removedName, options.index, !renamesOntoItself(op) {
            var trial = self
            if case .ok = trial.applyStep(op) {
                indexed = beginIndexedUnlink(gone)
                indexedDir = beginIndexedDirRemoval(gone)
            }
        }
        let orphaned = filesOpen(onNameRemovedBy: op)
        let outcome = applyStep(op)
        if outcome == .ok(.none) { removePrivileges(after: op) }
        if outcome == .ok(.none) {
            for (fd, object, stat) in orphaned {
                openFiles[fd]?.removed = object
                openFiles[fd]?.removedStat = stat
            }
            followRename(op)
        }
        if let serial = indexed, outcome == .ok(.none) { endIndexedUnlink(serial) }
        if let l = indexedDir, outcome == .ok(.none) { endIndexedDirRemoval(l) }
        // Names of one upper inode share its new state (hardlinks, R61).
        if var p = op.changedPath {
            // A step that follows a final symlink changed the object the link leads to.
            if op.kind.followsFinalSymlink, case .success(let (target, _)) = follow(p) { p = target }
            if upper?[p] != nil { syncInode(from: p) }
        }
        return outcome
    }

    /// True for a rename between two names of one overlay inode, which the VFS answers with 0
    /// before overlayfs is asked (`vfs_rename`: "source == target").
    func renamesOntoItself(_ op: Operation) -> Bool {
        guard case .rename(let from, let to, let flags) = op, !flags.contains(.exchange) else { return false }
        if from.withoutTrailingSlash == to.withoutTrailingSlash { return true }
        var probe = self
        guard case .success(let a) = probe.lookup(from), case .success(let b) = probe.lookup(to) else { return false }
        return sameOverlayInode(a, b)
    }

    /// The step itself, without the hardlink and index bookkeeping around it.
    mutating func applyStep(_ op: Operation) -> Outcome {
        if let outcome = noXattrOutcome(op) { return outcome }
        switch op {
        case .stat(let p): return statPath(p, follow: true)
        case .lstat(let p): return statPath(p, follow: false)
        case .read(let p): return readFile(p)
        case .write(let p, let data): return writeFile(p, data: data, append: false)
        case .append(let p, let data): return writeFile(p, data: data, append: true)
        case .openRW(let p): return openRW(p)
        case .truncate(let p, let size): return truncate(p, size: size)
        case .readdir(let p): return readdir(p)
        case .mkdir(let p, let mode): return create(p, node: Node(kind: .dir, perm: mode & 0o7777, mtime: nil))
        case .create(let p, let mode): return create(p, node: Node(kind: .file(data: ""), perm: mode & 0o7777, mtime: nil))
        case .mknod(let p, .fifo): return create(p, node: Node(kind: .fifo, mtime: nil))
        case .mknod(_, .chardev(0, 0)):
            // R37: dir.c:ovl_mknod refuses to make a whiteout through the overlay.
            return .failed(.EPERM)
        case .mknod(let p, .chardev(let ma, let mi)):
            return create(p, node: Node(kind: .chardev(major: ma, minor: mi), mtime: nil))
        case .unlink(let p): return unlink(p)
        case .rmdir(let p): return rmdir(p)
        case .symlink(let target, let p): return create(p, node: Node(kind: .symlink(target: target), mtime: nil))
        case .readlink(let p): return readlink(p)
        case .openTmpfile(let p): return openTmpfile(p)
        case .statfs(let p): return statfs(p)
        case .fiemapShared(let p): return fiemapShared(p)
        case .chattr(let p, let immutable, let append): return chattr(p, immutable: immutable, append: append)
        case .rename(let from, let to, let flags): return rename(from, to, flags: flags)
        case .chmod(let p, let mode):
            let who = caller
            return setattr(p, follow: true) { $0.perm = Self.chmodBits(mode, of: $0, by: who) }
        case .chown(let p, let uid, let gid):
            let who = caller
            return setattr(p, follow: false) { n in
                n.perm &= ~Self.chownKills(n, by: who)
                n.uid = uid
                n.gid = gid
            }
        case .utimes(let p, let mtime): return setattr(p, follow: false) { $0.mtime = mtime }
        case .setxattr(let p, let name, let value): return setxattr(p, name: name, value: value)
        case .getxattr(let p, let name): return getxattr(p, name: name)
        case .removexattr(let p, let name): return removexattr(p, name: name)
        case .listxattr(let p): return listxattr(p)
        case .remount:
            mountGeneration += 1
            keptDirEpochs = [:]
            evictInodes()
            return remount()
        case .nextStage(let options): return nextStage(options ?? caseOptions)
        case .remountInPlace(let options): return remountInPlace(options: options)
        case .reconfigure(let params): return reconfigure(params)
        case .mountAgain: return mountAgain()
        case .mountStacked: return mountStacked()
        case .mountWithoutWorkdir: return mountWithoutWorkdir()
        case .fsconfigLayers(let keys): return .ok(.names(Self.fsconfigLayers(keys, environment: environment)))
        case .dropCaches:
            dropDentryCache()
            return .ok(.none)
        case .link(let old, let new): return link(old, new)
        case .offlineLower(let k, let p, let node): return offlineLower(layer: k, path: p, node: node)
        case .procLocks(let p): return procLocks(p)
        case .nameToHandle(let p, let label, let fid): return nameToHandle(p, label: label, fid: fid)
        case .openByHandle(let label): return openByHandle(label)
        case .fd(let f): return applyFd(f)
        case .parallel(let ops): return applyParallel(ops)
        case .exec(let p): return execFile(p)
        case .asCaller: return apply(op)
        }
    }

    mutating func statPath(_ path: RelPath, follow doFollow: Bool) -> Outcome {
        let result = doFollow ? follow(path) : lookup(path).map { (path, $0) }
        switch result {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            var view = statView(p, r)
            (view.ino, view.dev) = inodeNumbers(p, r)
            return .ok(.stat(view))
        }
    }

    /// What `stat` shows of a resolved object.
    /// - Rule: R23 (metadata from the topmost layer), R24 (a merged directory has st_nlink 1).
    func statView(_ path: RelPath, _ r: Resolution) -> StatView {
        let n = r.node
        var nlink: UInt64 = 1
        if n.kind.isDir {
            if r.isMergedDir {
                nlink = 1
            } else if r.inUpper, let u = upper {
                nlink = UInt64(2 + u.subdirCount(of: path))
            } else if let (layer, lp) = r.lowers.first {
                nlink = UInt64(2 + lowers[layer].subdirCount(of: lp))
            }
        } else {
            nlink = UInt64(fileNlink(path, r))
        }
        return StatView(type: n.kind.fileType, perm: n.perm, uid: n.uid, gid: n.gid, size: n.size,
                        nlink: nlink, mtime: n.mtime, blocks: predictedBlocks(r))
    }

    mutating func readFile(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            if let e = dataRefusal(r) { return .failed(e) }
            switch r.node.kind {
            case .file(let data): return .ok(.text(data))
            case .dir: return .failed(.EISDIR)
            // The guest opens with O_NONBLOCK: a fifo without writers reads as empty, one that an
            // fd holds open for writing is EAGAIN (fs/pipe.c:pipe_read).
            case .fifo: return fifoFds(p, writing: true) > 0 ? .failed(.EAGAIN) : .ok(.text(""))
            default: return .failed(.EINVAL)
            }
        }
    }

    /// `open(O_WRONLY|O_CREAT|O_TRUNC)` or `open(O_WRONLY|O_APPEND)` + write: copy-up (R38), then
    /// the data changes in the upper file.
    mutating func writeFile(_ path: RelPath, data: String, append: Bool) -> Outcome {
        switch followFinal(path) {
        case .failure(let e): return .failed(e)
        case .success((let p, nil)):
            // O_CREAT creates the file where a dangling symlink chain ends.
            if append { return .failed(.ENOENT) }
            return create(p, node: Node(kind: .file(data: data), mtime: nil))
        case .success((let p, let r?)):
            if r.node.kind == .fifo { return writeOnlyFifoOpen(p) }
            guard case .file(let old) = r.node.kind else { return .failed(r.node.kind.isDir ? .EISDIR : .EINVAL) }
            if let e = dataRefusal(r) { return .failed(e) }
            copyUp(p)
            noteDataWrite(p, truncatedToZero: !append)
            if append, let node = upper?[p], node.needsSparse(writing: Int64(data.utf8.count), at: node.size ?? 0),
               var content = node.content {
                content.write(Array(data.utf8), at: content.size)
                upper?[p]?.setContent(content)
            } else {
                upper?[p]?.kind = .file(data: append ? old + data : data)
                upper?[p]?.sparse = nil
                if !append { upper?[p]?.leadingHole = nil }
            }
            upper?[p]?.mtime = nil
            return .ok(.none)
        }
    }

    /// `open(O_RDWR)` + close: a regular file is copied up unchanged (R38).
    mutating func openRW(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            if r.node.kind.isDir { return .failed(.EISDIR) }
            if let e = dataRefusal(r) { return .failed(e) }
            if case .file = r.node.kind { copyUp(p) }
            return .ok(.none)
        }
    }

    /// `truncate(2)`: always copies data up (R38), then cuts or zero-extends.
    mutating func truncate(_ path: RelPath, size: Int64) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            guard case .file(let old) = r.node.kind else { return .failed(r.node.kind.isDir ? .EISDIR : .EINVAL) }
            if let e = dataRefusal(r) { return .failed(e) }
            copyUp(p)
            // Growing leaves the blocks as they are; cutting rewrites the last one.
            if size < (upper?[p]?.size ?? 0) || size == 0 { noteDataWrite(p, truncatedToZero: size == 0) }
            if let node = upper?[p], node.needsSparse(at: size), var content = node.content {
                content.truncate(to: size)
                upper?[p]?.setContent(content)
                upper?[p]?.mtime = nil
                return .ok(.none)
            }
            var bytes = Array(old.utf8)
            if Int64(bytes.count) > size { bytes = Array(bytes.prefix(Int(size))) }
            while Int64(bytes.count) < size { bytes.append(0) }
            upper?[p]?.kind = .file(data: String(decoding: bytes, as: UTF8.self))
            let hole = upper?[p]?.leadingHole
            upper?[p]?.leadingHole = hole.map { min($0, size) }
            upper?[p]?.mtime = nil
            return .ok(.none)
        }
    }

    /// getdents64 of a directory: the merged set of names and d_types (R25).
    mutating func readdir(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            guard r.node.kind.isDir else { return .failed(.ENOTDIR) }
            var out: [String: DirentView] = [:]
            let native = !recalculatesUpperDino(p, of: r)
            let names: [String: FileType]
            switch listing(p, of: r) {
            case .success(let n): names = n
            case .failure(let e): return .failed(e)
            }
            var probe = self
            let children = probe.mergedChildren(p, of: r)
            // In name order: an upper object is numbered on first use (``upperRef(_:)``), so the
            // labels a report prints do not depend on a dictionary's order.
            for (name, type) in names.sorted(by: { $0.key < $1.key }) {
                let child = p.appending(name)
                if let w = listedWhiteout(name, in: p, of: r) {
                    // A whiteout an overlay lower lists (R30, R91): d_ino is its real ino as the inner
                    // overlay gives it (`ovl_cache_entry_new` keeps it as `real_ino`); with xino bits
                    // `readdir.c:ovl_iterate_real` remaps it with the layer's fsid, and
                    // `ovl_cache_update` with the fsid of the lower its lookup found (`ovl_layer_lower`).
                    let found = readsReal(p, r) ? w.layer : children[name]?.lowers.first?.layer ?? w.layer
                    out[name] = DirentView(type: type, ino: .real(lowerRef(w.layer, w.path), fsid: xinoBits > 0 ? fsid(ofLayer: found) : 0,
                                                                  xinoBits: xinoBits))
                } else if let c = children[name] {
                    out[name] = DirentView(type: type, ino: direntIno(child, c, nativeUpper: native && upper?[child] != nil))
                } else if upper?[child] != nil, case .failure(let e) = probe.lookup(child), e != .ENOENT {
                    // A name lookup refuses (R51, R81) is listed with the upper's real ino
                    // (`readdir.c:ovl_cache_update` keeps it on error).
                    out[name] = DirentView(type: type, ino: .real(upperRef(child), fsid: 0, xinoBits: 0))
                } else if upper?[child] == nil, let l = topmostLower(name, of: r), !isWhiteout(l.node) {
                    // A lower name whose lookup fails (R81) keeps its real ino.
                    out[name] = DirentView(type: type, ino: .real(lowerRef(l.layer, l.path), fsid: 0, xinoBits: 0))
                } else {
                    // A passed-through whiteout: no ino predicted.
                    out[name] = DirentView(type: type, ino: nil)
                }
            }
            return .ok(.dirents(out))
        }
    }

    mutating func readlink(_ path: RelPath) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r):
            guard case .symlink(let target) = r.node.kind else { return .failed(.EINVAL) }
            return .ok(.text(target))
        }
    }

    /// chmod, chown, utimes: any setattr copies up first (R38), then changes metadata only.
    /// ctime changes; mtime is kept unless set (R40).
    mutating func setattr(_ path: RelPath, follow doFollow: Bool, _ change: (inout Node) -> Void) -> Outcome {
        let result = doFollow ? follow(path) : lookup(path).map { (path, $0) }
        switch result {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            // Every copy-up first looks up and verifies the data (`ovl_copy_up_flags`).
            if let e = dataRefusal(r) { return .failed(e) }
            copyUp(p, metadataOnly: true)
            if var n = upper?[p] {
                change(&n)
                upper?[p] = n
            }
            return .ok(.none)
        }
    }
}

extension Operation {
    /// The name a step removes or replaces, if any (unlink, rmdir, the target of a plain rename).
    var removedName: RelPath? {
        switch self {
        case .unlink(let p), .rmdir(let p): p
        case .rename(_, let to, let flags) where !flags.contains(.exchange): to
        default: nil
        }
    }

    /// The object whose data or metadata a step changes in place, if any.
    var changedPath: RelPath? {
        switch self {
        case .write(let p, _), .append(let p, _), .truncate(let p, _), .openRW(let p), .chmod(let p, _),
             .chown(let p, _, _), .utimes(let p, _), .setxattr(let p, _, _), .removexattr(let p, _):
            p
        case .fd(.open(let p, let flags, _)) where Set(flags).copiesUp: p
        default: nil
        }
    }

    /// True for steps that change the file system (and so fail with EROFS without upper): the
    /// step table's entry, an `open` by its flags, a caller's step by its own.
    var modifies: Bool {
        switch self {
        case .fd(.open(_, let flags, _)): Set(flags).copiesUp || flags.contains(.creat)
        default: kind.modifies
        }
    }
}

extension Node {
    /// st_size as the model knows it (regular files and symlinks; nil for directories).
    var size: Int64? {
        switch kind {
        case .file(let data): metacopySize ?? sparse?.size ?? Int64(data.utf8.count)
        case .symlink(let target): Int64(target.utf8.count)
        case .dir: nil
        default: 0
        }
    }
}
