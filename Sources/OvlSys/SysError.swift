import CLinux
import Glibc

/// A failed system call: the errno, the call's name and the path it was given.
public struct SysError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The raw errno value.
    public var errno: Int32
    /// The call that failed, e.g. `mkdir`.
    public var call: String
    /// The path the call was about, if any.
    public var path: String?

    public init(errno: Int32, call: String, path: String?) {
        self.errno = errno; self.call = call; self.path = path
    }

    /// `mkdir /mnt/x: EEXIST (File exists)`.
    public var description: String {
        let what = path.map { "\(call) \($0)" } ?? call
        return "\(what): \(SysError.name(errno)) (\(String(cString: strerror(errno))))"
    }

    /// The C name of an errno value (`ENOENT`), from the C library's own table.
    public static func name(_ errno: Int32) -> String {
        guard let cname = clinux_errname(errno) else { return "errno \(errno)" }
        return String(cString: cname)
    }
}
