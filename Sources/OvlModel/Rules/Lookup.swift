/// Where a name of the merged view comes from: its upper object and the lower objects it merges.
public struct Resolution: Sendable, Equatable {
    /// True when the upper layer holds this object (the upper path equals the merged path).
    public var inUpper: Bool
    /// The lower objects, top first: (layer index, real path in that layer).
    public var lowers: [(layer: Int, path: RelPath)]
    /// The topmost object: its metadata is what the merged view shows (R23).
    public var node: Node

    public static func == (a: Resolution, b: Resolution) -> Bool {
        a.inUpper == b.inUpper && a.node == b.node
            && a.lowers.map(\.layer) == b.lowers.map(\.layer) && a.lowers.map(\.path) == b.lowers.map(\.path)
    }

    /// A directory with an upper and a lower, or two lowers (R23).
    public var isMergedDir: Bool { node.kind.isDir && (inUpper ? 1 : 0) + lowers.count >= 2 }
}

extension OverlayModel {
    /// Resolves `path` component by component, as `namei.c:ovl_lookup` does.
    ///
    /// - Rule: R22 (upper first, a non-directory stops the walk), R30 (a whiteout hides the name),
    ///   R32 (`opaque=y` stops the merge), R50 (redirects are followed where the mode allows).
    /// - Side effect (`namei.c:ovl_fix_origin`): a merged directory whose upper has no origin gets
    ///   `X.origin` and its upper parent `X.impure=y` — the first lookup writes to the upper layer.
    /// - Returns: the resolution, or ENOENT / ENOTDIR.
    public mutating func lookup(_ path: RelPath) -> Result<Resolution, ModelErrno> {
        var current = rootResolution
        var walked = RelPath.root
        for name in path.components {
            guard current.node.kind.isDir else { return .failure(.ENOTDIR) }
            // R29: ext4 and xfs both have f_namelen 255 (namei.c:ovl_lookup checks ofs->namelen).
            if name.utf8.count > 255 { return .failure(.ENAMETOOLONG) }
            let parent = current
            let child = walked.appending(name)
            if let e = metacopyRefusal(parent: parent, path: child) { return .failure(e) }
            guard let next = resolveChild(parent: parent, name: name, path: child) else { return .failure(.ENOENT) }
            walked = child
            current = next
            if next.inUpper, next.isMergedDir, upper?[child]?.xattrs[prefix + "origin"] == nil {
                setPrivateXattr(child, "origin", XattrPattern.fileHandle)
                let origin = next.lowers.first.map { lowerRef($0.layer, $0.path) }
                upper?[child]?.origin = origin
                markImpure(walked.parent ?? .root)
            }
        }
        return .success(indexedAlias(current))
    }

    /// The root: the upper root (if any) merged with every lower root.
    var rootResolution: Resolution {
        // Data-only layers are never merged into the namespace (R83).
        let lowersAll = lowers.indices.dropLast(dataLayerCount).map { (layer: $0, path: RelPath.root) }
        return Resolution(inUpper: upper != nil, lowers: lowersAll, node: upper?[.root] ?? lowers[0][.root] ?? Node(kind: .dir))
    }

    /// One step of the walk: `name` inside the already-resolved directory `parent`.
    func resolveChild(parent: Resolution, name: String, path: RelPath) -> Resolution? {
        var inUpper = false
        var top: Node?
        var stop = false
        var redirect: String?
        var needData = false
        if parent.inUpper, let u = upper?[path] {
            if u.kind == .whiteout { return nil }
            inUpper = true
            top = u
            // R22, R78: the lookup of a metacopy file carries on down to find its data.
            needData = options.metacopy && isMetacopy(u)
            if (!u.kind.isDir && !needData) || u.xattrs[prefix + "opaque"] == "y" { stop = true }
            if u.kind.isDir || needData, options.redirect == .on || options.redirect == .follow {
                redirect = u.xattrs[prefix + "redirect"]
            }
        }
        var found: [(layer: Int, path: RelPath)] = []
        // namei.c:ovl_lookup: an absolute redirect restarts in the lower layers of the root
        // (`poe = roe`), whatever the parent merges.
        let lowerParents = redirect?.hasPrefix("/") == true ? rootResolution.lowers : parent.lowers
        if !stop {
            for (layer, parentPath) in lowerParents {
                let lowerPath: RelPath
                if let r = redirect, r.hasPrefix("/") {
                    lowerPath = RelPath(parsing: String(r.dropFirst())) ?? parentPath.appending(name)
                } else if let r = redirect {
                    lowerPath = parentPath.appending(r)
                } else {
                    lowerPath = parentPath.appending(name)
                }
                guard let l = lowers[layer][lowerPath] else { continue }
                if let u = upper?[path], inUpper, u.kind.isDir, originRefusesMerge(u, layer, lowerPath) { break }
                if l.kind == .whiteout { break }
                if !l.kind.isDir {
                    // A lower non-directory below a directory found higher up is ignored (R22).
                    if top == nil {
                        top = l
                        found.append((layer, lowerPath))
                        // R22: the lookup of a lower metacopy file carries on for its data.
                        if options.metacopy, isMetacopy(l) {
                            needData = true
                            continue
                        }
                    }
                    // A metacopy file shows the data of the first regular file below it (R78).
                    else if needData, case .file = l.kind {
                        top?.kind = l.kind
                        top?.leadingHole = l.leadingHole
                        found.append((layer, lowerPath))
                        needData = false
                    }
                    break
                }
                if let t = top, !t.kind.isDir { break }
                if top == nil { top = l }
                found.append((layer, lowerPath))
                if l.xattrs[prefix + "opaque"] == "y" { break }
            }
        }
        guard var node = top else { return nil }
        if needData, let (layer, dataPath) = dataLayerFile(found.last.flatMap { lowers[$0.layer][$0.path] } ?? node),
           case .file = lowers[layer][dataPath]?.kind {
            node.kind = lowers[layer][dataPath]?.kind ?? node.kind
            node.leadingHole = lowers[layer][dataPath]?.leadingHole
            found.append((layer, dataPath))
        }
        return Resolution(inUpper: inUpper, lowers: found, node: node)
    }

    /// True when a lower layer still has `path` (`namei.c:ovl_lower_positive`): removing it must
    /// then leave a whiteout (R33).
    public mutating func lowerPositive(_ path: RelPath) -> Bool {
        guard let parentPath = path.parent, case .success(let parent) = lookup(parentPath) else { return false }
        if parent.inUpper, upper?[parentPath]?.xattrs[prefix + "opaque"] == "y" { return false }
        for (layer, lp) in parent.lowers {
            guard let l = lowers[layer][lp.appending(path.name)] else { continue }
            return l.kind != .whiteout
        }
        return false
    }

    /// Every name the layers of merged directory `path` hold, whiteouts and unreachable ones too.
    func childNames(_ path: RelPath, of dir: Resolution) -> Set<String> {
        var names = Set<String>()
        if dir.inUpper, let u = upper { names.formUnion(u.children(of: path)) }
        for (layer, lp) in dir.lowers { names.formUnion(lowers[layer].children(of: lp)) }
        return names
    }

    /// The merged listing of directory `path`: name → resolution (R25: a set; whiteouts hidden).
    public mutating func mergedChildren(_ path: RelPath, of dir: Resolution) -> [String: Resolution] {
        var out: [String: Resolution] = [:]
        for name in childNames(path, of: dir) {
            if case .success(let r) = lookup(path.appending(name)) { out[name] = r }
        }
        return out
    }
}

extension OverlayModel {
    /// `overlayfs.h:ovl_pure_upper` for a directory: in the upper only, with no lower and no
    /// OVL_WHITEOUTS flag (no origin, not the root) — overlayfs then leaves checks to the upper fs.
    func isPureUpperDir(_ path: RelPath, _ r: Resolution) -> Bool {
        !path.isRoot && r.inUpper && r.lowers.isEmpty && r.node.xattrs[prefix + "origin"] == nil
    }
}
