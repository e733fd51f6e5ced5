extension OverlayModel {
    /// A step on an fd whose name a step removed (unlink, rmdir, the victim of a rename): the fd
    /// still holds its object — `file->f_path` keeps the unhashed overlay dentry, its inode and
    /// the real file — so reads, writes, lseek, mmap and fstat go to that object, never to what
    /// the name shows now. nil: the step is the same as on any fd (close, fsync, fchmod).
    ///
    /// - Rule: R72–R75 after the name is gone. A lower-only file still reads its lower data (a
    ///   whiteout only hides the name); a file opened for write was copied up at open, so it is an
    ///   unlinked upper inode whose writes only the fds see.
    mutating func applyOrphanFd(_ op: FdOperation, _ file: OpenFile) -> Outcome? {
        guard let gone = file.removed else { return nil }
        switch op {
        case .read, .pread, .write, .fstat, .lseek, .mmapRead, .readdir: break
        default: return nil
        }
        guard case .file(let data) = gone.node.kind, gone.node.sparse == nil else {
            unpredicted = unpredicted ?? "\(op.name) on an fd whose \(gone.node.kind.isDir ? "directory" : "object") \(file.path) was removed"
            return .failed(.EBADF)
        }
        if let links = file.removedStat?.nlink, links > 1 {
            unpredicted = unpredicted ?? "\(op.name) on an fd whose name \(file.path) was removed while the file had \(links) links"
            return .failed(.EBADF)
        }
        let bytes = Array(data.utf8)
        switch op {
        case .read(let fd):
            guard file.flags.reads else { return .failed(.EBADF) }
            return readToEnd(fd, file, bytes)
        case .pread(_, let offset, let size):
            guard file.flags.reads else { return .failed(.EBADF) }
            return Self.pread(bytes, offset: offset, size: size)
        case .write(let fd, let text):
            guard file.flags.writes, gone.inUpper || file.real == .upper else { return .failed(.EBADF) }
            let start = file.flags.contains(.append) ? bytes.count : Int(file.offset)
            let new = Array(text.utf8)
            let bytes = Self.overwrite(bytes, with: new, at: start)
            var object = gone
            object.node.kind = .file(data: String(decoding: bytes, as: UTF8.self))
            object.node.mtime = nil
            // Every fd on this object sees the write: they share the inode.
            for (other, f) in openFiles where f.removed == gone {
                openFiles[other]?.removed = object
                openFiles[other]?.removedStat?.size = Int64(bytes.count)
                openFiles[other]?.removedStat?.mtime = nil
                openFiles[other]?.removedStat?.blocks = nil
            }
            openFiles[fd]?.offset = Int64(start + new.count)
            return .ok(.none)
        case .fstat: return .ok(.stat(orphanStat(file)))
        case .lseek(let fd, let offset, let whence):
            return seekFile(fd, size: Int64(bytes.count), hole: gone.node.leadingHole ?? 0, offset: offset, whence: whence)
        case .mmapRead(_, let size):
            // R73: the real file chosen at open; an upper one is the removed inode itself.
            guard case .upper = file.real else { return nil }
            guard file.flags.reads else { return .failed(.EACCES) }
            var mapped = Array(bytes.prefix(Int(size)))
            while mapped.count < Int(size) { mapped.append(0) }
            return .ok(.text(String(decoding: mapped, as: UTF8.self)))
        default:
            // fd_readdir: getdents64 on a regular file.
            return .failed(.ENOTDIR)
        }
    }

    /// `fstat` of an fd whose name was removed: `inode.c:ovl_getattr` stats the real file of the
    /// dentry the fd holds, so st_ino and st_dev stay as they were (R54–R58), and st_nlink is the
    /// real file's: unchanged for a lower one (the whiteout is another inode), 0 for the unlinked
    /// upper inode (only for an upper without other names: ``applyOrphanFd(_:_:)`` does not
    /// predict a removed name of a file with more links).
    func orphanStat(_ file: OpenFile) -> StatView {
        guard let gone = file.removed, var view = file.removedStat else { return StatView(type: .file) }
        if gone.inUpper { view.nlink = 0 }
        return view
    }
}
