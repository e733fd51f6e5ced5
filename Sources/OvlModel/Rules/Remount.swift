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
    mutating func remountInPlace(options: String) -> Outcome {
        var wantReadOnly = false
        for token in options.split(separator: ",") {
            switch token {
            case "ro": wantReadOnly = true
            case "rw": wantReadOnly = false
            case "sync", "async", "dirsync", "lazytime", "nolazytime", "mand", "nomand", "posixacl", "silent":
                unpredicted = "superblock flag '\(token)' in mount_remount"
            default: break
            }
        }
        if !wantReadOnly && upper == nil { return .failed(.EROFS) }
        if wantReadOnly && !isReadOnly {
            var probe = self
            for file in openFiles.values {
                guard case .success(let r) = probe.lookup(file.path) else {
                    unpredicted = "an fd on a removed name at a remount to ro (s_remove_count)"
                    continue
                }
                // do_dentry_open takes write access to the mount for a regular file opened to write.
                if case .file = r.node.kind, file.flags.contains(.wronly) || file.flags.contains(.rdwr) {
                    return .failed(.EBUSY)
                }
            }
        }
        if upper != nil { remountedReadOnly = wantReadOnly }
        return .ok(.names(shownOptions))
    }

    /// True when no step may change the overlay: no upper (R5), or a remount made it read-only (R20).
    var isReadOnly: Bool { upper == nil || remountedReadOnly }
}
