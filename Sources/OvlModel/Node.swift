/// What one layer holds at one path.
public enum NodeKind: Codable, Sendable, Equatable {
    /// A regular file with its contents.
    case file(data: String)
    case dir
    case symlink(target: String)
    /// A character device 0:0 — the whiteout form overlayfs creates (R30, R33).
    case whiteout
    case fifo
    /// A character device other than 0:0.
    case chardev(major: UInt32, minor: UInt32)
    /// A block device.
    case blockdev(major: UInt32, minor: UInt32)

    /// The file type `lstat` reports for this node.
    public var fileType: FileType {
        switch self {
        case .file: .file
        case .dir: .dir
        case .symlink: .symlink
        case .whiteout, .chardev: .chardev
        case .fifo: .fifo
        case .blockdev: .blockdev
        }
    }
    /// True for directories.
    public var isDir: Bool { self == .dir }
}

/// One object in a layer: its kind and its metadata.
public struct Node: Codable, Sendable, Equatable {
    public var kind: NodeKind
    /// Permission bits (mode & 07777).
    public var perm: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Extended attributes, name → value (binary values as `0x…` hex).
    public var xattrs: [String: String]
    /// Modification time in seconds, or nil once it changed at a time the model does not know.
    public var mtime: Int64?
    /// The model's identity of the real inode (not its number): nodes of one layer with the same
    /// value are hard links of one inode. Lower hardlinks get one from the case; an upper node
    /// gets one when first needed (``InodeRef/upper(serial:)``).
    public var inode: Int?
    /// The lower object this upper object was copied up from, when the upper carries `X.origin`
    /// (R45) or is a merged directory: the source of its constant st_ino (R57).
    public var origin: InodeRef?
    /// A regular file whose first `leadingHole` bytes are a hole (never written; they read as
    /// zeros and are part of ``NodeKind/file(data:)``), nil for none. A multiple of 4096, so it
    /// is block aligned on ext4 and xfs and `SEEK_DATA` finds the data right after it.
    public var leadingHole: Int64?
    /// A regular file the layer builder copies byte for byte from this file of the machine (the
    /// guest sees the host root), e.g. a binary to execute; ``NodeKind/file(data:)`` holds its
    /// bytes decoded as UTF-8, as the state dump decodes them.
    public var hostFile: String?
    /// A regular file larger than ``SparseFile/threshold``: its contents (``NodeKind/file(data:)``
    /// then holds their ``SparseFile/rendering``, as a dump shows them), nil for smaller files.
    public var sparse: SparseFile?
    /// A regular file whose blocks a reflink clone shares with a lower file (R44); nil when it
    /// owns its blocks.
    public var extentSharing: ExtentSharing?
    /// A metacopy file showing the data of a lower data file of another size: its own i_size,
    /// which st_size shows and a data copy-up copies (R78, R79); nil when the sizes agree.
    public var metacopySize: Int64?

    public init(kind: NodeKind, perm: UInt32? = nil, uid: UInt32 = 0, gid: UInt32 = 0,
                xattrs: [String: String] = [:], mtime: Int64? = Node.layerMtime, inode: Int? = nil) {
        self.kind = kind
        self.perm = perm ?? Node.defaultPerm(for: kind)
        self.uid = uid
        self.gid = gid
        self.xattrs = xattrs
        self.mtime = mtime
        self.inode = inode
    }

    /// The mtime the layer builder gives every object a case does not date itself.
    public static let layerMtime: Int64 = 1_500_000_000

    /// Default permissions for an object a case creates without a mode.
    public static func defaultPerm(for kind: NodeKind) -> UInt32 {
        switch kind {
        case .dir: 0o755
        case .symlink: 0o777
        case .whiteout: 0
        default: 0o644
        }
    }
}
