extension LayerSet {
    /// Redirects lookup refuses and directories that merge with another one's lower.
    ///
    /// - R50 (`namei.c:ovl_check_redirect`): an empty value, a relative value holding `/`, or an
    ///   absolute one with an empty component gives EINVAL. The fix removes the redirect and makes
    ///   the directory opaque (R32), so it shows its own entries and merges with no lower it was
    ///   not meant for.
    /// - R49/R70: two upper directories merging the same lower directory (a duplicated redirect,
    ///   e.g. a copied upper tree) — which one is right is a person's call; left uncorrected.
    func redirectFindings(_ merged: [RelPath: Resolution]) -> [Finding] {
        guard let upper else { return [] }
        let name = prefix + "redirect"
        var out: [Finding] = []
        for (path, node) in upper.entries where node.kind.isDir {
            guard let value = node.xattrs[name], let why = Self.redirectProblem(value) else { continue }
            out.append(Finding(problem: .invalidRedirect, layer: .upper, path: path, subject: name,
                               detail: "\"\(value)\": \(why)",
                               repairs: [.removeXattr(name), .setXattr(prefix + "opaque", "y")]))
        }
        var byLower: [String: [RelPath]] = [:]
        for (path, r) in merged where r.inUpper && r.node.kind.isDir && !path.isRoot {
            guard let first = r.lowers.first else { continue }
            byLower["\(first.layer):\(first.path)", default: []].append(path)
        }
        for (lower, paths) in byLower where paths.count > 1 {
            for path in paths where upper[path]?.xattrs[name] != nil {
                let others = paths.filter { $0 != path }.map(\.description).sorted().joined(separator: ", ")
                out.append(Finding(problem: .duplicateRedirect, layer: .upper, path: path, subject: name,
                                   detail: "merges lower\(lower) as \(others) does"))
            }
        }
        return out
    }

    /// Why `namei.c:ovl_check_redirect` refuses `value`, or nil.
    static func redirectProblem(_ value: String) -> String? {
        if value.isEmpty || value == "0x" { return "empty" }
        if value.hasPrefix("/") {
            if value.dropFirst().split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                return "absolute with an empty component"
            }
        } else if value.contains("/") {
            return "relative with a '/'"
        }
        return nil
    }
}
