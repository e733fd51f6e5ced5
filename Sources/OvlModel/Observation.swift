/// What `stat(2)` shows of one object. Optional fields are ones the model does not predict.
public struct StatView: Codable, Sendable, Equatable {
    public var type: FileType
    public var perm: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    public var size: Int64?
    public var nlink: UInt64?
    public var mtime: Int64?
    /// st_ino: a number when observed, a symbol when predicted (R54–R58).
    public var ino: InoValue?
    /// st_dev: a number when observed, a symbol when predicted.
    public var dev: DevValue?
    /// st_blocks: a number when observed, a number or a symbol when predicted (R77, R78).
    public var blocks: BlocksValue?

    public init(type: FileType, perm: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil,
                size: Int64? = nil, nlink: UInt64? = nil, mtime: Int64? = nil,
                ino: InoValue? = nil, dev: DevValue? = nil, blocks: BlocksValue? = nil) {
        self.type = type; self.perm = perm; self.uid = uid; self.gid = gid
        self.size = size; self.nlink = nlink; self.mtime = mtime; self.ino = ino; self.dev = dev
        self.blocks = blocks
    }
}

/// The value a successful step returns.
public enum StepValue: Codable, Sendable, Equatable {
    case none
    /// File contents or a symlink target or an xattr value.
    case text(String)
    case stat(StatView)
    /// A set of names (listxattr).
    case names([String])
    /// A file handle (`name_to_handle_at`).
    case handle(HandleView)
    /// A directory listing: name → d_type and d_ino (a set: order is not promised, R25; R59).
    case dirents([String: DirentView])
    /// A number (the offset `lseek` returns).
    case number(Int64)
    /// The outcomes of a `parallel` block, one per step: predicted as every vector some order of
    /// the steps gives, observed as the one vector the kernel gave.
    case alternatives([[Outcome]])
}

/// What a file handle shows: its type and, for an overlay handle (`ovl_fb` magic `0xfb`), whether
/// it encodes the upper or a lower real inode (`OVL_FH_FLAG_PATH_UPPER`, R66).
public struct HandleView: Codable, Sendable, Equatable, CustomStringConvertible {
    public var type: Int32
    /// nil for a handle that is not an `ovl_fb`.
    public var upper: Bool?
    public init(type: Int32, upper: Bool?) { self.type = type; self.upper = upper }
    public var description: String {
        "handle 0x" + String(type, radix: 16) + (upper.map { $0 ? " U" : " L" } ?? "")
    }
}

/// One entry of a listing: its d_type and d_ino.
public struct DirentView: Codable, Sendable, Equatable, CustomStringConvertible {
    public var type: FileType
    /// A number when observed; a symbol when predicted; nil when not predicted.
    public var ino: InoValue?
    public init(type: FileType, ino: InoValue?) { self.type = type; self.ino = ino }
    public var description: String { type.rawValue + (ino.map { " ino=\($0)" } ?? "") }
}

/// The result of one step: a value, or the errno it failed with.
public enum Outcome: Codable, Sendable, Equatable, CustomStringConvertible {
    case ok(StepValue)
    case failed(ModelErrno)

    public var description: String {
        switch self {
        case .failed(let e): e.description
        case .ok(.none): "0"
        case .ok(.text(let t)): "0 \(quoted(t))"
        case .ok(.stat(let s)): "0 \(s.summary)"
        case .ok(.names(let n)): "0 [" + n.sorted().joined(separator: " ") + "]"
        case .ok(.handle(let h)): "0 \(h)"
        case .ok(.number(let n)): "0 \(n)"
        case .ok(.alternatives(let a)):
            a.map { "(" + $0.map(\.description).joined(separator: "; ") + ")" }.joined(separator: " or ")
        case .ok(.dirents(let e)):
            "0 {" + e.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Quotes a string for a report, showing a newline as `\n`.
func quoted(_ s: String) -> String {
    "\"" + s.map { $0 == "\n" ? "\\n" : String($0) }.joined() + "\""
}

extension StatView {
    /// One-line rendering: `file 0644 0:0 size=5 nlink=1 mtime=…`; unpredicted fields are left out.
    public var summary: String {
        var parts = [type.rawValue]
        if let perm { parts.append("0" + String(perm, radix: 8)) }
        if let uid, let gid { parts.append("\(uid):\(gid)") }
        if let size { parts.append("size=\(size)") }
        if let nlink { parts.append("nlink=\(nlink)") }
        if let mtime { parts.append("mtime=\(mtime)") }
        if let ino { parts.append("ino=\(ino)") }
        if let dev { parts.append("dev=\(dev)") }
        if let blocks { parts.append("blocks=\(blocks)") }
        return parts.joined(separator: " ")
    }
}
