extension OverlayModel {
    /// `mount(2)` with `MS_REMOUNT` and an option string, the overlay staying mounted.
    ///
    /// - Rule: R20, `params.c:ovl_parse_param`: a reconfigure through the legacy API
    ///   (`fc->oldapi`) ignores every option, valid or not, and succeeds, so mountinfo shows the
    ///   options of the mount as before. `params.c:ovl_reconfigure` then refuses to make a mount
    ///   without an upper (`ovl_force_readonly`) writable: EROFS, as the step does not pass
    ///   `MS_RDONLY`.
    mutating func remountInPlace() -> Outcome {
        if upper == nil { return .failed(.EROFS) }
        return .ok(.names(shownOptions))
    }
}
