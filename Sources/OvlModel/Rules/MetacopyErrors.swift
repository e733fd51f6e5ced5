extension OverlayModel {
    /// The length in bytes of an xattr value as a case or a dump writes it (`0x…` is hex).
    static func xattrBytes(_ value: String) -> [UInt8] {
        if value.hasPrefix("0x"), let bytes = FileHandleShape.hexBytes(String(value.dropFirst(2))) { return bytes }
        return Array(value.utf8)
    }

    /// R81 (``WalkPolicy/metacopyXattrTooSmall(_:)``).
    func metacopyXattrTooSmall(_ node: Node) -> Bool {
        WalkPolicy(options: options, environment: environment).metacopyXattrTooSmall(node)
    }

    /// The errno with which opening or copying up the data of `r` fails, or nil
    /// (`namei.c:ovl_verify_lowerdata`, called by `file.c:ovl_open` and
    /// `copy_up.c:ovl_copy_up_flags`):
    /// - R83: the deferred lookup in the data-only layers found no regular file at the redirect:
    ///   ENOENT (`ovl_maybe_lookup_lowerdata` → `ovl_lookup_data_layers`).
    /// - R82 with verity=on or require: the digest check of ``verityRefusal(_:)``.
    func dataRefusal(_ r: Resolution) -> ModelErrno? {
        guard isMetacopy(r.node) else { return nil }
        if r.lowerdataRedirect != nil, let last = r.lowers.last, let l = lowers[last.layer][last.path], isMetacopy(l) {
            return .ENOENT
        }
        return options.verity == .off ? nil : verityRefusal(r)
    }
}
