/// What the job's first mount logged, in the two parts a second mount of the same layers repeats:
/// the lines before the layers are taken (the parameters' and `ovl_fs_params_verify`'s, or
/// `ovl_parse_opt`'s before 6.5), and every line of the mount.
struct SecondMountLog: Sendable {
    var beforeLayers: [String] = []
    var whole: [String] = []

    /// `super.c:ovl_report_in_use`: `name` (upperdir, workdir) is locked by another overlay; an
    /// error that refuses the mount with index=on, a warning without.
    static func inUse(_ name: String, refused: Bool) -> String {
        "overlayfs: \(name) is in-use as upperdir/workdir of another mount, "
            + (refused ? "mount with '-o index=off' to override exclusive upperdir protection."
                : "accessing files from both mounts will result in undefined behavior.")
    }
}

extension OverlayModel {
    /// A second mount of the same upper and work dirs while this overlay is mounted.
    ///
    /// - Rule: R9, `super.c:ovl_get_upper` and `ovl_get_workdir`: `ovl_inuse_trylock` fails on
    ///   the upper dir (and then the work dir) the live mount holds, and `ovl_report_in_use`
    ///   refuses the mount with EBUSY when index=on, or only warns with index=off. A read-only
    ///   overlay locks nothing, so a second one mounts.
    /// - Rule: R17: past the warnings, `ovl_make_workdir` → `ovl_workdir_create` empties the
    ///   live mount's `work/` and meets a volatile mount's `work/incompat/volatile`
    ///   (`readdir.c:ovl_workdir_cleanup_recurse`): EINVAL, nothing removed. The same on 6.1.192
    ///   and 6.12.118.
    func mountAgain() -> Outcome {
        guard upper != nil else { return .ok(.none) }
        if options.index { return .failed(.EBUSY) }
        return options.volatile ? .failed(.EINVAL) : .ok(.none)
    }

    /// A second mount of the same layers and options without `workdir=`.
    ///
    /// - Rule: R6, `super.c:ovl_fill_super`: an `upperdir` without `workdir` is EINVAL
    ///   ("missing 'workdir'"), checked before the upper is locked (R9); without an upper the
    ///   mount is read-only and needs no workdir.
    func mountWithoutWorkdir() -> Outcome {
        upper != nil ? .failed(.EINVAL) : .ok(.none)
    }

    /// The kernel log lines of a second mount (`mount_again`, `mount_without_workdir`,
    /// `mount_stacked`, `remount`); nil for any other step.
    ///
    /// - Rule: R9, R6: the second mount parses and verifies as the first did, so it logs the
    ///   first mount's lines up to the layers; then `ovl_fill_super` logs "missing 'workdir'"
    ///   (no workdir), or `ovl_report_in_use` its line for the upper dir (`ovl_get_upper`, EBUSY
    ///   with index=on) or, only warning, for the upper and the work dir (`ovl_get_workdir`)
    ///   besides the rest of the first mount's lines — after a volatile mount only those two
    ///   warnings and `ovl_workdir_cleanup_recurse`'s "overlay with incompat feature 'volatile'
    ///   cannot be mounted" (``mountAgain()``).
    /// - Rule: R21, `super.c:ovl_get_lowerstack`: of the two read-only overlays `mount_stacked`
    ///   puts on this one, the first logs nothing (no upper: no index, uuid or file-handle
    ///   checks) and the second "maximum fs stacking depth exceeded". With the module's xino
    ///   default on auto the first may log its xino bits (`ovl_get_layers`): not predicted then.
    public func secondMountLog(_ op: Operation) -> [String]? {
        let log = firstMountLog
        switch op {
        case .mountStacked:
            return environment.defaults.xinoDefault == .off ? ["overlayfs: maximum fs stacking depth exceeded"] : nil
        case .remount:
            // The same layers and options log what the first mount did (`ovl_fill_super` again);
            // not predicted once a volatile mount (R17), an offline change or a stage changed them.
            return options.volatile || offlineChanges > 0 || formerUppers > 0 ? nil : log.whole
        case .mountWithoutWorkdir:
            return upper != nil ? log.beforeLayers + ["overlayfs: missing 'workdir'"] : log.whole
        case .mountAgain:
            guard upper != nil else { return log.whole }
            if options.index { return log.beforeLayers + [SecondMountLog.inUse("upperdir", refused: true)] }
            if options.volatile {
                return log.beforeLayers + ["upperdir", "workdir"].map { SecondMountLog.inUse($0, refused: false) }
                    + ["overlayfs: overlay with incompat feature 'volatile' cannot be mounted"]
            }
            return log.whole + ["upperdir", "workdir"].map { SecondMountLog.inUse($0, refused: false) }
        default:
            return nil
        }
    }
}
