extension OverlayModel {
    /// The length in bytes of an xattr value as a case or a dump writes it (`0x…` is hex).
    static func xattrBytes(_ value: String) -> [UInt8] {
        if value.hasPrefix("0x"), let bytes = FileHandleShape.hexBytes(String(value.dropFirst(2))) { return bytes }
        return Array(value.utf8)
    }

    /// R81: a regular file whose `X.metacopy` holds 1–3 bytes, which every lookup refuses with
    /// EIO, on any mount (`namei.c:ovl_lookup_single` → `util.c:ovl_check_metacopy_xattr` with no
    /// buffer: "metacopy file '%pd' has too small xattr"). The version and length of a longer value
    /// are only read to verify a verity digest (``dataRefusal(_:)``).
    /// Before 6.6 any value marks a metacopy file (``KernelChanges/metacopyHeader``).
    func metacopyXattrTooSmall(_ node: Node) -> Bool {
        guard environment.has(KernelChanges.metacopyHeader), case .file = node.kind, let value = node.xattrs[prefix[.metacopy]] else { return false }
        return (1..<4).contains(Self.xattrBytes(value).count)
    }

    /// R83: a lower metacopy file with no data below it in the normal layers is still found when
    /// its absolute redirect may name a file of a data-only layer: that lookup waits for the first
    /// open or copy-up (`namei.c:ovl_lookup`: "Defer lookup of lowerdata in data-only layers").
    func defersDataLookup(_ lowerMetacopy: Node) -> Bool {
        dataLayerCount > 0 && isMetacopy(lowerMetacopy)
            && lowerMetacopy.xattrs[prefix[.redirect]]?.hasPrefix("/") == true
    }

    /// The errno with which opening or copying up the data of `r` fails, or nil
    /// (`namei.c:ovl_verify_lowerdata`, called by `file.c:ovl_open` and
    /// `copy_up.c:ovl_copy_up_flags`):
    /// - R83: the deferred lookup in the data-only layers found no regular file at the redirect:
    ///   ENOENT (`ovl_maybe_lookup_lowerdata` → `ovl_lookup_data_layers`).
    /// - R82 with verity=on or require: the digest check of ``verityRefusal(_:)``.
    func dataRefusal(_ r: Resolution) -> ModelErrno? {
        guard isMetacopy(r.node) else { return nil }
        if let last = r.lowers.last, let l = lowers[last.layer][last.path], isMetacopy(l), defersDataLookup(l) {
            return .ENOENT
        }
        return options.verity == .off ? nil : verityRefusal(r)
    }
}
