extension OverlayModel {
    /// `OVERLAYFS_SUPER_MAGIC`, the `f_type` of every overlay.
    static let superMagic = 0x794c7630

    /// `statfs(2)` of any object of the overlay.
    ///
    /// - Rule: R19: `f_type` is the overlay's magic and `f_namelen` the largest of every layer's
    ///   (`super.c:ovl_statfs`, `ofs->namelen`) — 255 on both ext4 and xfs. The counts come from
    ///   the upper fs and are not predicted.
    mutating func statfs(_ path: RelPath) -> Outcome {
        if case .failure(let e) = follow(path) { return .failed(e) }
        return .ok(.text("type=0x" + String(Self.superMagic, radix: 16) + " namelen=255"))
    }
}
