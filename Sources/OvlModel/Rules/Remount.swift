extension OverlayModel {
    /// `mount(2)` with `MS_REMOUNT` and an option string, the overlay staying mounted.
    ///
    /// - Rule: R20, `params.c:ovl_parse_param`: a reconfigure through the legacy API
    ///   (`fc->oldapi`) ignores every overlay option, valid or not, and succeeds, so mountinfo
    ///   shows the options of the mount as before. The VFS takes the superblock flags `ro` and
    ///   `rw` out of the string first (`fs/fs_context.c:vfs_parse_sb_flag`), and `do_remount`
    ///   always reconfigures `SB_RDONLY` (`fs_context_for_reconfigure(…, MS_RMT_MASK)`): without
    ///   `ro` the superblock is made writable. `params.c:ovl_reconfigure` refuses that for a mount
    ///   without an upper (`ovl_force_readonly`): EROFS. rw→ro: `fs/super.c:reconfigure_super`
    ///   first refuses while a file is open for writing or an unlinked inode is still in use
    ///   (`sb_prepare_remount_readonly`: EBUSY), then `ovl_reconfigure` syncs the upper fs
    ///   (unless volatile) and succeeds; every modifying step after it gives EROFS (R5/R84).
    ///   ro→rw with an upper succeeds.
    ///   Before 6.5 (``KernelChanges/newMountAPI``) overlay is a legacy fs_context fs:
    ///   `fs/fs_context.c:legacy_parse_monolithic` keeps the whole string for `super.c:ovl_remount`,
    ///   which ignores it, so `ro` in the string is never seen and the superblock is made writable.
    mutating func remountInPlace(options: String) -> Outcome {
        var wantReadOnly = false
        let parsed = environment.has(KernelChanges.newMountAPI) ? options.split(separator: ",") : []
        for token in parsed {
            switch token {
            case "ro": wantReadOnly = true
            case "rw": wantReadOnly = false
            case "sync", "async", "dirsync", "lazytime", "nolazytime", "mand", "nomand", "posixacl", "silent":
                unpredicted = "superblock flag '\(token)' in mount_remount"
            default: break
            }
        }
        // `fs/super.c:reconfigure_super` runs `shrink_dcache_sb` before the checks below and
        // `ovl_reconfigure`: the unused overlay inodes go with their dentries, as with drop_caches.
        dropDentryCache()
        if !wantReadOnly && upper == nil { return .failed(.EROFS) }
        if wantReadOnly && !isReadOnly, let busy = readOnlyRemountRefusal() { return .failed(busy) }
        if upper != nil { remountedReadOnly = wantReadOnly }
        return .ok(.names(shownOptions))
    }

    /// `fs/super.c:reconfigure_super` making a writable superblock read-only: it first refuses
    /// while a file is open for writing or an unlinked inode is still in use
    /// (`sb_prepare_remount_readonly`: EBUSY).
    mutating func readOnlyRemountRefusal() -> ModelErrno? {
        var probe = self
        for file in openFiles.values {
            guard case .success(let r) = probe.lookup(file.path) else {
                unpredicted = "an fd on a removed name at a remount to ro (s_remove_count)"
                continue
            }
            // do_dentry_open takes write access to the mount for a regular file opened to write.
            if case .file = r.node.kind, file.flags.contains(.wronly) || file.flags.contains(.rdwr) { return .EBUSY }
        }
        return nil
    }

    /// `fsconfig_reconfigure`: the new mount API's reconfigure of the mounted overlay.
    ///
    /// - Rule: R20. `fs/fsopen.c:fspick` makes a reconfigure context with no superblock flags
    ///   (`fs_context_for_reconfigure(…, 0, 0)`). Each `fsconfig` goes first to
    ///   `fs/fs_context.c:vfs_parse_sb_flag` (`ro`, `rw` and the other superblock flags: 0), and
    ///   any other key to `params.c:ovl_parse_param`, which refuses every overlay option on a
    ///   reconfigure through the new API: EINVAL, "No changes allowed in reconfigure" — the overlay
    ///   stays mounted as it was, with its old options, and later steps see it so.
    ///   `FSCONFIG_CMD_RECONFIGURE` runs `fs/super.c:reconfigure_super` (EBUSY making a writable
    ///   superblock read-only while a file is open for writing), then `params.c:ovl_reconfigure`,
    ///   which refuses a context without `SB_RDONLY` on a mount without an upper
    ///   (`ovl_force_readonly`): EROFS even when no flag was given, for `fspick` starts from none.
    ///   The superblock's read-only flag changes only when `ro` or `rw` was given. Before 6.5
    ///   (``KernelChanges/newMountAPI``) `fs/fs_context.c:legacy_parse_param` appends every other
    ///   key to the string `super.c:ovl_remount` ignores: 0 (EINVAL only for a value with a comma).
    mutating func reconfigure(_ params: [String]) -> Outcome {
        var results: [String] = []
        var readOnly = false
        var flagGiven = false
        for param in params {
            switch param {
            case "ro": (readOnly, flagGiven) = (true, true)
            case "rw": (readOnly, flagGiven) = (false, true)
            case "sync", "async", "dirsync", "lazytime", "nolazytime", "mand", "nomand", "silent":
                unpredicted = unpredicted ?? "superblock flag '\(param)' in fsconfig_reconfigure"
            case _ where !environment.has(KernelChanges.newMountAPI) && !param.contains(","):
                break
            default:
                results.append("\(ModelErrno.EINVAL)")
                return .ok(.names(Operation.reconfigureLines(params, results, reconfigure: nil) + shownOptions))
            }
            results.append("0")
        }
        var done = "0"
        if flagGiven, readOnly, !isReadOnly, let busy = readOnlyRemountRefusal() {
            done = "\(busy)"
        } else if !readOnly, upper == nil {
            done = "\(ModelErrno.EROFS)"
        } else if flagGiven, upper != nil {
            remountedReadOnly = readOnly
        }
        return .ok(.names(Operation.reconfigureLines(params, results, reconfigure: done) + shownOptions))
    }

    /// True when no step may change the overlay: no upper (R5), or a remount made it read-only (R20).
    var isReadOnly: Bool { upper == nil || remountedReadOnly }
}

extension Operation {
    /// The lines a `fsconfig_reconfigure` outcome starts with (the options mountinfo shows then
    /// follow): `<param>: <0 or errno>` for each `fsconfig` call made, then `reconfigure: <0 or
    /// errno>` when `FSCONFIG_CMD_RECONFIGURE` ran.
    public static func reconfigureLines(_ params: [String], _ results: [String], reconfigure: String?) -> [String] {
        zip(params, results).map { "\($0): \($1)" } + (reconfigure.map { ["reconfigure: \($0)"] } ?? [])
    }
}
