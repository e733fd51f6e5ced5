/// What the dump after a case shows of one object. Optional fields are ones not predicted.
public struct EntryView: Codable, Sendable, Equatable {
    public var type: FileType
    public var perm: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    /// Contents of a regular file.
    public var data: String?
    /// Target of a symlink.
    public var target: String?
    /// `major:minor` of a device node.
    public var rdev: String?
    public var nlink: UInt64?
    public var mtime: Int64?
    /// st_atime: recorded in the lower layers' dumps only (R75); nil = not predicted.
    public var atime: Int64?
    /// Extended attributes (all namespaces the dump reads); nil = not predicted.
    public var xattrs: [String: String]?
    /// The errno `stat` gave on this name (then `type` is the d_type its parent listed), or, for a
    /// directory, the errno reading its entries gave, or else the errno listing its xattrs gave
    /// (then `xattrs` is empty); nil when all worked.
    public var errno: ModelErrno?
    /// st_ino: a number in a dump, a symbol in a prediction (R54–R58); nil = not predicted.
    public var ino: InoValue?
    /// st_dev, likewise.
    public var dev: DevValue?
    /// st_blocks, likewise (R77, R78).
    public var blocks: BlocksValue?

    public init(type: FileType, perm: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil,
                data: String? = nil, target: String? = nil, rdev: String? = nil, nlink: UInt64? = nil,
                mtime: Int64? = nil, xattrs: [String: String]? = nil, errno: ModelErrno? = nil,
                ino: InoValue? = nil, dev: DevValue? = nil) {
        self.type = type; self.perm = perm; self.uid = uid; self.gid = gid; self.data = data
        self.target = target; self.rdev = rdev; self.nlink = nlink; self.mtime = mtime; self.xattrs = xattrs
        self.errno = errno; self.ino = ino; self.dev = dev
    }
}

/// The state of one tree (the merged view, the upper layer, a lower layer): every object by path.
/// The root is listed as `.`.
public typealias TreeView = [RelPath: EntryView]

/// Everything the state dump after a case records.
public struct Snapshot: Codable, Sendable, Equatable {
    /// The merged view, read through the overlay mount.
    public var merged: TreeView
    /// The upper layer as it is on disk (whiteouts, `trusted.overlay.*` xattrs); nil without upper.
    public var upper: TreeView?
    /// Names left in `workdir/work` (R43: a finished copy-up leaves none).
    public var work: [String]?
    /// The permission bits of `workdir/work` (R8: `super.c:ovl_workdir_create` leaves it 000);
    /// nil when there is none, or (in a prediction) when not predicted.
    public var workMode: UInt32?
    /// Every lower layer as it is on disk: the overlay must never change them.
    public var lowers: [TreeView]
    /// `workdir/index` by entry name (R62); nil when not dumped or not predicted. Predicted names
    /// are placeholders: an observed name is the lowercase hex of an `ovl_fb` (`00fb…`).
    public var index: [String: EntryView]?

    public init(merged: TreeView, upper: TreeView?, work: [String]?, workMode: UInt32? = nil, lowers: [TreeView],
                index: [String: EntryView]? = nil) {
        self.merged = merged; self.upper = upper; self.work = work; self.workMode = workMode; self.lowers = lowers
        self.index = index
    }
}

/// What mounting the overlay showed.
public struct MountObservation: Codable, Sendable, Equatable {
    /// nil when the mount succeeded.
    public var errno: ModelErrno?
    /// The overlay's options as `/proc/self/mountinfo` shows them, without the layer paths.
    public var options: [String]?
    /// `overlayfs:` lines the kernel logged during the mount.
    public var kernelLog: [String]
    /// For a case with `mount:`, the whole option field of mountinfo (`rw,lowerdir=…`, in the
    /// kernel's order and escapes), the job's folders written as ``MountGrammar/dirToken``.
    public var shown: String?
    /// For a case with `mount:`, where a refused mount failed: `fsconfig N` or `mount`.
    public var stage: String?

    public init(errno: ModelErrno?, options: [String]?, kernelLog: [String], shown: String? = nil, stage: String? = nil) {
        self.errno = errno; self.options = options; self.kernelLog = kernelLog; self.shown = shown; self.stage = stage
    }
}

/// Placeholders the model uses for xattr values it cannot know byte for byte.
public enum XattrPattern {
    /// An `ovl_fb` file handle (R45): observed values start with `0x00fb`.
    public static let fileHandle = "<fh>"
    /// A 16-byte UUID (R18).
    public static let uuid = "<uuid>"
    /// A temporary name in `workdir/work` (`#<hex>`, `util.c:ovl_lookup_temp`).
    public static let tempName = "<#tmp>"

    /// True when `observed` satisfies `expected`, which is a literal value or a placeholder.
    public static func matches(_ expected: String, _ observed: String) -> Bool {
        switch expected {
        case fileHandle: observed.hasPrefix("0x00fb")
        case uuid: observed.hasPrefix("0x") && observed.utf8.count == 34
        case tempName: observed.hasPrefix("#")
        // An empty value: a case writes it as "", the dump renders no bytes as `0x`.
        case "": observed == "" || observed == "0x"
        default: expected == observed
        }
    }
}
