/// A filesystem a layer can live on, with the features overlayfs probes on it at mount (R10, R12,
/// R28). The suite's four configurations use `ext4` and `xfs`; a case's `layer_fs:` may put its
/// upper or its lowers on one of the ``special`` filesystems instead.
public struct LayerFilesystem: Sendable, Equatable {
    /// The name a configuration and `layer_fs:` use; also the guest's mount point `/mnt/<name>`.
    public var name: String
    /// The kernel driver (`ext4` for `ext4-nodtype`): outcomes the filesystem itself decides
    /// (errnos, timestamps) follow the driver.
    public var driver: String
    /// getdents64 reports d_type (`readdir.c:ovl_check_d_type_supported`): false for an ext4
    /// made without the `filetype` feature (`ext4.h:get_dtype` gives DT_UNKNOWN).
    public var dType: Bool
    /// The fs stores `trusted.*`/`user.*` xattrs (`super.c:ovl_make_workdir` sets `X.opaque` on
    /// `work/` to find out): ramfs has no xattr handlers (EOPNOTSUPP).
    public var xattrs: Bool
    /// renameat2(RENAME_WHITEOUT) works (`super.c:ovl_check_rename_whiteout`): ramfs uses
    /// `libfs.c:simple_rename`, which refuses every flag but NOREPLACE and EXCHANGE (EINVAL).
    public var renameWhiteout: Bool
    /// `util.c:ovl_can_decode_fh`: the fs has export operations that decode file handles (ramfs
    /// has none).
    public var decodesHandles: Bool
    /// Its handles are `generic_encode_ino32_fh` (ext4): 32-bit inode numbers, so xino can use
    /// the high 32 bits (R56); otherwise `xino_mode` is computed from the fs count.
    public var ino32Handles: Bool
    /// The kernel change from which the fs encodes handles of its own, so ``ino32Handles`` holds
    /// only before it (erofs: ``KernelChanges/erofsOwnHandles``).
    public var ownHandlesSince: KernelChange?
    /// The fs has a null `s_uuid` (ramfs), which `super.c:ovl_lower_uuid_ok` distrusts for a
    /// lower when offline changes are forbidden.
    public var nullUUID: Bool
    /// The filesystem whose `s_uuid` this one was made with (`mkfs.ext4 -U`), or nil for a UUID
    /// of its own: two lowers on different filesystems with one UUID make `super.c:ovl_lower_uuid_ok`
    /// fail (R12).
    public var twinOf: String?
    /// Its files can have fs-verity (R82): the ext4 images are made with `-O verity`
    /// (vm/make-images.sh); xfs has no fs-verity in 6.12, ramfs none at all.
    public var verity = false
    /// How the guest makes a lower layer on this filesystem read-only once it has built it; nil for
    /// a filesystem that stays writable. Such a filesystem holds only lower layers.
    public var sealing: Sealing?
    /// `listxattr` on an image that stores no xattr at all is EOPNOTSUPP
    /// (`fs/squashfs/xattr.c:squashfs_listxattr`: mksquashfs wrote no xattr id table).
    public var listingNeedsXattrs = false
    /// A hardlinked symlink reads back with st_nlink 1: mksquashfs (squashfs-tools 4.5.1) stores
    /// nlink 1 in its one symlink inode, which `fs/squashfs/inode.c:squashfs_read_inode` takes as
    /// it is; overlayfs then treats it as a file with one name (no index, lower st_ino kept, R61).
    public var symlinkNlinkOne = false
    /// As an upper: a data copy-up within the fs clones the blocks (`copy_up.c:ovl_copy_up_file`
    /// → `vfs_clone_file_range`; xfs, whose mkfs makes `reflink=1`).
    public var reflinks = false
    /// As a lower: `FS_IOC_GETFLAGS` reports `FS_EXTENT_FL` (ext4), a flag …
    public var reportsExtentFlag = false
    /// … which this fs refuses in `FS_IOC_SETFLAGS` with EOPNOTSUPP (`xfs_fileattr_set`).
    public var refusesExtentFlag = false
    /// The errno of renaming a dir onto a non-empty dir of this fs: ENOTEMPTY, or EEXIST (`xfs_rename`).
    public var renameOntoNonEmptyDir = ModelErrno.ENOTEMPTY
    /// That refused rename with RENAME_WHITEOUT has already put the whiteout in and then resets
    /// the old entry, which sets the old parent's mtime (`ext4_resetent`); xfs refuses first.
    public var resetsEntryOnRefusedRename = true
    /// Exchanging a directory into another parent sets its mtime when '..' is rewritten
    /// (`xfs_cross_rename`); ext4 does not.
    public var stampsExchangedDir = true
    /// A short-form attr fork in the inode's literal area keeps small xattrs out of st_blocks (xfs).
    public var inlineXattrFork = false
    /// For a filesystem sealed one layer at a time (``Sealing/image(_:)``, ``Sealing/overlay``),
    /// the lower layer whose superblock this is: every sealed layer is a superblock of its own.
    public var image: Int?
    /// What tells one superblock from another: the name, and the layer for an image.
    public var identity: String { image.map { "\(name)#\($0)" } ?? name }
    /// A name for the fs's `s_uuid`: filesystems with equal names share their UUID, and every
    /// filesystem without one shares the null UUID (two squashfs images: `ovl_lower_uuid_ok`).
    public var uuid: String { nullUUID ? "null" : twinOf ?? identity }

    /// A read-only lower filesystem of the kind container image layers sit on.
    public enum Sealing: Sendable, Equatable {
        /// The whole filesystem is remounted read-only (`MS_RDONLY` on its superblock) until the job ends.
        case remountReadOnly
        /// The layer's folder is packed into an image, which is mounted read-only over the folder.
        case image(Packer)
        /// A read-only overlay of the folder over an empty folder (`lowerdir=<folder>:<empty>`, no
        /// upper: overlayfs wants two lowers then) is mounted over it: the job's overlay nests on
        /// one overlay per lower layer ("Nesting overlayfs" in
        /// `Documentation/filesystems/overlayfs.rst`; composefs does the same over erofs).
        case overlay

        /// Each layer gets a superblock of its own (an image, an overlay), not the filesystem's.
        public var perLayer: Bool {
            switch self {
            case .remountReadOnly: false
            case .image, .overlay: true
            }
        }
    }

    /// The program that packs a folder into an image.
    public enum Packer: Sendable, Equatable {
        /// erofs-utils; `--preserve-mtime` keeps each file's own mtime.
        case mkfsErofs
        /// squashfs-tools.
        case mksquashfs

        /// The command line that packs `folder` into a new `image`.
        public func arguments(folder: String, image: String) -> [String] {
            switch self {
            case .mkfsErofs: ["mkfs.erofs", "--quiet", "--preserve-mtime", image, folder]
            case .mksquashfs: ["mksquashfs", folder, image, "-noappend", "-quiet", "-no-progress"]
            }
        }
    }

    /// ext4, as the configurations' disk is made.
    static let ext4 = LayerFilesystem(name: "ext4", driver: "ext4", dType: true, xattrs: true, renameWhiteout: true,
                                      decodesHandles: true, ino32Handles: true, nullUUID: false, verity: true,
                                      reportsExtentFlag: true, stampsExchangedDir: false)

    /// xfs, as the configurations' disk is made (`mkfs.xfs` defaults: reflink=1).
    static let xfs = LayerFilesystem(name: "xfs", driver: "xfs", dType: true, xattrs: true, renameWhiteout: true,
                                     decodesHandles: true, ino32Handles: false, nullUUID: false, reflinks: true,
                                     refusesExtentFlag: true, renameOntoNonEmptyDir: .EEXIST, resetsEntryOnRefusedRename: false,
                                     inlineXattrFork: true)

    /// The filesystems a configuration or a case may name.
    public static let all: [LayerFilesystem] = [
        ext4,
        xfs,
        // fs/ramfs/inode.c: no xattr handlers, simple_rename, no s_export_op, ramfs_tmpfile.
        LayerFilesystem(name: "ramfs", driver: "ramfs", dType: true, xattrs: false, renameWhiteout: false,
                        decodesHandles: false, ino32Handles: false, nullUUID: true),
        // `mkfs.ext4 -O ^filetype` (vm/make-images.sh): everything ext4 has but d_type.
        LayerFilesystem(name: "ext4-nodtype", driver: "ext4", dType: false, xattrs: true, renameWhiteout: true,
                        decodesHandles: true, ino32Handles: true, nullUUID: false, reportsExtentFlag: true,
                        stampsExchangedDir: false),
        // A small ext4 made with the UUID of the ext4 disk (vm/make-images.sh, `mkfs.ext4 -U`).
        LayerFilesystem(name: "ext4-twin", driver: "ext4", dType: true, xattrs: true, renameWhiteout: true,
                        decodesHandles: true, ino32Handles: true, nullUUID: false, twinOf: "ext4", verity: true,
                        reportsExtentFlag: true, stampsExchangedDir: false),
        // Small filesystems of their own (vm/make-images.sh), read-only while the overlay is mounted.
        LayerFilesystem(name: "ext4-ro", driver: "ext4", dType: true, xattrs: true, renameWhiteout: true,
                        decodesHandles: true, ino32Handles: true, nullUUID: false, sealing: .remountReadOnly,
                        reportsExtentFlag: true, stampsExchangedDir: false),
        LayerFilesystem(name: "xfs-ro", driver: "xfs", dType: true, xattrs: true, renameWhiteout: true,
                        decodesHandles: true, ino32Handles: false, nullUUID: false, sealing: .remountReadOnly,
                        reflinks: true, refusesExtentFlag: true, renameOntoNonEmptyDir: .EEXIST,
                        resetsEntryOnRefusedRename: false, inlineXattrFork: true),
        // fs/erofs/super.c: erofs_export_ops, a UUID from mkfs.erofs (super_set_uuid).
        LayerFilesystem(name: "erofs", driver: "erofs", dType: true, xattrs: true, renameWhiteout: false,
                        decodesHandles: true, ino32Handles: true, ownHandlesSince: KernelChanges.erofsOwnHandles,
                        nullUUID: false, sealing: .image(.mkfsErofs)),
        // fs/squashfs/super.c: squashfs_export_ops (mksquashfs's export table) and no s_uuid.
        LayerFilesystem(name: "squashfs", driver: "squashfs", dType: true, xattrs: true, renameWhiteout: false,
                        decodesHandles: true, ino32Handles: true, nullUUID: true, sealing: .image(.mksquashfs),
                        listingNeedsXattrs: true, symlinkNlinkOne: true),
        // A read-only overlay of each lower folder over an empty one, the folders on the ext4 disk (vm/init binds
        // /mnt/ext4/.overlay on /mnt/overlay), so ext4's own answers (FS_EXTENT_FL in
        // FS_IOC_GETFLAGS: `inode.c:ovl_fileattr_get` asks the real inode) pass through. Seen from
        // the job's overlay: no handle decoding (`util.c:ovl_can_decode_fh`: the inner overlay's
        // `s_export_op` has no `fh_to_dentry` without nfs_export — `ovl_export_fid_operations`
        // from 6.6, none before), a null `s_uuid` (`super.c:ovl_fill_super` sets one only for an
        // overlay with an upper), d_type as ext4 gives it, no fs-verity (an overlay sb has no
        // `s_vop`), and `s_stack_depth` 1, so the job's overlay has depth 2 (R21).
        overlay(over: ext4, name: "overlay"),
        // The same over folders on the xfs disk (vm/init binds /mnt/xfs/.overlay on
        // /mnt/overlay-xfs): xfs's answers pass through instead (no FS_EXTENT_FL).
        overlay(over: xfs, name: overlayName(over: "xfs")),
    ]

    /// A read-only overlay of a folder on `base` (over an empty folder), seen as a lower: what
    /// ``all``'s `overlay` is over ext4, and a holder overlay (``MountSpec/holder``) over the
    /// configuration's ext4 or xfs. d_type and FS_EXTENT_FL are the base's (the inner overlay asks
    /// the real inode); handles, UUID and fs-verity are the overlay's own (none).
    static func overlay(over base: LayerFilesystem, name: String) -> LayerFilesystem {
        LayerFilesystem(name: name, driver: "overlay", dType: base.dType, xattrs: true, renameWhiteout: false,
                        decodesHandles: false, ino32Handles: false, nullUUID: true, sealing: .overlay,
                        reportsExtentFlag: base.reportsExtentFlag, stampsExchangedDir: false)
    }

    /// The name the model gives a holder overlay over a folder on `base` (``overlay(over:name:)``):
    /// `overlay` over ext4, `overlay-<base>` over another fs.
    public static func overlayName(over base: String) -> String { base == "ext4" ? "overlay" : "overlay-" + base }

    /// The filesystems `layer_fs:` may name (beyond the configurations' ext4 and xfs); the
    /// read-only ones (``sealing``) only for lowers.
    public static let special = ["ramfs", "ext4-nodtype"] + readOnly

    /// The filesystems `layer_fs: {lowers: […]}` may give a lower layer: the fully featured ones
    /// and the read-only ones (overlays too: the model asks each layer's own fs about file handles,
    /// d_type, xattrs and FS_EXTENT_FL, as `super.c:ovl_lower_dir` does, ``OverlayModel/lowerFilesystem(_:)``).
    public static let perLayer = ["ext4", "xfs", "ext4-twin", "ext4-nodtype"] + readOnly

    /// The read-only lower filesystems (``sealing``).
    public static var readOnly: [String] { all.filter { $0.sealing != nil }.map(\.name) }

    /// The filesystem called `name`; an unknown name is taken as a fully featured one.
    public static func named(_ name: String) -> LayerFilesystem {
        if let fs = all.first(where: { $0.name == name }) { return fs }
        if name.hasPrefix("overlay-") { return overlay(over: named(String(name.dropFirst("overlay-".count))), name: name) }
        return LayerFilesystem(name: name, driver: name, dType: true, xattrs: true, renameWhiteout: true,
                               decodesHandles: true, ino32Handles: false, nullUUID: false)
    }
}

/// A case's `layer_fs:`: the filesystem its upper (and work dir) or its lowers live on instead of
/// the configuration's.
public struct LayerFSOverride: Codable, Sendable, Hashable {
    /// The filesystem of every lower layer.
    public var lower: String?
    /// The filesystem of the upper and work dir.
    public var upper: String?
    /// The filesystem of each lower layer, top first (`lowers: [ext4, ext4-twin]`, R12); excludes ``lower``.
    public var lowers: [String]?
    public init(lower: String? = nil, upper: String? = nil, lowers: [String]? = nil) {
        self.lower = lower; self.upper = upper; self.lowers = lowers
    }

    /// `config` with this override applied.
    public func applied(to config: FSConfig) -> FSConfig {
        if let lowers, let first = lowers.first {
            return FSConfig(lower: first, upper: upper ?? config.upper, layers: lowers)
        }
        return FSConfig(lower: lower ?? config.lower, upper: upper ?? config.upper)
    }
}
