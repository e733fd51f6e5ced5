/// The shape of an `ovl_fb` file handle as overlay stores it in `X.origin`, `X.upper` and index
/// entry names (R45, R62; `overlayfs.h:struct ovl_fb`).
public enum FileHandleShape {
    /// `sizeof(struct ovl_fb)`: version, magic, len, flags, type and the 16-byte uuid.
    static let headerSize = 21
    /// `OVL_FH_MAGIC`.
    static let magic: UInt8 = 0xfb

    /// The bytes of an xattr value as the suite renders it (`0x…` hex, or the text itself);
    /// nil for the model's placeholder `<fh>`, which stands for a valid handle.
    static func bytes(ofRendered value: String) -> [UInt8]? {
        if value == XattrPattern.fileHandle { return nil }
        if value.hasPrefix("0x"), let hex = hexBytes(String(value.dropFirst(2))) { return hex }
        return Array(value.utf8)
    }

    /// Decodes lowercase or uppercase hex; nil for an odd length or a non-hex digit.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = hexValue(digits[i]), let lo = hexValue(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }

    /// Why `namei.c:ovl_check_fb_len` refuses these bytes with EINVAL, or nil when it does not
    /// (a newer version or unknown flags only mean "origin unknown", -ENODATA, and are fine).
    /// An empty value is overlay's "copied up, no handle" origin (R45) and is fine too.
    static func invalidReason(_ fb: [UInt8]) -> String? {
        if fb.isEmpty { return nil }
        if fb.count < headerSize { return "\(fb.count) bytes, shorter than an ovl_fb header (\(headerSize))" }
        if Int(fb[2]) > fb.count { return "len \(fb[2]) exceeds the \(fb.count) bytes stored" }
        if fb[1] != magic { return "magic 0x\(String(fb[1], radix: 16)), not 0xfb" }
        return nil
    }

    /// Why the rendered xattr value is not a valid origin, or nil when it is.
    public static func originProblem(_ rendered: String) -> String? {
        guard let fb = bytes(ofRendered: rendered) else { return nil }
        if rendered == "0x" { return nil }
        return invalidReason(fb)
    }
}
