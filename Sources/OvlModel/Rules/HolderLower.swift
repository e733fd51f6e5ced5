extension MountSpec {
    /// How a holder overlay (``holder``) holds lower 0's folder for the job's `{h}`.
    public enum HeldLowerZero: Sendable, Equatable {
        /// `lowerdir={l0}:{sK}`: a read-only overlay of the folder over an empty spare folder.
        case readOnly
        /// `lowerdir={sA}`, `upperdir={l0}`, `workdir={sB}`: the folder is a writable overlay's
        /// upper over an empty spare folder (an outer container's root given to an inner one).
        case upper
    }

    /// How the holder holds lower 0 when it is one of the forms of ``HeldLowerZero`` and the job's
    /// last `lowerdir=` starts with `{h}`: the job's lower 0 is then lower 0 seen through an
    /// overlay, as with `layer_fs: {lower: overlay}` (``LayerFilesystem/Sealing/overlay``, R21,
    /// R92). Nil otherwise.
    ///
    /// The holder is mounted with the kernel's defaults besides its layers; its spare folders are
    /// distinct and no bind mounts (`{sK}` or `{sK:e}`). A read-only holder holds nothing in use
    /// (`super.c:ovl_inuse_trylock` is for upperdir and workdir); a writable one holds `{l0}` and
    /// its workdir, which the job never names (`{h}` is the holder's root, another dentry).
    public var heldLowerZero: HeldLowerZero? {
        guard let holder, let lowerdir = params?.last(where: { $0.hasPrefix("lowerdir=") })?.dropFirst("lowerdir=".count),
              ["{h}", "{h:e}"].contains(where: { lowerdir == $0 || lowerdir.hasPrefix($0 + ":") }) else { return nil }
        let free = spareNames.indices.filter { binds[$0] == nil }
        func spare(_ value: Substring) -> Int? { free.first { value == "{s\($0)}" || value == "{s\($0):e}" } }
        func isLowerZero(_ value: Substring) -> Bool { value == "{l0}" || value == "{l0:e}" }
        let values = holder.map { $0.split(separator: "=", maxSplits: 1) }
        guard values.allSatisfy({ $0.count == 2 }) else { return nil }
        switch values.map({ String($0[0]) }) {
        case ["lowerdir"]:
            let value = values[0][1]
            return ["{l0}", "{l0:e}"].contains { value.hasPrefix($0 + ":") && spare(value.dropFirst($0.count + 1)) != nil } ? .readOnly : nil
        case ["lowerdir", "upperdir", "workdir"]:
            guard let lower = spare(values[0][1]), let work = spare(values[2][1]), lower != work, isLowerZero(values[1][1]) else { return nil }
            return .upper
        default:
            return nil
        }
    }

    /// True when the holder holds lower 0 for the job's `{h}` (``heldLowerZero``).
    public var holdsLowerZero: Bool { heldLowerZero != nil }
}

extension OverlayModel {
    /// The filesystems with lower 0 on a holder overlay (``MountSpec/holdsLowerZero``): a
    /// superblock of its own over the configuration's lower fs (``LayerFilesystem/overlay(over:name:)``),
    /// the other lowers where they are; nil when `layer_fs:` already moved the lowers.
    ///
    /// A writable holder (``MountSpec/HeldLowerZero/upper``) is the same superblock as seen from
    /// the job: all its layers on one fs (samefs: its st_dev, real st_ino), no handles to decode
    /// without nfs_export (`util.c:ovl_can_decode_fh`), depth 1. Its `s_uuid` is the one it
    /// stores in `X.uuid` from 6.6 (`util.c:ovl_init_uuid_xattr`), null before; the job reads it
    /// only in `super.c:ovl_lower_uuid_ok`, whose fallbacks the missing handles took already
    /// (`ovl_lower_dir`), and for origins it cannot decode anyway.
    static func holderFilesystems(_ config: FSConfig, lowers: Int) -> FSConfig? {
        guard config.layers == nil, LayerFilesystem.named(config.lower).sealing == nil else { return nil }
        let held = LayerFilesystem.overlayName(over: config.lower)
        return FSConfig(lower: held, upper: config.upper, layers: [held] + Array(repeating: config.lower, count: max(lowers - 1, 0)))
    }

    /// Lower 0's folder as the guest dumps it after the job, when a holder holds it
    /// (``MountSpec/heldLowerZero``): the folder as built, plus what a writable holder's mount
    /// stores on its upper root — `X.uuid` (`trusted.overlay.`, the holder's own prefix) from 6.6,
    /// where uuid=auto (`params.c:ovl_uuid_def`) becomes on for a root without `X.impure`
    /// (`util.c:ovl_init_uuid_xattr`); 6.1's uuid=on stores nothing. Its `work/` goes to the
    /// holder's workdir, a spare folder. Neither the job (its lowers are read-only) nor the holder
    /// (it opens the real files `O_NOATIME`: `file.c:ovl_open_realfile`, `util.c:ovl_path_open`)
    /// changes the folder afterwards.
    static func heldFolder(_ folder: Layer, held: MountSpec.HeldLowerZero, environment: Environment) -> Layer {
        var out = folder
        if held == .upper, environment.has(KernelChanges.uuidModes) {
            out.root.xattrs[XattrPrefix.trusted[.uuid]] = XattrPattern.uuid
        }
        return out
    }

    /// Why the model cannot follow a holder of lower 0 mounted with the module's defaults: a
    /// writable holder with index=on or nfs_export=on by default (`super.c:ovl_fill_super` would
    /// store the lower root's origin on `{l0}` and make `index/`; nfs_export decodes handles).
    static func heldLowerZeroSurprise(_ held: MountSpec.HeldLowerZero, environment: Environment) -> String? {
        guard held == .upper, environment.defaults.index || environment.defaults.nfsExport else { return nil }
        return "a writable holder of lower 0 with index=on or nfs_export=on by the module's defaults (origin on lower 0's root, an index, decodable handles)"
    }
}
