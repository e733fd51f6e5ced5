/// The layer checker's questions to the mount's own walk (``StackWalk``, `namei.c:ovl_lookup`),
/// read as fsck.overlay reads a stack (``WalkPolicy/fsck(prefix:)``): an object of a layer is
/// judged by walking the stack below it with its layer on top, so the redirects, opaque
/// directories and whiteouts of **every** layer — a lower may be a former upper — are followed
/// exactly as a mount of that stack follows them: a relative redirect inside the parent's
/// directories of the layers below (themselves perhaps redirected), an absolute one from the root.
extension LayerSet {
    /// The lowers that are part of the namespace (data-only layers are not, R83).
    var namespaceLowerCount: Int { max(0, lowers.count - dataLayerCount) }

    /// An object found below another: its layer, the path it was found at, the object.
    struct Found {
        var layer: Int
        var path: RelPath
        var node: Node
    }

    /// The walk of the stack `role`'s layer tops: that layer read as the upper, the lowers below
    /// it as its lowers; nil for the workdir.
    func walk(from role: LayerRole) -> StackWalk? {
        let first: Int
        switch role {
        case .upper: first = 0
        case .lower(let i): first = i + 1
        case .workdir: return nil
        }
        return StackWalk(upper: self[role], lowers: lowers, firstLower: first, dataLayerCount: dataLayerCount,
                         policy: .fsck(prefix: prefix))
    }

    /// The first object at `path`'s name in the layers below `role`'s layer (fsck.overlay's
    /// `ovl_lookup_lower`), as if that layer held nothing there: its ancestors in every layer,
    /// `role`'s included, decide where (and whether) the search goes.
    func lookupBelow(_ path: RelPath, in role: LayerRole) -> Found? {
        firstMet(path, in: role, top: nil)
    }

    /// The first object directory `path` of `role` leads to through its redirect `value` — read
    /// as a mount that follows it does, the directory's own opaque mark aside — or nil.
    func redirectLead(_ path: RelPath, value: String, in role: LayerRole) -> Found? {
        firstMet(path, in: role, top: Node(kind: .dir, xattrs: [prefix[.redirect]: value]))
    }

    /// The first lower object the walk meets at `path` (a whiteout, a non-directory it passes
    /// over, a refused one too), when `role`'s layer holds `top` there.
    func firstMet(_ path: RelPath, in role: LayerRole, top: Node?) -> Found? {
        guard let walk = walk(from: role), let parentPath = path.parent, let parent = walk.resolve(parentPath),
              let (layer, at) = walk.child(parent: parent, name: path.name, path: path, top: top).firstMet,
              let node = lowers[layer][at] else { return nil }
        return Found(layer: layer, path: at, node: node)
    }

    /// The root-relative path a directory's `X.redirect` names in its own layer (relative: a
    /// sibling; absolute: from the root); nil without a redirect or for one lookup refuses (R50).
    func redirectTarget(of path: RelPath, _ node: Node) -> RelPath? {
        guard node.kind.isDir, let value = node.xattrs[prefix[.redirect]], Self.redirectProblem(value) == nil else { return nil }
        if value.hasPrefix("/") {
            return RelPath(components: value.dropFirst().split(separator: "/").map(String.init))
        }
        return (path.parent ?? .root).appending(value)
    }

    /// Every layer of the namespace with its objects, in fsck.overlay's scan order: the lowest
    /// lower first, the upper last; within a layer, parents before children, in name order.
    var scanOrder: [(role: LayerRole, layer: Layer)] {
        var out: [(LayerRole, Layer)] = (0..<namespaceLowerCount).reversed().map { (.lower($0), lowers[$0]) }
        if let upper { out.append((.upper, upper)) }
        return out
    }
}
