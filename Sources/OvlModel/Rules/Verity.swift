extension OverlayModel {
    /// The fs-verity digest a metacopy copy-up of `r` stores, or nil: with verity=on or require,
    /// `copy_up.c:ovl_copy_up_metadata` asks `util.c:ovl_get_verity_digest` for the digest of the
    /// lower *data* file (`ovl_path_lowerdata`: the last lower, which may sit in a data-only
    /// layer, R83); a file without fs-verity has none (`fsverity_get_digest` returns 0). With
    /// verity=off it is never asked.
    func verityDigest(ofDataOf r: Resolution) -> [UInt8]? {
        options.verity == .off ? nil : dataFileDigest(r)
    }

    /// The fs-verity digest of `r`'s lower data file (its last lower, when that holds data), or
    /// nil when it has no fs-verity.
    func dataFileDigest(_ r: Resolution) -> [UInt8]? {
        guard let data = r.lowers.last, lowers[data.layer].hasVerity(data.path),
              let node = lowers[data.layer][data.path], case .file(let bytes) = node.kind, !isMetacopy(node) else { return nil }
        return VerityDigest.digest(of: Array(bytes.utf8))
    }

    /// The `X.metacopy` value of a metadata-only copy-up (R77, R82): `struct ovl_metacopy` —
    /// version 0, len 4 + 32, flags 0, `digest_algo` `FS_VERITY_HASH_ALG_SHA256`, the digest —
    /// when the data file has a digest; otherwise empty (`util.c:ovl_set_metacopy_xattr` writes
    /// no value when version, flags and algorithm are all 0).
    static func metacopyValue(digest: [UInt8]?) -> String {
        guard let digest else { return "" }
        let bytes: [UInt8] = [0, UInt8(4 + digest.count), 0, VerityDigest.sha256Algorithm] + digest
        return "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// R82: what `namei.c:ovl_maybe_validate_verity` makes of opening (or copying up the data of)
    /// metacopy file `r` with verity=on or require.
    ///
    /// - `OVL_HAS_DIGEST` is set at lookup when `X.metacopy` is longer than its 4-byte header
    ///   (`namei.c:ovl_lookup`, `metacopy_size > OVL_METACOPY_MIN_SIZE`). Without it: EIO with
    ///   require ("metacopy file has no digest specified"), nothing to check with on.
    /// - With it, `util.c:ovl_validate_verity` reads the header into `struct ovl_metacopy` (36
    ///   bytes): a longer value is ERANGE, a version other than 0 or a len other than the size
    ///   EIO (`ovl_check_metacopy_xattr`), and `digest_algo` 0 is "no digest" again.
    /// - Then the lower data file's own digest (`fsverity_get_digest`, after
    ///   `ovl_ensure_verity_loaded` opened it once): none is EIO ("has no fs-verity digest"), and
    ///   a digest of another size or algorithm or other bytes is EIO ("has the wrong fs-verity
    ///   digest").
    func verityRefusal(_ r: Resolution) -> ModelErrno? {
        let require = options.verity == .require
        let bytes = Self.xattrBytes(r.node.xattrs[prefix[.metacopy]] ?? "")
        guard bytes.count > 4 else { return require ? .EIO : nil }
        if bytes.count > 36 { return .ERANGE }
        if bytes[0] != 0 || Int(bytes[1]) != bytes.count { return .EIO }
        guard bytes[3] != 0 else { return require ? .EIO : nil }
        guard let actual = dataFileDigest(r) else { return .EIO }
        return bytes[3] == VerityDigest.sha256Algorithm && Array(bytes[4...]) == actual ? nil : .EIO
    }
}
