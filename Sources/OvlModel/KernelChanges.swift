/// A change of overlayfs semantics between kernel versions that the model follows (section 13 of
/// the semantics doc, each entry checked against kernel sources or the kernel's own history).
public struct KernelChange: Sendable, Hashable {
    /// A short name, e.g. `tmpfile`.
    public var name: String
    /// The first mainline release with the change; nil when not known, in which case only the
    /// stable lines of ``backports`` have it (6.18.44 lacks the 6.12.117 fixes).
    public var mainline: KernelVersion?
    /// The first version of each stable line the change was backported to, e.g. 6.12.117.
    public var backports: [KernelVersion]
    /// The rules of the semantics doc whose predictions change.
    public var rules: [String]
    /// Where the change is seen: commit, kernel function, document.
    public var source: String
    /// What the kernel did before it.
    public var before: String
    /// The kernels a suite run checked this entry on, with or without the change; empty: taken from
    /// the kernel's history alone (kernel-versions.md), unconfirmed.
    public var confirmedOn: [KernelVersion] = []

    /// True when kernel `version` has the change.
    public func present(in version: KernelVersion) -> Bool {
        if let backport = backports.first(where: { $0.sameLine(as: version) }) { return version >= backport }
        guard let mainline else { return false }
        return version >= mainline
    }
}

/// The version table: every semantic difference between kernels the model knows about.
public enum KernelChanges {
    /// `open(dir, O_TMPFILE)` works on an overlay (R87): from 6.10, where `ovl_tmpfile` came in,
    /// not "6.6/6.7 (approx.)" as §13 of the semantics doc has it.
    public static let tmpfile = KernelChange(
        name: "tmpfile", mainline: KernelVersion(6, 10), backports: [], rules: ["R87"],
        source: "dir.c:ovl_tmpfile, 9a87907de359 \"ovl: implement tmpfile\" (pull tags/ovl-update-6.10: \"Add tmpfile support\")",
        before: "no i_op->tmpfile: namei.c:vfs_tmpfile gives EOPNOTSUPP and copies nothing up",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// The new mount API (`fsconfig` parses each key as it is set, R3).
    public static let newMountAPI = KernelChange(
        name: "new mount API", mainline: KernelVersion(6, 5), backports: [], rules: ["R3", "R20"],
        source: "params.c:ovl_parse_param, 1784fbc2ed9c \"ovl: port to new mount api\" (6.5)",
        before: "fs_context.c:legacy_parse_param keeps every key for mount(2) and returns 0; a reconfigure's keys "
            + "likewise (ovl_remount ignores them); a mount(2) MS_REMOUNT string goes whole to legacy_parse_monolithic, "
            + "so its `ro` is never parsed and the remount makes the superblock writable (seen on 6.1.192: mount/028, 029)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `lowerdir+` and `datadir+` (R3).
    public static let lowerdirAppend = KernelChange(
        name: "lowerdir+/datadir+", mainline: KernelVersion(6, 8), backports: [], rules: ["R3"],
        source: "params.c:ovl_parse_param_lowerdir; Documentation/filesystems/overlayfs.rst: \"Since kernel version v6.8\"",
        before: "fs_parse finds no such key: vfs_parse_fs_param's \"Unknown parameter\" EINVAL",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// Data-only lower layers after `::` (R83).
    public static let dataOnlyLayers = KernelChange(
        name: "data-only layers", mainline: KernelVersion(6, 5), backports: [], rules: ["R83"],
        source: "37ebf056d6cf \"ovl: introduce data-only lower layers\" (6.5)",
        before: "`::` splits into an empty layer: super.c:ovl_mount_dir_noesc logs \"empty lowerdir\", EINVAL",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `fsync=` mount option; `volatile` is its alias and mountinfo shows `fsync=volatile` (R17).
    public static let fsyncOption = KernelChange(
        name: "fsync=", mainline: KernelVersion(7, 0), backports: [KernelVersion(6, 12, 80), KernelVersion(6, 18, 21)], rules: ["R17"],
        source: "params.c:ovl_show_options, 1f6ee9be92f8 \"ovl: make fsync after metadata copy-up opt-in mount option\" "
            + "(pull ovl-fixes-7.0-rc6 with 53a7c171e9dd, Cc stable v6.12+; Debian's changelog lists it under ChangeLog-6.12.80; "
            + "6.18.21 from its 6.18-stable review of 2026-03-31, with 53a7c171e9dd)",
        before: "ovl_show_options shows `volatile`",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `ovl_get_nlink` reads `X.nlink` for every indexed non-directory (R63).
    /// Mainline and 6.18.y unknown (the upstream commit is not found here): 6.18.44 does not have it.
    public static let indexedNlink = KernelChange(
        name: "indexed nlink", mainline: nil, backports: [KernelVersion(6, 12, 117)], rules: ["R63"],
        source: "inode.c:ovl_get_nlink(…, indexed, …), \"ovl: read the nlink xattr of every indexed non-dir\" (ChangeLog-6.12.117); "
            + "seen: 6.12.113 fails exportfs/002 and 003 (nlink 2 after drop_caches), 6.12.117 passes",
        before: "a lower with one link makes ovl_get_nlink return the upper's nlink: an inode indexed by nfs_export=on "
            + "shows its index link once it is looked up again (after drop_caches or a remount)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 113), KernelVersion(6, 12, 117), KernelVersion(6, 18, 44)])

    /// Copy-up leaves out an empty `security.capability` instead of failing on it (R41, R79).
    /// Mainline and 6.18.y unknown (the upstream commit is not found here); 6.18.44 cannot tell:
    /// it refuses to store an empty capability (``emptyCapabilityRefused``).
    public static let emptyCapability = KernelChange(
        name: "empty security.capability", mainline: nil, backports: [KernelVersion(6, 12, 117)], rules: ["R41", "R79"],
        source: "copy_up.c:ovl_copy_xattr, ovl_copy_up_meta_inode_data (ovl_no_fscap), \"ovl: skip copy up of empty "
            + "security.capability\" (ChangeLog-6.12.117); seen: copyup/017 and metacopy/017 get EINVAL on 6.12.113, pass on 6.12.117",
        before: "reading an empty security.capability gives EINVAL (commoncap.c:cap_inode_getsecurity) and ovl_copy_xattr "
            + "passes it on: the copy-up of such a file fails with EINVAL (its parent already marked impure); so does the "
            + "data copy-up of a metacopy upper that carries one (ovl_getxattr_value took only ENODATA/EOPNOTSUPP for none)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 113), KernelVersion(6, 12, 117)])

    /// A copy-up made in `work/` no longer replaces what holds the name by then (R38).
    /// Mainline and 6.18.y unknown (the upstream commit is not found here): 6.18.44 does not have it.
    public static let removedCopyUp = KernelChange(
        name: "copy-up of a removed name", mainline: nil, backports: [KernelVersion(6, 12, 117)], rules: ["R38", "R43"],
        source: "copy_up.c:ovl_copy_up_workdir (\"The name may have been taken since lookup, never replace it\": EEXIST), "
            + "\"ovl: do not copy up a dentry that was removed\" (ChangeLog-6.12.117); seen with fd_fchmod on an fd of an "
            + "unlinked lower fifo and directory (copyup/018)",
        before: "ovl_do_rename(temp, upper, 0) replaced the name: fchmod of an fd on a removed lower fifo or device put it "
            + "back over its whiteout (back in the merged view), a removed directory got ENOTDIR",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 113), KernelVersion(6, 12, 117), KernelVersion(6, 18, 44)])

    // MARK: 6.13 → 7.0 (the 6.18 line)

    /// A refused metacopy or redirect fails the lookup with EPERM before the next lower is looked
    /// up, and after the last one (R51, R81).
    public static let consistentRedirectRejection = KernelChange(
        name: "consistent redirect/metacopy rejection", mainline: KernelVersion(6, 16), backports: [], rules: ["R51", "R81"],
        source: "namei.c:ovl_lookup, ovl_check_nextredirect; \"ovl: make redirect/metacopy rejection consistent\" "
            + "(Miklos Szeredi, v3 1/3 of 2025-04-08; pull tags/ovl-update-v2-6.16)",
        before: "EPERM only once a lower was found below a metacopy file or a redirect: an upper metacopy file with "
            + "nothing below was EIO (\"metacopy with no lower data found\"), a nofollow redirect to a missing target "
            + "left a pure upper dir, and ovl_fix_origin had already run on the lower found",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// Data-only layers without metacopy=on: a lower metacopy file's absolute redirect into them is
    /// followed whatever metacopy= and redirect_dir= say (R83).
    public static let dataOnlyWithoutMetacopy = KernelChange(
        name: "data-only layers without metacopy", mainline: KernelVersion(6, 16), backports: [], rules: ["R83"],
        source: "params.c:ovl_fs_params_verify, namei.c:ovl_lookup (check_redirect); \"ovl: relax redirect/metacopy "
            + "requirements for lower -> data redirect\" (v3 2/3 of 2025-04-08; pull tags/ovl-update-v2-6.16)",
        before: "EINVAL, \"lower data-only dirs require metacopy support.\"",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `verity=` no longer implies metacopy=on, nor conflicts with redirect_dir= or userxattr (R11, R82).
    public static let verityWithoutMetacopy = KernelChange(
        name: "verity without metacopy", mainline: KernelVersion(6, 16), backports: [], rules: ["R11", "R82"],
        source: "params.c:ovl_fs_params_verify; ovl: don't require \"metacopy=on\" for \"verity\" "
            + "(v3 3/3 of 2025-04-08; pull tags/ovl-update-v2-6.16)",
        before: "verity switches metacopy on (mountinfo `,metacopy=on`); `metacopy=off,verity=…`, `verity=…,redirect_dir=` "
            + "other than on, and `userxattr,verity=…` are EINVAL conflicts",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `setxattr` of an empty `security.capability` is EINVAL on every fs, the overlay included
    /// (R79). VFS, not overlayfs; the commit is not found here: 6.12.118 stores it, 6.18.44 does
    /// not — 6.18.44 is the first 6.18.y seen with it, not its first.
    public static let emptyCapabilityRefused = KernelChange(
        name: "empty security.capability refused", mainline: nil, backports: [KernelVersion(6, 18, 44)], rules: ["R79"],
        source: "fs/xattr.c:vfs_setxattr → security/commoncap.c:cap_convert_nscap (validheader refuses size 0); 6.12 "
            + "converts only `if (size && …XATTR_NAME_CAPS)`; seen: lsetxattr on ext4 and metacopy/017 step 1 give EINVAL on 6.18.44",
        before: "an empty value is stored unconverted (reading it back is EINVAL, ``emptyCapability``)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// encode_fh became mandatory, so `util.c:ovl_can_decode_fh`'s NULL test no longer tells a
    /// 32-bit inode fs (`generic_encode_ino32_fh`) apart: xino takes 2 upper inode bits (R56).
    public static let encodeFhMandatory = KernelChange(
        name: "encode_fh mandatory", mainline: KernelVersion(6, 7), backports: [], rules: ["R56"],
        source: "e21fc2038c1b \"exportfs: make ->encode_fh() a mandatory method for NFS export\" (6.7); super.c:ovl_get_layers "
            + "then logs \"xino\" feature enabled using 2 upper inode bits on ext4",
        before: "an ext4 layer (no encode_fh of its own) counts as 32-bit: xino uses 32 upper inode bits",
        confirmedOn: [KernelVersion(6, 1, 192)])

    /// The fix of ``encodeFhMandatory``: ext4 layers count as 32-bit again (R56).
    public static let ino32Detection = KernelChange(
        name: "32-bit inode detection", mainline: KernelVersion(7, 0),
        backports: [KernelVersion(6, 12, 80), KernelVersion(6, 18, 21), KernelVersion(6, 19, 11)], rules: ["R56"],
        source: "util.c:ovl_can_decode_fh compares encode_fh with generic_encode_ino32_fh; 53a7c171e9dd \"ovl: fix wrong "
            + "detection of 32bit inode numbers\" (7.0-rc6; Debian lists it under ChangeLog-6.12.80)",
        before: "after ``encodeFhMandatory``: 2 upper inode bits, a lower st_ino is `ino | fsid << 63`",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// erofs encodes its own file handles (64-bit NIDs), so `util.c:ovl_can_decode_fh` no longer
    /// counts an erofs layer as 32-bit: xino computes its bits from the fs count (R56).
    public static let erofsOwnHandles = KernelChange(
        name: "erofs 64-bit NID handles", mainline: KernelVersion(6, 16),
        backports: [KernelVersion(6, 12, 34), KernelVersion(6, 15, 3)], rules: ["R56"],
        source: "fs/erofs/super.c:erofs_encode_fh, 510de8363f2c \"erofs: fix file handle encoding for 64-bit NIDs\" "
            + "(stable reviews of 2025-06-17 for 6.15 and 6.12); seen: imagefs/009 logs 32 upper inode bits on 6.1.192, 3 on 6.12.118",
        before: "erofs_export_ops has no encode_fh (6.1; `generic_encode_ino32_fh` from 6.7): an erofs layer counts as "
            + "32-bit, xino uses 32 upper inode bits",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118)])

    /// uuid=off is kept when the layers are on several filesystems (R18). Unconfirmed: from
    /// kernel-versions.md only; no kernel here is 7.0.
    public static let uuidOffAnyFS = KernelChange(
        name: "uuid=off on several filesystems", mainline: KernelVersion(7, 0), backports: [], rules: ["R18"],
        source: "super.c:ovl_fill_super, \"ovl: relax requirement for uuid=off,index=on\" (7.0, per kernel-versions.md; the patch is not in the archive here)",
        before: "\"The uuid=off requires a single fs for lower and upper, falling back to uuid=null.\"")

    // MARK: 6.1 → 6.12, learned on Debian's 6.1.192 (the 6.1 line); each entry's "before" is 6.1's behaviour.

    /// The mount options are kept resolved (`enum ovl_redirect_mode`), not as the string given (R11, R15).
    public static let redirectModeEnum = KernelChange(
        name: "redirect_dir= as a mode", mainline: KernelVersion(6, 5), backports: [], rules: ["R11", "R15", "R10"],
        source: "params.c:ovl_show_options, super.c:ovl_make_workdir; \"ovl: store enum redirect_mode in config instead of "
            + "a string\" (linux-unionfs v2 4/5, 2023-06-17; 6.5); 6.1.192: super.c:ovl_parse_opt, ovl_show_options",
        before: "super.c:ovl_parse_opt keeps `config->redirect_mode` as given (default \"off\" without REDIRECT_DIR): mountinfo "
            + "shows `redirect_dir=<string>` when that string is not the default one (`follow` shows, `off` and a redirect "
            + "that metacopy or no upper turned on do not), and conflict messages name the string; an upper without "
            + "xattrs turns index and metacopy off in one line (\"...falling back to index=off,metacopy=off.\") and keeps "
            + "redirect_dir; options are parsed in order and an unknown one (`verity=`, `uuid=null`, …) fails at once: "
            + "\"unrecognized mount option \\\"%s\\\" or missing value\", EINVAL",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `uuid=null|auto`, a persistent `X.uuid` on a new upper root and the uuid shown on every mount (R18).
    public static let uuidModes = KernelChange(
        name: "uuid=null/auto", mainline: KernelVersion(6, 6), backports: [], rules: ["R18"],
        source: "util.c:ovl_init_uuid_xattr, params.c:ovl_show_options; b0504bfe1b8a \"ovl: add support for unique fsid per "
            + "instance\", d9544c1b0d9e \"ovl: store persistent uuid/fsid with uuid=on\", cbb44f093597 \"ovl: auto generate "
            + "uuid for new overlay filesystems\" (6.6)",
        before: "`config->uuid` is a bool (default on): only `uuid=off` is shown, `uuid=null`/`uuid=auto` are unknown (EINVAL), "
            + "no `X.uuid` is written, no \"requires an upper fs\" fallback; uuid=off with more than one fs "
            + "(`ofs->numfs > 1`: a lower on another fs than the upper, or no upper at all) falls back to uuid=on "
            + "(super.c:ovl_fill_super)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// The `verity=` mount option (R82).
    public static let verityOption = KernelChange(
        name: "verity=", mainline: KernelVersion(6, 6), backports: [], rules: ["R82", "R11"],
        source: "params.c:ovl_parse_param (Opt_verity), ae8cba4033bc \"ovl: Add framework for verity support\" (pull "
            + "ovl-update-6.6)",
        before: "6.1: super.c:ovl_parse_opt has no such token: \"overlayfs: unrecognized mount option \\\"verity=…\\\" or "
            + "missing value\", EINVAL (6.1.192: mount/013); 6.5: fs_parse finds no such key, and vfs_parse_fs_param logs "
            + "\"overlay: Unknown parameter 'verity'\", EINVAL",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `name_to_handle_at(…, AT_HANDLE_FID)` (R66): a VFS change.
    public static let handleFid = KernelChange(
        name: "AT_HANDLE_FID", mainline: KernelVersion(6, 5), backports: [], rules: ["R66"],
        source: "fs/fhandle.c:name_to_handle_at, 96b2b072ee62 \"exportfs: allow exporting non-decodeable file handles to "
            + "userspace\" (6.5)",
        before: "the syscall takes only AT_SYMLINK_FOLLOW and AT_EMPTY_PATH: EINVAL before any lookup",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// A too small `X.metacopy` fails lookup with EIO (R81).
    public static let metacopyHeader = KernelChange(
        name: "versioned X.metacopy", mainline: KernelVersion(6, 6), backports: [], rules: ["R81"],
        source: "util.c:ovl_check_metacopy_xattr (\"metacopy file '%pd' has too small xattr\"), bf07089081a0 \"ovl: Add "
            + "versioned header for overlay.metacopy xattr\" (pull ovl-update-6.6)",
        before: "6.1.192 util.c:ovl_check_metacopy_xattr: any value, of any length, marks a metacopy file (metacopy/013: "
            + "a 2-byte value finds its lower's data with metacopy=on, EPERM with metacopy=off)",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// `X.overlay.*` escapes: private names can be read and written through the overlay (R91).
    public static let escapedXattrs = KernelChange(
        name: "escaped private xattrs", mainline: KernelVersion(6, 7), backports: [], rules: ["R91", "R41"],
        source: "xattrs.c:ovl_xattr_set, ovl_listxattr, inode.c:ovl_is_private_xattr; \"ovl: Support escaped overlay.* "
            + "xattrs\" (6.7)",
        before: "super.c:ovl_own_xattr_get/set answer every name under the private prefix with EOPNOTSUPP (nothing "
            + "copied up), inode.c:ovl_is_private_xattr takes the whole prefix, so `X.overlay.*` is hidden from "
            + "listxattr and left out of copy-up like any private xattr",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// xwhiteouts: an empty regular file with `X.whiteout` is a whiteout (R30–R32).
    public static let xwhiteouts = KernelChange(
        name: "xwhiteouts", mainline: KernelVersion(6, 7), backports: [], rules: ["R30", "R31", "R32"],
        source: "util.c:ovl_path_is_whiteout, \"ovl: Add an alternative type of whiteout\" (6.7), \"ovl: mark xwhiteouts "
            + "directory with overlay.opaque='x'\" (6.8-rc2, 6.7.y)",
        before: "namei.c and readdir.c test ovl_is_whiteout (a 0:0 chardev) only: such a file is an ordinary visible file",
        confirmedOn: [KernelVersion(6, 1, 192), KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])

    /// Every entry, oldest first.
    ///
    /// 6.12.113 → 6.12.117 (fs/overlayfs diffed, Debian's changelog): besides ``indexedNlink`` and
    /// ``emptyCapability`` and ``removedCopyUp`` the changes are not seen by a deterministic case,
    /// so no entry follows them: races (`ovl_getxattr_value`/`ovl_copy_xattr` EIO when an xattr changes while read; name
    /// snapshot in `ovl_do_copy_up`; OVL_WHITEOUTS set before the upper dir is published;
    /// `dget_parent` in readdir and `ovl_get_redirect`; revalidate flags after `d_instantiate`;
    /// `ovl_fix_origin` on the overlay parent); checks only an LSM can tell apart
    /// (`file.c:ovl_copyfile` verifies a cross-sb copy_file_range source with the source mounter's
    /// creds through `rw_verify_area`, which runs no DAC check — 6.12.114;
    /// `ovl_get_origin_fh` no longer asks `ovl_can_decode_fh`, i.e. `capable(CAP_DAC_READ_SEARCH)`,
    /// with index=on); and `super.c:ovl_lookup_or_create` giving ENOTDIR for a non-directory
    /// `work/incompat` or `work/incompat/volatile`, which cannot be there: `ovl_make_workdir`
    /// empties and remakes `work/` before `ovl_create_volatile_dirty` runs.
    public static let all: [KernelChange] = [
        dataOnlyLayers, newMountAPI, redirectModeEnum, handleFid, uuidModes, verityOption, metacopyHeader,
        encodeFhMandatory, escapedXattrs, xwhiteouts, lowerdirAppend, tmpfile,
        consistentRedirectRejection, dataOnlyWithoutMetacopy, verityWithoutMetacopy, erofsOwnHandles, fsyncOption, ino32Detection, uuidOffAnyFS,
        indexedNlink, emptyCapability, removedCopyUp, emptyCapabilityRefused,
    ]
}
