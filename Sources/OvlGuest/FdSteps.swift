import OvlModel
import OvlSys
import Glibc

/// The real fds one job's steps hold open, by the name the case gave them.
final class FdTable {
    var byName: [String: Int32] = [:]
    /// Every name an `open` step of the job used, open or closed since.
    var known: Set<String> = []

    /// Closes every fd (at the end of a job and before an unmount, which an open fd would make EBUSY).
    func closeAll() {
        for fd in byName.values { try? FileDescriptors.close(fd) }
        byName = [:]
    }
}

extension StepExecutor {
    /// Runs one step on a named fd.
    /// A name that is closed (by `close`, a remount, a failed `open`) goes to the kernel as fd -1,
    /// which answers EBADF; a name no `open` step used is a harness fault.
    func performFd(_ op: FdOperation) throws -> Outcome {
        if case .open(let p, let flags, let name) = op {
            fds.known.insert(name)
            if let old = fds.byName.removeValue(forKey: name) { try FileDescriptors.close(old) }
            fds.byName[name] = try FileDescriptors.open(path(p), flags: Self.rawFlags(flags) | O_NONBLOCK)
            return .ok(.none)
        }
        guard fds.known.contains(op.fd) else { throw HarnessFault("\(op.name): no open step named an fd \(op.fd)") }
        let fd = fds.byName[op.fd] ?? -1
        switch op {
        case .open: return .failed(.EBADF)
        case .read: return .ok(.text(String(decoding: try FileDescriptors.readToEnd(fd), as: UTF8.self)))
        case .pread(_, let offset, let size):
            return .ok(.text(String(decoding: try FileDescriptors.pread(fd, offset: offset, size: Int(size)), as: UTF8.self)))
        case .write(_, let data): try FileDescriptors.write(fd, Array(data.utf8))
        case .fstat: return .ok(.stat(statView(try FileDescriptors.fstat(fd))))
        case .lseek(_, let offset, let whence):
            let raw: Int32 = switch whence {
            case .set: SEEK_SET
            case .data: 3  // SEEK_DATA (unistd.h, _GNU_SOURCE only)
            case .hole: 4  // SEEK_HOLE
            case .end: SEEK_END
            }
            return .ok(.number(try FileDescriptors.lseek(fd, offset, whence: raw)))
        case .fsync: try FileDescriptors.fsync(fd)
        case .fchmod(_, let mode): try FileDescriptors.fchmod(fd, mode: mode)
        case .mmapRead(_, let size):
            return .ok(.text(String(decoding: try FileDescriptors.mmapRead(fd, size: Int(size)), as: UTF8.self)))
        case .readdir:
            var names: [String: DirentView] = [:]
            for e in try Files.readdir(fd: fd) { names[e.name] = DirentView(type: FileType(direntType: e.type), ino: .number(e.ino)) }
            return .ok(.dirents(names))
        case .close:
            fds.byName[op.fd] = nil
            try FileDescriptors.close(fd)
        }
        return .ok(.none)
    }

    /// The `open(2)` flags of a case's flag list.
    static func rawFlags(_ flags: [OpenFlag]) -> Int32 {
        var raw: Int32 = 0
        for f in flags {
            switch f {
            case .rdonly: raw |= O_RDONLY
            case .wronly: raw |= O_WRONLY
            case .rdwr: raw |= O_RDWR
            case .append: raw |= O_APPEND
            case .trunc: raw |= O_TRUNC
            case .creat: raw |= O_CREAT
            }
        }
        return raw
    }
}
