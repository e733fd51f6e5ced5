extension LayerSet {
    /// Upper files marked metacopy that cannot be opened (R81, `namei.c:ovl_lookup`): the lower
    /// data file is missing — no regular file at the redirect (R80) or, without one, at the same
    /// name in the lowers the parent merges — or `X.metacopy` is malformed (1–3 bytes, or a
    /// header whose version is not 0 or whose length disagrees, `util.c:ovl_check_metacopy_xattr`).
    /// The data cannot be invented: left uncorrected.
    func metacopyWithoutData(_ merged: [RelPath: Resolution]) -> [Finding] {
        guard let upper else { return [] }
        let name = prefix[.metacopy]
        var out: [Finding] = []
        for (path, node) in upper.entries {
            guard case .file = node.kind, let value = node.xattrs[name] else { continue }
            if let why = Self.metacopyProblem(value) {
                out.append(Finding(problem: .metacopyWithoutData, layer: .upper, path: path, subject: name, detail: why))
                continue
            }
            guard let parentPath = path.parent, let parent = merged[parentPath], parent.inUpper else { continue }
            let redirect = node.xattrs[prefix[.redirect]]
            let candidates: [(layer: Int, path: RelPath)]
            if let r = redirect, r.hasPrefix("/"), let p = RelPath(parsing: String(r.dropFirst())) {
                candidates = lowers.indices.map { ($0, p) }
            } else {
                candidates = parent.lowers.map { ($0.layer, $0.path.appending(redirect ?? path.name)) }
            }
            let data = candidates.lazy.compactMap { self.lowers[$0.layer][$0.path] }.first
            if case .file = data?.kind { continue }
            out.append(Finding(problem: .metacopyWithoutData, layer: .upper, path: path, subject: name,
                               detail: "no lower data file at \(redirect ?? path.name)"))
        }
        return out
    }

    /// Why `util.c:ovl_check_metacopy_xattr` refuses `value` (EIO), or nil.
    static func metacopyProblem(_ value: String) -> String? {
        guard value != "" && value != "0x" else { return nil }
        let bytes = value.hasPrefix("0x") ? FileHandleShape.hexBytes(String(value.dropFirst(2))) ?? Array(value.utf8) : Array(value.utf8)
        if bytes.count < 4 { return "\(bytes.count) bytes, shorter than the 4-byte header" }
        if bytes[0] != 0 { return "version \(bytes[0]), not 0" }
        if Int(bytes[1]) != bytes.count { return "header len \(bytes[1]) but \(bytes.count) bytes stored" }
        return nil
    }
}
