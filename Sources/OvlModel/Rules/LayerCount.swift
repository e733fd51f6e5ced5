extension OverlayModel {
    /// The layer stacks a mount refuses once the options are verified; nothing was written then.
    ///
    /// - Rule: R83: data-only layers need metacopy (`params.c:ovl_fs_params_verify`, after the
    ///   userxattr rules: EINVAL, "lower data-only dirs require metacopy support.") until
    ///   ``KernelChanges/dataOnlyWithoutMetacopy``. R5: a
    ///   read-only overlay (no upperdir) needs at least two lower layers, data-only layers counted
    ///   (`super.c:ovl_get_lowerstack`: `!upperdir && ctx->nr == 1` → EINVAL, "at least 2
    ///   lowerdir are needed while upperdir nonexistent"), `lowerCount` being the lowers the mount
    ///   gives (a `mount:` may give the case's lowers in other folders).
    func layerRefusal(_ verified: ResolvedOptions, lowerCount: Int) -> MountRefusal? {
        if dataLayerCount > 0, !verified.metacopy, !environment.has(KernelChanges.dataOnlyWithoutMetacopy) {
            return MountRefusal(errno: .EINVAL, message: "lower data-only dirs require metacopy support.")
        }
        if upper == nil, lowerCount == 1 {
            return MountRefusal(errno: .EINVAL, message: "at least 2 lowerdir are needed while upperdir nonexistent")
        }
        return nil
    }
}
