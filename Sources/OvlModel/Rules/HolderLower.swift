extension MountSpec {
    /// True when the holder (``holder``) is a read-only overlay of lower 0 over one empty spare
    /// folder, `lowerdir={l0}:{sK}` and nothing else, and the job's last `lowerdir=` starts with
    /// `{h}`: the job's lower 0 is then lower 0 seen through an overlay, as with
    /// `layer_fs: {lower: overlay}` (``LayerFilesystem/Sealing/overlay``, R21, R92).
    ///
    /// The holder is mounted with the kernel's defaults besides its `lowerdir=`; without an
    /// upper it holds nothing in use (`super.c:ovl_inuse_trylock` is for upperdir and workdir).
    public var holdsLowerZero: Bool {
        guard let holder, holder.count == 1, let value = holder[0].split(separator: "=", maxSplits: 1).last,
              holder[0].hasPrefix("lowerdir=") else { return false }
        let spare = spareNames.indices.filter { binds[$0] == nil }.flatMap { ["{s\($0)}", "{s\($0):e}"] }
        guard ["{l0}", "{l0:e}"].contains(where: { l0 in spare.contains { value == l0 + ":" + $0 } }) else { return false }
        guard let lowerdir = params?.last(where: { $0.hasPrefix("lowerdir=") })?.dropFirst("lowerdir=".count) else { return false }
        return ["{h}", "{h:e}"].contains { lowerdir == $0 || lowerdir.hasPrefix($0 + ":") }
    }
}

extension OverlayModel {
    /// The filesystems with lower 0 on a holder overlay (``MountSpec/holdsLowerZero``): a
    /// superblock of its own over the configuration's lower fs (``LayerFilesystem/overlay(over:name:)``),
    /// the other lowers where they are; nil when `layer_fs:` already moved the lowers.
    static func holderFilesystems(_ config: FSConfig, lowers: Int) -> FSConfig? {
        guard config.layers == nil, LayerFilesystem.named(config.lower).sealing == nil else { return nil }
        let held = LayerFilesystem.overlayName(over: config.lower)
        return FSConfig(lower: held, upper: config.upper, layers: [held] + Array(repeating: config.lower, count: max(lowers - 1, 0)))
    }
}
