import CLinux
import Glibc

/// Reads new kernel log lines from `/dev/kmsg` (a mount's reason for refusing is only there).
public final class KernelLog {
    private let fd: Int32

    /// Opens `/dev/kmsg` positioned at its end, so only later messages are read.
    public init() throws(SysError) {
        fd = try sys("open", "/dev/kmsg") { clinux_open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0) }
        lseek(fd, 0, SEEK_END)
    }
    deinit { close(fd) }

    /// Every message logged since the last call (text only, without the kmsg prefix).
    public func drain() -> [String] {
        var lines: [String] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if clinux_errno() == EPIPE { continue }  // overwritten records: skip ahead
                return lines
            }
            if n == 0 { return lines }
            let record = String(decoding: buf[0..<n], as: UTF8.self)
            guard let semi = record.firstIndex(of: ";") else { continue }
            let text = record[record.index(after: semi)...].split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
            lines.append(String(text))
        }
    }

    /// Writes a marker line into the kernel log (ties later log lines to a case).
    public func mark(_ text: String) {
        let w = clinux_open("/dev/kmsg", O_WRONLY | O_CLOEXEC, 0)
        guard w >= 0 else { return }
        defer { close(w) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(w, $0.baseAddress, $0.count) }
    }
}
