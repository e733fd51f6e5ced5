extension LayerSet {
    /// What the redirect pass finds: its findings, and the upper directories whose redirects are
    /// invalid (they are no reason for their parent's impure mark).
    struct RedirectPass {
        var findings: [Finding] = []
        var invalidUpperDirs: Set<RelPath> = []
    }

    /// fsck.overlay's first pass (`check.c:ovl_check_redirect`), over the directories with
    /// `X.redirect` in every layer, the lowest lower first, the upper last:
    ///
    /// - invalidRedirect (R50): a value lookup refuses (`namei.c:ovl_check_redirect`: empty, a
    ///   relative value holding `/`, an absolute one with an empty component), a redirect in the
    ///   lowest layer, or one whose target (what the walk below the directory's own layer meets
    ///   through it, ``redirectLead(_:value:in:)``) is missing or no directory. `-p` removes it;
    ///   `-y` also makes the directory opaque (R32) when a directory of its own name is below, so
    ///   it merges with no lower it was not meant for.
    /// - duplicateRedirect (R49, R70): a valid redirect whose target an earlier one (in scan order)
    ///   already leads to, or whose target path holds a plain (not opaque, not redirected)
    ///   directory in the redirect's own layer, which merges the same lower. Which one is right is
    ///   a person's call: `-p` leaves it (exit 4), `-y` removes this redirect as above.
    /// - missingWhiteout (R48): a valid redirect whose target path holds nothing in its own layer,
    ///   so the lower directory also shows under its old name. Both policies make a whiteout there
    ///   (when the parent is a directory of that layer; else it is left). An ancestor of the
    ///   target path that is a non-directory, opaque or redirected already hides it.
    func redirectPass() -> RedirectPass {
        let name = prefix[.redirect]
        var out = RedirectPass()
        var targets: [String: (LayerRole, RelPath)] = [:]
        for (role, layer) in scanOrder {
            for path in layer.entries.keys.sorted() {
                guard let node = layer[path], node.kind.isDir, let value = node.xattrs[name] else { continue }
                func invalid(_ why: String) {
                    out.findings.append(Finding(problem: .invalidRedirect, layer: role, path: path, subject: name,
                                                detail: "\"\(value)\": \(why)", repairs: [.removeXattr(name)],
                                                yesRepairs: removal(of: path, in: role)))
                    if role == .upper { out.invalidUpperDirs.insert(path) }
                }
                if let why = Self.redirectProblem(value) { invalid(why); continue }
                guard let target = redirectTarget(of: path, node) else { continue }
                let start: Int
                switch role {
                case .lower(let i): start = i + 1
                default: start = 0
                }
                guard start < namespaceLowerCount else { invalid("in the lowest layer, nothing below to redirect to"); continue }
                guard let found = redirectLead(path, value: value, in: role) else { invalid("no lower has \(target)"); continue }
                guard found.node.kind.isDir else {
                    invalid("lower\(found.layer):\(found.path) is \(found.node.kind == .whiteout ? "a whiteout" : "not a directory")")
                    continue
                }
                let key = "\(found.layer):\(found.path)"
                if let (otherRole, other) = targets[key] {
                    out.findings.append(Finding(problem: .duplicateRedirect, layer: role, path: path, subject: name,
                                                detail: "leads to lower\(key) as \(otherRole):\(other) does",
                                                yesRepairs: removal(of: path, in: role)))
                    continue
                }
                switch cover(target, in: layer) {
                case .mergedDir:
                    out.findings.append(Finding(problem: .duplicateRedirect, layer: role, path: path, subject: name,
                                                detail: "leads to lower\(key), which the plain directory \(target) of this layer merges too",
                                                yesRepairs: removal(of: path, in: role)))
                    continue
                case .nothing(let parentIsDir):
                    out.findings.append(Finding(problem: .missingWhiteout, layer: role, path: path, subject: name,
                                                detail: "\"\(value)\": nothing at \(target) hides lower\(key)",
                                                repairs: parentIsDir ? [.addWhiteout(target)] : []))
                case .hidden: break
                }
                targets[key] = (role, path)
            }
        }
        return out
    }

    /// What `-y` does to a redirect it removes: drop it and, when a directory of the same name is
    /// below, make the directory opaque (`check.c:ovl_do_remove_redirect`).
    func removal(of path: RelPath, in role: LayerRole) -> [Repair] {
        var r: [Repair] = [.removeXattr(prefix[.redirect])]
        if let below = lookupBelow(path, in: role), below.node.kind.isDir { r.append(.setXattr(prefix[.opaque], "y")) }
        return r
    }

    enum Cover { case hidden, mergedDir, nothing(parentIsDir: Bool) }

    /// What a redirect's own layer holds at the redirect's target path.
    func cover(_ target: RelPath, in layer: Layer) -> Cover {
        var prefixPath = RelPath.root
        for c in target.components.dropLast() {
            prefixPath = prefixPath.appending(c)
            guard let node = layer[prefixPath] else { return .nothing(parentIsDir: false) }
            if !node.kind.isDir || node.xattrs[prefix[.opaque]] == "y" || node.xattrs[prefix[.redirect]] != nil { return .hidden }
        }
        guard let node = layer[target] else { return .nothing(parentIsDir: true) }
        if node.kind.isDir, node.xattrs[prefix[.opaque]] != "y", node.xattrs[prefix[.redirect]] == nil { return .mergedDir }
        return .hidden
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
