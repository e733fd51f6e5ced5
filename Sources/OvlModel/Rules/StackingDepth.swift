extension OverlayModel {
    /// Two read-only overlays stacked on this one (B over it, C over B).
    ///
    /// - Rule: R21, `super.c:ovl_get_lowerstack` / `ovl_fill_super`: an overlay's
    ///   `s_stack_depth` is one more than the deepest of its layers, and more than
    ///   `FILESYSTEM_MAX_STACK_DEPTH` (2) is EINVAL ("maximum fs stacking depth exceeded"). This
    ///   overlay has depth 1 when its layers are ext4/xfs, so B (depth 2) mounts and C (3) does
    ///   not; over overlay lowers (``LayerFilesystem/Sealing/overlay``) it has depth 2 and B is
    ///   refused already (C is not tried).
    func mountStacked() -> Outcome {
        .ok(.names(stackDepth > 1 ? ["\(ModelErrno.EINVAL)"] : ["0", "\(ModelErrno.EINVAL)"]))
    }

    /// This overlay's `s_stack_depth`: one more than its deepest layer's (an overlay lower's is 1).
    var stackDepth: Int {
        lowers.indices.contains { lowerFilesystem($0).sealing == .overlay } ? 2 : 1
    }
}
