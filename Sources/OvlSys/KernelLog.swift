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
            lines.append(Self.unescape(text))
        }
    }

    /// A record's text with `/dev/kmsg`'s `\xNN` escapes (of `\` and unprintable bytes,
    /// `printk.c:msg_add_ext_text`) turned back into their bytes, as `dmesg` shows them.
    static func unescape(_ text: Substring) -> String {
        var out: [UInt8] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count, b[i + 1] == UInt8(ascii: "x"),
               let v = UInt8(String(decoding: b[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
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
