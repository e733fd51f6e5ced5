import CLinux
import Glibc

/// The one place where a C call's failure becomes a ``SysError``: `-1` (or a negative count)
/// means failure, `errno` says why, and EINTR is retried.
/// - Parameters:
///   - call: the call's name, for the error.
///   - path: the path it is about, for the error.
///   - body: the call.
/// - Returns: the call's non-negative result.
@discardableResult
public func sys<T: BinaryInteger>(_ call: String, _ path: String? = nil, _ body: () -> T) throws(SysError) -> T {
    while true {
        let r = body()
        if r >= 0 { return r }
        let e = clinux_errno()
        if e == EINTR { continue }
        throw SysError(errno: e, call: call, path: path)
    }
}

/// Runs `body` with an fd opened by `open(path, flags, mode)`, closing it even when `body` throws.
public func withFD<R>(_ path: String, _ flags: Int32, mode: mode_t = 0, _ body: (Int32) throws(SysError) -> R) throws(SysError) -> R {
    let fd = try sys("open", path) { clinux_open(path, flags, mode) }
    defer { close(fd) }
    return try body(fd)
}
