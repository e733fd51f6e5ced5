/// The type of a file as `stat(2)` and `getdents64(2)` report it.
public enum FileType: String, Codable, Sendable, Hashable {
    case file, dir, symlink, fifo, chardev, blockdev, socket
    /// `DT_UNKNOWN`: getdents64 on a filesystem without d_type (R28); stat never reports it.
    case unknown
}
