/// The layer folders of the overlays mounted now, read from `/proc/self/mountinfo`: fsck.overlay
/// refuses to change a layer that belongs to one (its readers would see the layers change under
/// them) unless it only checks (`-n`).
public enum MountedLayers {
    /// The folders (lower, data, upper and work dirs) of every overlay mount in `mountinfo`,
    /// with mountinfo's octal escapes (`\040` for a space) undone.
    public static func folders(mountinfo: String) -> [[String]] {
        var out: [[String]] = []
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard let dash = fields.firstIndex(of: "-"), fields.count > dash + 3, fields[dash + 1] == "overlay" else { continue }
            var dirs: [String] = []
            for option in FsckOverlayCommandLine.splitEscaped(unescapeOctal(String(fields[dash + 3])), on: ",") {
                guard let eq = option.firstIndex(of: "=") else { continue }
                let key = option[..<eq], value = String(option[option.index(after: eq)...])
                switch key {
                case "lowerdir", "lowerdir+", "datadir+":
                    dirs += FsckOverlayCommandLine.splitEscaped(value, on: ":").map(FsckOverlayCommandLine.unescape)
                case "upperdir", "workdir": dirs.append(FsckOverlayCommandLine.unescape(value))
                default: break
                }
            }
            out.append(dirs)
        }
        return out
    }

    /// The first of `paths` (real paths) that is a folder of a mounted overlay, with that
    /// overlay's folders.
    public static func mounted(_ paths: [String], mountinfo: String) -> String? {
        let mounted = Set(folders(mountinfo: mountinfo).joined().map(normalized))
        return paths.first { mounted.contains(normalized($0)) }
    }

    static func normalized(_ p: String) -> String {
        var s = p
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// `\ooo` octal escapes (as `seq_escape` writes them) undone.
    static func unescapeOctal(_ s: String) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == 0x5c, i + 3 < u.count, u[(i + 1)...(i + 3)].allSatisfy({ (0x30...0x37).contains($0) }) {
                let v = u[(i + 1)...(i + 3)].reduce(0) { $0 * 8 + Int($1 - 0x30) }
                if v < 256 { bytes.append(UInt8(v)); i += 4; continue }
            }
            bytes.append(u[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
