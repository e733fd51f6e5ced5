import CLinux
import Glibc

/// A file handle as `name_to_handle_at(2)` returns it.
public struct RawFileHandle: Sendable, Equatable {
    public var type: Int32
    public var bytes: [UInt8]
    public init(type: Int32, bytes: [UInt8]) { self.type = type; self.bytes = bytes }
    /// No handle: `handle_bytes` 0, which `fs/fhandle.c:handle_to_path` refuses with EINVAL.
    public static let empty = RawFileHandle(type: 0, bytes: [])
}

extension Files {
    /// `name_to_handle_at(2)` (not following a final symlink); `fid` adds `AT_HANDLE_FID`.
    public static func nameToHandle(_ path: String, fid: Bool) throws(SysError) -> RawFileHandle {
        var buf = [UInt8](repeating: 0, count: 128)
        var len: UInt32 = 0
        var type: Int32 = 0
        try sys("name_to_handle_at", path) { clinux_name_to_handle(path, fid ? 1 : 0, &buf, 128, &len, &type) }
        return RawFileHandle(type: type, bytes: Array(buf[0..<Int(len)]))
    }

    /// `open_by_handle_at(2)` read-only on the mount at `mountPoint`, then `fstat(2)` of the fd.
    public static func statByHandle(_ handle: RawFileHandle, mountPoint: String) throws(SysError) -> FileStat {
        try withFD(mountPoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC) { mountFD throws(SysError) in
            let fd = try sys("open_by_handle_at", mountPoint) {
                clinux_open_by_handle(mountFD, handle.bytes, UInt32(handle.bytes.count), handle.type, O_RDONLY | O_CLOEXEC)
            }
            defer { close(fd) }
            var st = Glibc.stat()
            try sys("fstat", mountPoint) { clinux_fstat(fd, &st) }
            return FileStat(st)
        }
    }
}
