import CLibAttr
import Glibc

/// Extended attributes through libattr's `l*xattr` calls (never following a final symlink).
public enum Xattr {
    /// `lgetxattr(2)`: the raw value.
    public static func get(_ path: String, _ name: String) throws(SysError) -> [UInt8] {
        let size = try sys("lgetxattr", "\(path) \(name)") { lgetxattr(path, name, nil, 0) }
        var buf = [UInt8](repeating: 0, count: max(size, 1))
        let n = try sys("lgetxattr", "\(path) \(name)") { lgetxattr(path, name, &buf, buf.count) }
        return Array(buf[0..<n])
    }
    /// `lsetxattr(2)`.
    public static func set(_ path: String, _ name: String, _ value: [UInt8]) throws(SysError) {
        try sys("lsetxattr", "\(path) \(name)") { lsetxattr(path, name, value, value.count, 0) }
    }
    /// `lremovexattr(2)`.
    public static func remove(_ path: String, _ name: String) throws(SysError) {
        try sys("lremovexattr", "\(path) \(name)") { lremovexattr(path, name) }
    }
    /// `llistxattr(2)`: the names.
    public static func list(_ path: String) throws(SysError) -> [String] {
        let size = try sys("llistxattr", path) { llistxattr(path, nil, 0) }
        if size == 0 { return [] }
        var buf = [CChar](repeating: 0, count: size)
        let n = try sys("llistxattr", path) { llistxattr(path, &buf, buf.count) }
        return buf[0..<n].split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    /// A value as the suite prints it: text when every byte is printable ASCII (so an empty value
    /// is `""`, as a case writes it), else `0x…` hex.
    public static func render(_ value: [UInt8]) -> String {
        if value.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
            return String(decoding: value, as: UTF8.self)
        }
        return "0x" + value.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The bytes of a value written as ``render(_:)`` prints it: `0x…` hex whose bytes are not all
    /// printable (a binary value, e.g. an `X.metacopy` header) is those bytes; anything else is
    /// its UTF-8 text.
    public static func parse(_ rendered: String) -> [UInt8] {
        let digits = Array(rendered.utf8.dropFirst(2))
        guard rendered.hasPrefix("0x"), !digits.isEmpty, digits.count % 2 == 0 else { return Array(rendered.utf8) }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return Array(rendered.utf8) }
            bytes.append(byte)
        }
        return render(bytes) == rendered ? bytes : Array(rendered.utf8)
    }
}
