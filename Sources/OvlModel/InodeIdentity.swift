/// Which real inode an overlay object takes its number from: a symbol, not a number.
///
/// The model cannot know the numbers the layer builder's files get; the guest records them
/// (``LayerInodes``, the layer dumps) and the checker resolves these symbols against them.
public enum InodeRef: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The real inode of lower layer `layer` at `path` (lower layers never change).
    case lower(layer: Int, path: RelPath)
    /// The real inode at `path` of lower layer `layer` after offline change number `version` made
    /// it anew (the guest records the layers' inode numbers again after each offline change).
    case replacedLower(layer: Int, path: RelPath, version: Int)
    /// The real upper inode the model numbers `serial` (``Node/inode``): it is found at the path
    /// the model's final upper layer holds it under, in the final dump of the upper layer.
    case upper(serial: Int)

    public var description: String {
        switch self {
        case .lower(let layer, let path): "lower\(layer):\(path)"
        case .replacedLower(let layer, let path, let version): "lower\(layer):\(path) (remade offline, change \(version))"
        case .upper(let serial): "upper#\(serial)"
        }
    }
}

/// An `st_ino` or `d_ino`: observed (a number) or predicted (a symbol the checker resolves).
public enum InoValue: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What the kernel returned.
    case number(UInt64)
    /// The real inode number of `ref`, with `fsid << (64 - xinoBits + 1)` or'ed in when
    /// `xinoBits` > 0 (R56, `inode.c:ovl_map_dev_ino`).
    case real(InodeRef, fsid: Int, xinoBits: Int)
    /// An overlay-allocated number from the per-mount counter (`inode.c:ovl_next_ino`, R55) the
    /// model knows exactly: the root directory's is 2 (`super.c:ovl_fill_super` starts the counter
    /// at 1 and `ovl_get_root` takes the first number), after every mount.
    case counter(UInt64)
    /// An overlay-allocated, non-persistent number (`inode.c:ovl_map_ino` → `ovl_next_ino`, R55)
    /// whose value depends on lookup order: within one mount `generation`, the same key means the
    /// same number and a different key a different number.
    case volatile(key: String, generation: Int)

    public var description: String {
        switch self {
        case .number(let n): "\(n)"
        case .real(let ref, let fsid, let bits):
            bits > 0 && fsid > 0 ? "ino of \(ref) | \(fsid)<<\(64 - bits + 1)" : "ino of \(ref)"
        case .counter(let n): "overlay counter ino \(n)"
        case .volatile(let key, let g): "non-persistent ino of \(key) (mount \(g))"
        }
    }
}

/// An `st_dev`: observed (a number) or predicted (a symbol).
public enum DevValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case number(UInt64)
    /// The overlay's own anonymous device (`stat(mountpoint).st_dev`) of mount `generation`.
    case overlay(generation: Int)
    /// The anonymous pseudo device overlayfs allocates per underlying fs at mount
    /// (`super.c:ovl_get_fsid`, R55): neither the overlay's nor any real fs's device.
    case pseudo(fsid: Int, generation: Int)

    public var description: String {
        switch self {
        case .number(let n): "\(n)"
        case .overlay(let g): "overlay dev (mount \(g))"
        case .pseudo(let fsid, let g): "pseudo dev of fsid \(fsid) (mount \(g))"
        }
    }
}

/// The real inode numbers of every object of every layer right after the layer builder made
/// them, and the real devices of the layer filesystems; recorded by the guest before the mount.
public struct LayerInodes: Codable, Sendable, Equatable {
    /// Per lower layer (top first): path → st_ino.
    public var lowers: [[RelPath: UInt64]]
    /// The upper layer before the mount; nil without upper.
    public var upper: [RelPath: UInt64]?
    /// st_dev of each lower layer root, and of the upper root.
    public var lowerDevs: [UInt64]
    public var upperDev: UInt64?
    /// Per lower layer: path → st_blocks (R78: a metacopy file reports its lower data file's).
    public var lowerBlocks: [[RelPath: UInt64]]?

    public init(lowers: [[RelPath: UInt64]], upper: [RelPath: UInt64]?, lowerDevs: [UInt64], upperDev: UInt64?,
                lowerBlocks: [[RelPath: UInt64]]? = nil) {
        self.lowers = lowers; self.upper = upper; self.lowerDevs = lowerDevs; self.upperDev = upperDev
        self.lowerBlocks = lowerBlocks
    }
}

// Observed numbers are most of what the guest writes (an st_ino and an st_dev for every object it
// dumps), so they are coded as bare JSON numbers; the model's symbols keep a keyed form.

extension InoValue {
    private enum Symbol: Codable {
        case real(InodeRef, fsid: Int, xinoBits: Int)
        case counter(UInt64)
        case volatile(key: String, generation: Int)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(UInt64.self) {
            self = .number(n)
            return
        }
        switch try c.decode(Symbol.self) {
        case .real(let ref, let fsid, let bits): self = .real(ref, fsid: fsid, xinoBits: bits)
        case .counter(let n): self = .counter(n)
        case .volatile(let key, let g): self = .volatile(key: key, generation: g)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .real(let ref, let fsid, let bits): try c.encode(Symbol.real(ref, fsid: fsid, xinoBits: bits))
        case .counter(let n): try c.encode(Symbol.counter(n))
        case .volatile(let key, let g): try c.encode(Symbol.volatile(key: key, generation: g))
        }
    }
}

extension DevValue {
    private enum Symbol: Codable {
        case overlay(generation: Int)
        case pseudo(fsid: Int, generation: Int)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(UInt64.self) {
            self = .number(n)
            return
        }
        switch try c.decode(Symbol.self) {
        case .overlay(let g): self = .overlay(generation: g)
        case .pseudo(let fsid, let g): self = .pseudo(fsid: fsid, generation: g)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .overlay(let g): try c.encode(Symbol.overlay(generation: g))
        case .pseudo(let fsid, let g): try c.encode(Symbol.pseudo(fsid: fsid, generation: g))
        }
    }
}
