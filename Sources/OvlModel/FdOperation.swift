/// Flags of `open(2)` a case can name.
public enum OpenFlag: String, Codable, Sendable, CaseIterable {
    case rdonly = "O_RDONLY"
    case wronly = "O_WRONLY"
    case rdwr = "O_RDWR"
    case append = "O_APPEND"
    case trunc = "O_TRUNC"
    case creat = "O_CREAT"
}

/// `whence` of `lseek(2)`.
public enum Whence: String, Codable, Sendable, CaseIterable {
    case set = "SEEK_SET"
    case data = "SEEK_DATA"
    case hole = "SEEK_HOLE"
    case end = "SEEK_END"
}

/// A step on a named file descriptor that stays open across steps (R72–R76): the open file, not
/// the path, is what the later steps use.
public enum FdOperation: Codable, Sendable, Equatable {
    /// `open(2)` of `path` with `flags` (mode 0644 with O_CREAT); the fd is kept under `fd`.
    case open(RelPath, flags: [OpenFlag], fd: String)
    /// `read(2)` from the fd's offset to the end of the file.
    case read(fd: String)
    /// `pread(2)` of `size` bytes at `offset` (the fd's offset does not move).
    case pread(fd: String, offset: Int64, size: Int64)
    /// `write(2)` at the fd's offset (at the end with O_APPEND).
    case write(fd: String, data: String)
    /// `fstat(2)`.
    case fstat(fd: String)
    /// `lseek(2)`: the resulting offset.
    case lseek(fd: String, offset: Int64, whence: Whence)
    /// `fsync(2)`.
    case fsync(fd: String)
    /// `fchmod(2)`: a setattr of the object the fd is open on, even after its name is gone.
    case fchmod(fd: String, mode: UInt32)
    /// `mmap(2)` of the first `size` bytes (PROT_READ, MAP_SHARED), copied out, then `munmap`.
    case mmapRead(fd: String, size: Int64)
    /// `close(2)`.
    case close(fd: String)
    /// `getdents64(2)` from the fd's offset to the end of the directory (R26): the names,
    /// compared as a set like `readdir`.
    case readdir(fd: String)

    /// The step's entry in the vocabulary.
    public var kind: StepKind {
        switch self {
        case .open: .open
        case .read: .fdRead
        case .pread: .fdPread
        case .write: .fdWrite
        case .fstat: .fdFstat
        case .lseek: .fdLseek
        case .fsync: .fdFsync
        case .fchmod: .fdFchmod
        case .mmapRead: .fdMmapRead
        case .close: .close
        case .readdir: .fdReaddir
        }
    }

    /// The syscall-style name used in case files and reports.
    public var name: String { kind.name }

    /// The name of the fd the step uses or opens.
    public var fd: String {
        switch self {
        case .open(_, _, let fd), .read(let fd), .pread(let fd, _, _), .write(let fd, _), .fstat(let fd),
             .lseek(let fd, _, _), .fsync(let fd), .fchmod(let fd, _), .mmapRead(let fd, _), .close(let fd), .readdir(let fd):
            fd
        }
    }
}

extension Set where Element == OpenFlag {
    /// The access mode asks for writing (`OPEN_FMODE(flags) & FMODE_WRITE`).
    public var writes: Bool { contains(.wronly) || contains(.rdwr) }
    /// The access mode allows reading.
    public var reads: Bool { !contains(.wronly) }
    /// The open needs a copy-up: `file.c:ovl_open` → `copy_up.c:ovl_open_need_copy_up`
    /// (write access or O_TRUNC).
    public var copiesUp: Bool { writes || contains(.trunc) }
}
