import CLinux
import Glibc

/// Calls on an fd that stays open across steps (the named fds of a case). Every call goes
/// through ``sys(_:_:_:)``.
public enum FileDescriptors {
    /// `open(2)`; the caller owns the returned fd.
    public static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(SysError) -> Int32 {
        try sys("open", path) { clinux_open(path, flags | O_CLOEXEC, mode) }
    }

    /// `read(2)` until end of file, from the fd's position.
    public static func readToEnd(_ fd: Int32) throws(SysError) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try sys("read") { buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }

    /// `pread(2)` of up to `size` bytes at `offset` (short only at end of file).
    public static func pread(_ fd: Int32, offset: Int64, size: Int) throws(SysError) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: size)
        while out.count < size {
            let done = out.count
            let n = try sys("pread") {
                buf.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, size - done, off_t(offset) + off_t(done)) }
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// `write(2)` of all of `data`.
    public static func write(_ fd: Int32, _ data: [UInt8]) throws(SysError) {
        // At least one call: write(fd, buf, 0) still checks the fd (EBADF on a read-only one).
        let buffer = data.isEmpty ? [0] : data
        var done = 0
        repeat {
            let n = try sys("write") {
                buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, data.count - done) }
            }
            done += n
        } while done < data.count
    }

    /// `fstat(2)`.
    public static func fstat(_ fd: Int32) throws(SysError) -> FileStat {
        var st = Glibc.stat()
        try sys("fstat") { Glibc.fstat(fd, &st) }
        return FileStat(st)
    }

    /// `lseek(2)`: the new offset.
    public static func lseek(_ fd: Int32, _ offset: Int64, whence: Int32) throws(SysError) -> Int64 {
        Int64(try sys("lseek") { Glibc.lseek(fd, off_t(offset), whence) })
    }

    /// `fsync(2)`.
    public static func fsync(_ fd: Int32) throws(SysError) {
        try sys("fsync") { Glibc.fsync(fd) }
    }

    /// `fchmod(2)`.
    public static func fchmod(_ fd: Int32, mode: UInt32) throws(SysError) {
        try sys("fchmod") { Glibc.fchmod(fd, mode_t(mode)) }
    }

    /// The first `size` bytes as a shared read-only mapping of the fd shows them.
    public static func mmapRead(_ fd: Int32, size: Int) throws(SysError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        try sys("mmap") { out.withUnsafeMutableBufferPointer { clinux_mmap_read(fd, size, $0.baseAddress) } }
        return out
    }

    /// `close(2)`.
    public static func close(_ fd: Int32) throws(SysError) {
        try sys("close") { Glibc.close(fd) }
    }
}
