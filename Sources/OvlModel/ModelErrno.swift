/// A Linux errno value as the model predicts it (x86-64 numbering), printed by its C name.
///
/// The model has no Glibc, so the numbers live here; `OvlSys` maps its errno to this type and a
/// test checks the numbers against Glibc.
public struct ModelErrno: Error, RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// EPERM: operation not permitted.
    public static let EPERM = ModelErrno(rawValue: 1)
    /// ENOENT: no such file or directory.
    public static let ENOENT = ModelErrno(rawValue: 2)
    /// ENXIO: no such device or address (a fifo opened for writing without readers).
    public static let ENXIO = ModelErrno(rawValue: 6)
    /// EIO: input/output error.
    public static let EIO = ModelErrno(rawValue: 5)
    /// EBADF: bad file descriptor.
    public static let EBADF = ModelErrno(rawValue: 9)
    /// EAGAIN: try again (a non-blocking read of an empty fifo that has a writer).
    public static let EAGAIN = ModelErrno(rawValue: 11)
    /// EACCES: permission denied.
    public static let EACCES = ModelErrno(rawValue: 13)
    /// EBUSY: device or resource busy.
    public static let EBUSY = ModelErrno(rawValue: 16)
    /// ETXTBSY: text file busy (a running program opened for write).
    public static let ETXTBSY = ModelErrno(rawValue: 26)
    /// EEXIST: file exists.
    public static let EEXIST = ModelErrno(rawValue: 17)
    /// EXDEV: invalid cross-device link.
    public static let EXDEV = ModelErrno(rawValue: 18)
    /// ENODEV: no such device (mmap of a file without mmap support, e.g. a directory).
    public static let ENODEV = ModelErrno(rawValue: 19)
    /// ENOTDIR: not a directory.
    public static let ENOTDIR = ModelErrno(rawValue: 20)
    /// EISDIR: is a directory.
    public static let EISDIR = ModelErrno(rawValue: 21)
    /// EINVAL: invalid argument.
    public static let EINVAL = ModelErrno(rawValue: 22)
    /// ESPIPE: illegal seek (pread or lseek on a fifo).
    public static let ESPIPE = ModelErrno(rawValue: 29)
    /// EROFS: read-only file system.
    public static let EROFS = ModelErrno(rawValue: 30)
    /// ERANGE: result too large (an xattr value longer than the buffer).
    public static let ERANGE = ModelErrno(rawValue: 34)
    /// ENAMETOOLONG: file name too long.
    public static let ENAMETOOLONG = ModelErrno(rawValue: 36)
    /// ENOTEMPTY: directory not empty.
    public static let ENOTEMPTY = ModelErrno(rawValue: 39)
    /// ELOOP: too many levels of symbolic links (overlapping layers too).
    public static let ELOOP = ModelErrno(rawValue: 40)
    /// ENODATA: no data available (missing xattr).
    public static let ENODATA = ModelErrno(rawValue: 61)
    /// EOPNOTSUPP: operation not supported.
    public static let EOPNOTSUPP = ModelErrno(rawValue: 95)
    /// ESTALE: stale file handle.
    public static let ESTALE = ModelErrno(rawValue: 116)

    /// Every errno the model knows, by name.
    public static let all: [ModelErrno] = [
        .EPERM, .ENOENT, .ENXIO, .EIO, .EBADF, .EAGAIN, .EACCES, .EBUSY, .EEXIST, .EXDEV, .ENODEV, .ENOTDIR, .EISDIR, .EINVAL, .ESPIPE, .EROFS, .ETXTBSY,
        .ERANGE, .ENAMETOOLONG, .ENOTEMPTY, .ELOOP, .ENODATA, .EOPNOTSUPP, .ESTALE,
    ]
    private static let names: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 6: "ENXIO", 5: "EIO", 9: "EBADF", 11: "EAGAIN", 13: "EACCES", 16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV",
        20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 26: "ETXTBSY", 29: "ESPIPE", 30: "EROFS", 34: "ERANGE", 36: "ENAMETOOLONG", 39: "ENOTEMPTY",
        40: "ELOOP", 61: "ENODATA", 95: "EOPNOTSUPP", 116: "ESTALE",
    ]
    /// The C name, e.g. `ENOENT`, or `errno N` for one the model does not name.
    public var description: String { Self.names[rawValue] ?? "errno \(rawValue)" }
    /// Looks an errno up by its C name.
    public init?(name: String) {
        guard let hit = Self.names.first(where: { $0.value == name }) else { return nil }
        self.rawValue = hit.key
    }
}
