extension OverlayModel {
    /// Two read-only overlays stacked on this one (B over it, C over B).
    ///
    /// - Rule: R21, `super.c:ovl_get_lowerstack` / `ovl_fill_super`: an overlay's
    ///   `s_stack_depth` is one more than the deepest of its layers, and more than
    ///   `FILESYSTEM_MAX_STACK_DEPTH` (2) is EINVAL ("maximum fs stacking depth exceeded"). This
    ///   overlay has depth 1 (its layers are ext4/xfs), so B (depth 2) mounts and C (3) does not.
    func mountStacked() -> Outcome {
        .ok(.names(["0", "\(ModelErrno.EINVAL)"]))
    }
}
