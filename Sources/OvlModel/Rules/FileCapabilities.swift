/// The name of file capabilities (`XATTR_NAME_CAPS`).
let fileCapabilityXattr = "security.capability"

extension XattrPattern {
    /// How the dump and the model write an xattr that is listed but whose value cannot be read:
    /// the errno of `getxattr`, e.g. `<EINVAL>`.
    public static func unreadable(_ errno: ModelErrno) -> String { "<\(errno)>" }

    /// The errno reading xattr `name` with `value` gives on any filesystem, nil when it reads.
    ///
    /// An empty `security.capability` reads EINVAL: `fs/xattr.c:vfs_getxattr` asks the LSMs, and
    /// `security/commoncap.c:cap_inode_getsecurity` refuses a value that is neither a v2 nor a v3
    /// header. Any user who may write the file can store it (`vfs_setxattr` converts and checks a
    /// capability only when the value is not empty, `cap_convert_nscap`) until
    /// ``KernelChanges/emptyCapabilityRefused``; a non-empty value is
    /// stored only when it is a valid header, which a case cannot write as text.
    public static func readError(name: String, value: String) -> ModelErrno? {
        name == fileCapabilityXattr && value.isEmpty ? .EINVAL : nil
    }

    /// `value` as `getxattr` shows it: the value, or ``unreadable(_:)`` of the errno.
    public static func asRead(name: String, value: String) -> String {
        readError(name: name, value: value).map(unreadable) ?? value
    }
}

extension OverlayModel {
    /// The xattrs a copy-up gives the upper object (R41, `copy_up.c:ovl_copy_xattr`): all but
    /// the private ones and, from 6.12.117 (``KernelChanges/emptyCapability``), an unreadable
    /// `security.capability` (`ovl_no_fscap`: "It grants no capability, so treat it as none").
    func copiedXattrs(_ xattrs: [String: String]) -> [String: String] {
        let skipsCaps = environment.has(KernelChanges.emptyCapability)
        return xattrs.filter { name, value in
            !isPrivate(name) && !(skipsCaps && name == fileCapabilityXattr && XattrPattern.readError(name: name, value: value) != nil)
        }
    }

    /// The errno with which a copy-up of an object with `xattrs` fails before 6.12.117:
    /// `ovl_copy_xattr` passes on the error of reading an xattr, and an empty
    /// `security.capability` reads EINVAL (``KernelChanges/emptyCapability``). The data copy-up
    /// of a metacopy upper (R79) fails the same way when the file has data:
    /// `ovl_copy_up_meta_inode_data` reads the upper's capability first, to set it again after
    /// the write, and `ovl_getxattr_value` took only ENODATA and EOPNOTSUPP for "none".
    func capabilityRefusal(_ xattrs: [String: String]) -> ModelErrno? {
        guard !environment.has(KernelChanges.emptyCapability), let value = xattrs[fileCapabilityXattr] else { return nil }
        return XattrPattern.readError(name: fileCapabilityXattr, value: value)
    }

    /// A step whose copy-up fails (``capabilityRefusal(_:)``) fails with that
    /// errno, after what the kernel did before it: the parents are copied up and the parent of
    /// the object is marked impure (`copy_up.c:ovl_do_copy_up` sets `X.impure` before it copies);
    /// a half-made copy in `work/` is removed (`ovl_copy_up_tmpfile` drops its tmpfile). Nil when
    /// no copy-up of the step fails.
    mutating func refusedCopyUp(_ op: Operation) -> Outcome? {
        guard !environment.has(KernelChanges.emptyCapability), layersHoldUnreadableCapability else { return nil }
        var trial = self
        _ = trial.applyStep(op)
        guard let failed = trial.failedCopyUp else { return nil }
        if case .parallel = op {
            unpredicted = "a copy-up in a parallel block fails (\(failed.errno))"
            return nil
        }
        copyUp(failed.path)
        failedCopyUp = nil
        return .failed(failed.errno)
    }

    /// True when some layer object has a `security.capability` that cannot be read.
    var layersHoldUnreadableCapability: Bool {
        let layers = lowers + (upper.map { [$0] } ?? [])
        return layers.contains { layer in
            layer.entries.values.contains { n in
                n.xattrs[fileCapabilityXattr].map { XattrPattern.readError(name: fileCapabilityXattr, value: $0) != nil } ?? false
            }
        }
    }
}
