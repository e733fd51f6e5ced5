extension OverlayModel {
    /// A second mount of the same upper and work dirs while this overlay is mounted.
    ///
    /// - Rule: R9, `super.c:ovl_get_upper` and `ovl_get_workdir`: `ovl_inuse_trylock` fails on
    ///   the upper dir (and then the work dir) the live mount holds, and `ovl_report_in_use`
    ///   refuses the mount with EBUSY when index=on, or only warns with index=off. A read-only
    ///   overlay locks nothing, so a second one mounts.
    func mountAgain() -> Outcome {
        upper != nil && options.index ? .failed(.EBUSY) : .ok(.none)
    }
}

extension OverlayModel {
    /// A second mount of the same layers and options without `workdir=`.
    ///
    /// - Rule: R6, `super.c:ovl_fill_super`: an `upperdir` without `workdir` is EINVAL
    ///   ("missing 'workdir'"), checked before the upper is locked (R9); without an upper the
    ///   mount is read-only and needs no workdir.
    func mountWithoutWorkdir() -> Outcome {
        upper != nil ? .failed(.EINVAL) : .ok(.none)
    }
}
