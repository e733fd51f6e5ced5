/// One open file of a case (a named fd): the overlay object it is open on, and the real file
/// overlayfs opened for it at `open` time (`file.c:ovl_open` keeps it in `file->private_data`).
struct OpenFile: Sendable, Equatable {
    /// Where the real file `open` chose lives.
    enum RealFile: Sendable, Equatable {
        case upper
        case lower(layer: Int, path: RelPath)
    }
    /// The overlay path of the object (the final component of the opened path, symlinks followed).
    var path: RelPath
    var flags: Set<OpenFlag>
    /// The file position; it lives in the overlay file, so it survives a copy-up (R72).
    var offset: Int64 = 0
    /// The real file opened at `open`: the one mmap maps (R73).
    var real: RealFile
    /// A directory fd: where getdents stands (``DirectoryPosition``, R26).
    var dir = DirectoryPosition()
    /// What the fd is open on, once a step removed its name (``fchmodFd(_:mode:)``): the object
    /// as it was then, with the writes made through fds since (``OrphanFile``).
    var removed: Resolution?
    /// `fstat` of the fd's object when its name was removed (``orphanStat(_:)``).
    var removedStat: StatView?
}

extension OverlayModel {
    /// Runs one step on a named fd.
    mutating func applyFd(_ op: FdOperation) -> Outcome {
        if case .open(let p, let flags, let fd) = op { return openFd(p, flags: Set(flags), fd: fd) }
        guard let file = openFiles[op.fd] else { return .failed(.EBADF) }
        if let outcome = applyFifoFd(op, file) { return outcome }
        if file.removed != nil, let outcome = applyOrphanFd(op, file) { return outcome }
        switch op {
        case .open: return .failed(.EBADF)
        case .close:
            openFiles[op.fd] = nil
            return .ok(.none)
        case .read(let fd):
            if case .success(let r) = lookup(file.path), r.node.sparse != nil {
                unpredicted = "fd_read of \(file.path), a file of \(r.node.size ?? 0) bytes: the guest would read it all"
                return .failed(.EINVAL)
            }
            guard case .success(let bytes) = fileBytes(file) else { return fileBytes(file).errorOutcome }
            return readToEnd(fd, file, bytes)
        case .pread(_, let offset, let size):
            if case .success(let r) = lookup(file.path), let sparse = r.node.sparse, file.flags.reads {
                return .ok(.text(String(decoding: sparse.read(at: offset, count: size), as: UTF8.self)))
            }
            guard case .success(let bytes) = fileBytes(file) else { return fileBytes(file).errorOutcome }
            return Self.pread(bytes, offset: offset, size: size)
        case .write(let fd, let data): return writeFd(fd, file, data: data)
        case .fstat:
            // R75: fstat is getattr of the overlay inode, so it equals stat of the path now.
            return statPath(file.path, follow: false)
        case .lseek(let fd, let offset, let whence): return lseekFd(fd, file, offset: offset, whence: whence)
        case .fsync:
            // R74, `file.c:ovl_fsync`: syncs the upper file, skips a lower one; 0 either way.
            return .ok(.none)
        case .mmapRead(_, let size): return mmapRead(file, size: size)
        case .readdir(let fd): return readdirFd(fd, file)
        case .fchmod(_, let mode): return fchmodFd(file, mode: mode)
        }
    }

    /// `open(2)`: `file.c:ovl_open` copies up for write access or O_TRUNC
    /// (`copy_up.c:ovl_maybe_copy_up`, R38), then opens the real file it finds then.
    mutating func openFd(_ path: RelPath, flags: Set<OpenFlag>, fd: String) -> Outcome {
        openFiles[fd] = nil
        switch followFinal(path) {
        case .failure(let e): return .failed(e)
        case .success((let p, nil)):
            guard flags.contains(.creat) else { return .failed(.ENOENT) }
            let made = create(p, node: Node(kind: .file(data: ""), mtime: nil))
            if case .failed = made { return made }
            openFiles[fd] = OpenFile(path: p, flags: flags, real: .upper)
            return .ok(.none)
        case .success((let p, let r?)):
            if let e = dataRefusal(r) { return .failed(e) }
            switch r.node.kind {
            case .dir:
                if flags.writes { return .failed(.EISDIR) }
            case .file:
                if flags.copiesUp {
                    copyUp(p)
                    if flags.contains(.trunc) {
                        upper?[p]?.kind = .file(data: "")
                        upper?[p]?.leadingHole = nil
                        upper?[p]?.sparse = nil
                        noteDataWrite(p, truncatedToZero: true)
                        upper?[p]?.mtime = nil
                    }
                }
            // The guest opens with O_NONBLOCK: writing to a fifo without readers is ENXIO
            // (`fs/fifo.c:fifo_open`; an fd open for reading is a reader); special files are never
            // copied up on open.
            case .fifo where flags.contains(.wronly) && fifoFds(p, writing: false) == 0: return .failed(.ENXIO)
            default: break
            }
            guard case .success(let now) = lookup(p) else { return .failed(.ENOENT) }
            // `file.c:ovl_open` opens the real *data* file: the lower one of a metacopy file (R78).
            let dataInUpper = now.inUpper && !(upper?[p].map(isMetacopy) ?? false)
            let real: OpenFile.RealFile = dataInUpper || now.lowers.isEmpty
                ? .upper : .lower(layer: now.lowers[now.lowers.count - 1].layer, path: now.lowers[now.lowers.count - 1].path)
            openFiles[fd] = OpenFile(path: p, flags: flags, real: real)
            return .ok(.none)
        }
    }

    /// The bytes a read through the fd sees now. R72: `file.c:ovl_real_fdget_meta` notices a
    /// copy-up since open and opens the new real file for the call, so reads follow the upper.
    mutating func fileBytes(_ file: OpenFile) -> Result<[UInt8], ModelErrno> {
        guard file.flags.reads else { return .failure(.EBADF) }
        switch lookup(file.path) {
        case .failure(let e): return .failure(e)
        case .success(let r):
            switch r.node.kind {
            case .file(let data): return .success(Array(data.utf8))
            case .dir: return .failure(.EISDIR)
            default: return .failure(.EINVAL)
            }
        }
    }

    /// `read(2)` of `bytes` from the fd's offset to the end; the offset moves to the end.
    mutating func readToEnd(_ fd: String, _ file: OpenFile, _ bytes: [UInt8]) -> Outcome {
        let start = min(Int(file.offset), bytes.count)
        openFiles[fd]?.offset = Int64(max(bytes.count, Int(file.offset)))
        return .ok(.text(String(decoding: bytes[start...], as: UTF8.self)))
    }

    /// `pread(2)` of `size` bytes of `bytes` at `offset` (fewer at the end); no offset moves.
    static func pread(_ bytes: [UInt8], offset: Int64, size: Int64) -> Outcome {
        let start = min(Int(offset), bytes.count)
        let end = min(start + Int(size), bytes.count)
        return .ok(.text(String(decoding: bytes[start..<end], as: UTF8.self)))
    }

    /// `bytes` with `new` written at `start`; a gap before it reads as zeros.
    static func overwrite(_ bytes: [UInt8], with new: [UInt8], at start: Int) -> [UInt8] {
        var out = bytes
        if out.count < start + new.count { out += [UInt8](repeating: 0, count: start + new.count - out.count) }
        out.replaceSubrange(start..<(start + new.count), with: new)
        return out
    }

    /// `write(2)` at the fd's offset, or at the end with O_APPEND; a hole up to the offset reads
    /// as zeros. The file was copied up at open.
    mutating func writeFd(_ fd: String, _ file: OpenFile, data: String) -> Outcome {
        guard file.flags.writes, case .file(let old)? = upper?[file.path]?.kind else { return .failed(.EBADF) }
        noteDataWrite(file.path, truncatedToZero: false)
        if let node = upper?[file.path], var content = node.content,
           node.needsSparse(writing: Int64(data.utf8.count), at: file.flags.contains(.append) ? content.size : file.offset) {
            let start = file.flags.contains(.append) ? content.size : file.offset
            content.write(Array(data.utf8), at: start)
            upper?[file.path]?.setContent(content)
            upper?[file.path]?.mtime = nil
            syncInode(from: file.path)
            openFiles[fd]?.offset = start + Int64(data.utf8.count)
            return .ok(.none)
        }
        let start = file.flags.contains(.append) ? old.utf8.count : Int(file.offset)
        let end = start + data.utf8.count
        let bytes = Self.overwrite(Array(old.utf8), with: Array(data.utf8), at: start)
        upper?[file.path]?.kind = .file(data: String(decoding: bytes, as: UTF8.self))
        // Writing into the leading hole allocates from the block written on (4 KiB blocks).
        if let hole = upper?[file.path]?.leadingHole, Int64(start) < hole {
            let block = Int64(start) / 4096 * 4096
            upper?[file.path]?.leadingHole = block > 0 ? block : nil
        }
        upper?[file.path]?.mtime = nil
        syncInode(from: file.path)
        openFiles[fd]?.offset = Int64(end)
        return .ok(.none)
    }

    /// `lseek(2)`: `file.c:ovl_llseek` seeks the real file of the moment (the lower data file of a
    /// metacopy file) with the overlay file's position. A file the model knows is a leading hole
    /// (``Node/leadingHole``), data, and the virtual hole at EOF. Copy-up keeps the hole
    /// (`copy_up.c:ovl_copy_up_file` clones, or skips holes with SEEK_DATA).
    mutating func lseekFd(_ fd: String, _ file: OpenFile, offset: Int64, whence: Whence) -> Outcome {
        let size: Int64
        let hole: Int64
        switch lookup(file.path) {
        case .failure(let e): return .failed(e)
        case .success(let r) where r.node.kind.isDir: return lseekDir(fd, file, r, offset: offset, whence: whence)
        case .success(let r) where r.node.sparse != nil && (whence == .data || whence == .hole):
            // A large sparse file: its data segments, block by block (R44).
            let sparse = r.node.sparse ?? SparseFile(size: 0)
            guard let at = whence == .data ? sparse.dataOffset(from: offset) : sparse.holeOffset(from: offset) else { return .failed(.ENXIO) }
            openFiles[fd]?.offset = at
            return .ok(.number(at))
        case .success(let r): (size, hole) = (r.node.size ?? 0, r.node.leadingHole ?? 0)
        }
        return seekFile(fd, size: size, hole: hole, offset: offset, whence: whence)
    }

    /// `lseek(2)` in a regular file of `size` bytes that starts with a `hole`-byte hole (then data
    /// to the end, and the virtual hole at EOF): moves the fd's offset.
    mutating func seekFile(_ fd: String, size: Int64, hole: Int64, offset: Int64, whence: Whence) -> Outcome {
        let result: Int64
        switch whence {
        case .set: result = offset
        case .end:
            guard size + offset >= 0 else { return .failed(.EINVAL) }
            result = size + offset
        case .data:
            guard max(offset, hole) < size else { return .failed(.ENXIO) }
            result = max(offset, hole)
        case .hole:
            guard offset < size else { return .failed(.ENXIO) }
            result = offset < hole ? offset : size
        }
        openFiles[fd]?.offset = result
        return .ok(.number(result))
    }

    /// `lseek(2)` on a directory fd.
    ///
    /// - Rule: R26, `readdir.c:ovl_dir_llseek`: a merged directory's offset is an ordinal in its
    ///   cached entry list, so only SEEK_SET (and SEEK_CUR) to an offset ≥ 0 works; SEEK_END,
    ///   SEEK_DATA and SEEK_HOLE are EINVAL. A directory `ovl_dir_open` reads straight from its
    ///   real layer (``readsReal(_:_:)``) is seeked by that filesystem (`vfs_llseek`), whose
    ///   directory offsets (ext4 htree hashes, xfs byte sizes) the model does not follow.
    mutating func lseekDir(_ fd: String, _ file: OpenFile, _ dir: Resolution, offset: Int64, whence: Whence) -> Outcome {
        if readsReal(file.path, dir), whence != .set {
            unpredicted = "fd_lseek \(whence.rawValue) on \(file.path), a directory overlayfs reads from its real layer: that filesystem decides"
            return .failed(.EINVAL)
        }
        guard whence == .set, offset >= 0 else { return .failed(.EINVAL) }
        openFiles[fd]?.offset = offset
        openFiles[fd]?.dir.seeked()
        return .ok(.number(offset))
    }

    /// `mmap` + copy of the first `size` bytes. R73: `file.c:ovl_mmap` maps the real file chosen
    /// at open (`file->private_data`), even after a copy-up; bytes past its end in the page are 0.
    func mmapRead(_ file: OpenFile, size: Int64) -> Outcome {
        guard file.flags.reads else { return .failed(.EACCES) }
        let node: Node?
        switch file.real {
        case .upper: node = upper?[file.path]
        case .lower(let layer, let path): node = lowers[layer][path]
        }
        guard case .file(let data)? = node?.kind else { return .failed(.ENODEV) }
        var bytes = node?.sparse.map { $0.read(at: 0, count: size) } ?? Array(Array(data.utf8).prefix(Int(size)))
        while bytes.count < Int(size) { bytes.append(0) }
        return .ok(.text(String(decoding: bytes, as: UTF8.self)))
    }
}

extension Result where Failure == ModelErrno {
    /// The failure as a step outcome (only called on a failure).
    var errorOutcome: Outcome {
        if case .failure(let e) = self { return .failed(e) }
        return .ok(.none)
    }
}

extension OverlayModel {
    /// `exec`: a regular file with an execute bit runs (`fs/exec.c:do_open_execat`; EACCES for
    /// anything else).
    mutating func execFile(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            guard case .file = r.node.kind, r.node.perm & 0o111 != 0 else { return .failed(.EACCES) }
            running.insert(p)
            return .ok(.none)
        }
    }

    /// R76 as the 6.12 module behaves: `fs/exec.c:do_open_execat` denies write access to the
    /// *overlay* inode it executes (`exe_file_deny_write_access`), so opening it for write or
    /// truncating it fails with ETXTBSY in `do_dentry_open`/`vfs_truncate` — before overlayfs
    /// could copy it up. (The semantics doc's R76 says the write goes to a new upper copy.)
    mutating func textBusy(_ op: Operation) -> ModelErrno? {
        guard !running.isEmpty else { return nil }
        let p: RelPath
        switch op {
        case .write(let x, _), .append(let x, _), .openRW(let x), .truncate(let x, _): p = x
        case .fd(.open(let x, let flags, _)) where Set(flags).writes: p = x
        default: return nil
        }
        guard case .success((let final, _?)) = followFinal(p), running.contains(final) else { return nil }
        return .ETXTBSY
    }
}
