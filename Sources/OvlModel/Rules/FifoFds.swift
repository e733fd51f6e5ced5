extension OverlayModel {
    /// How many named fds hold the fifo at `path` (not a removed one) open for writing, or for
    /// reading when `writing` is false; an O_RDWR fd is both a reader and a writer of the pipe.
    /// The pipe belongs to the inode (`fs/fifo.c:fifo_open`, `inode->i_pipe`), so an fd on
    /// another name of the same overlay inode (lower hardlinks share one, R61) counts too.
    func fifoFds(_ path: RelPath, writing: Bool) -> Int {
        var probe = self
        let me = probe.lookup(path)
        return openFiles.values.filter { f in
            guard f.removed == nil, writing ? f.flags.writes : f.flags.reads else { return false }
            if f.path == path { return true }
            guard case .success(let a) = me, case .success(let b) = probe.lookup(f.path) else { return false }
            return probe.sameOverlayInode(a, b)
        }.count
    }

    /// A step's own O_NONBLOCK write-only open (`write`, `append`) of the fifo at `path`: ENXIO
    /// without a reader (`fs/fifo.c:fifo_open`); with an fd reading it the open succeeds and the
    /// bytes go into the pipe, which the model does not follow.
    mutating func writeOnlyFifoOpen(_ path: RelPath) -> Outcome {
        if fifoFds(path, writing: false) > 0 { unpredicted = unpredicted ?? "write to the fifo \(path), which an fd reads" }
        return .failed(.ENXIO)
    }

    /// A step on a named fd open on a fifo, or nil for any other fd. Overlayfs gives a fifo the
    /// pipe's own file operations (`inode.c:ovl_fill_inode` → `init_special_inode`), so no overlay
    /// code runs; every fd the guest opens is O_NONBLOCK.
    ///
    /// - A read of the empty pipe is EOF without a writer and EAGAIN with one (`fs/pipe.c:pipe_read`).
    /// - pread and lseek are ESPIPE (`fifo_open` → `stream_open` clears FMODE_PREAD and FMODE_LSEEK).
    /// - fsync is EINVAL (`fs/sync.c:vfs_fsync_range`: `pipefifo_fops` has no ->fsync).
    /// - A write puts bytes in the pipe, which the model does not follow.
    mutating func applyFifoFd(_ op: FdOperation, _ file: OpenFile) -> Outcome? {
        let kind: NodeKind?
        if let gone = file.removed {
            kind = gone.node.kind
        } else if case .success(let r) = lookup(file.path) {
            kind = r.node.kind
        } else {
            kind = nil
        }
        guard kind == .fifo else { return nil }
        switch op {
        case .read:
            guard file.flags.reads else { return .failed(.EBADF) }
            if file.removed != nil {
                unpredicted = unpredicted ?? "fd_read of the fifo \(file.path) after its name was removed"
                return .failed(.EAGAIN)
            }
            return fifoFds(file.path, writing: true) > 0 ? .failed(.EAGAIN) : .ok(.text(""))
        case .pread, .lseek: return .failed(.ESPIPE)
        case .fsync: return .failed(.EINVAL)
        case .write:
            guard file.flags.writes else { return .failed(.EBADF) }
            unpredicted = unpredicted ?? "fd_write to the fifo \(file.path): the pipe's contents are not modelled"
            return .ok(.none)
        default: return nil
        }
    }
}
