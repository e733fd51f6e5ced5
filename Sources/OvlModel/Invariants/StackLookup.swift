/// fsck.overlay's lookup through a stack of layers, as the kernel's `namei.c:ovl_lookup` walks
/// it, with redirects and opaque directories honoured **in every layer** (a lower may be a former
/// upper): what the whiteout, redirect and impure checks ask of the layers below an object.
///
/// In each layer the path is looked up as it stands; when the layer does not hold it, its
/// nearest existing ancestor there decides what the layers below see: a non-directory (a
/// whiteout too) or an opaque directory ends the search, a directory with a redirect rewrites
/// the path (a relative redirect names a sibling of that ancestor, an absolute one a path from
/// the root), a plain directory passes the question to the next ancestor. The layer root decides
/// nothing. The lowest layer ends the search.
extension LayerSet {
    /// The lowers that are part of the namespace (data-only layers are not, R83).
    var namespaceLowerCount: Int { max(0, lowers.count - dataLayerCount) }

    /// An object found below another: its layer, the path it was found at, the object.
    struct Found {
        var layer: Int
        var path: RelPath
        var node: Node
    }

    /// The first object at `path` in the lowers below the object at `path` of `role` (fsck.overlay's
    /// `ovl_lookup_lower`): the object's own layer only decides, through `path`'s ancestors, where
    /// (and whether) the search goes on.
    func lookupBelow(_ path: RelPath, in role: LayerRole) -> Found? {
        var current = path
        switch ancestorVerdict(path, in: self[role]) {
        case .stop: return nil
        case .redirect(let p): current = p
        case .goOn: break
        }
        let start: Int
        switch role {
        case .upper: start = 0
        case .lower(let i): start = i + 1
        case .workdir: return nil
        }
        return lookup(current, from: start)
    }

    /// The first object at `path` in lowers `start...` (fsck.overlay's `ovl_lookup`).
    func lookup(_ path: RelPath, from start: Int) -> Found? {
        var current = path
        var i = start
        while i < namespaceLowerCount {
            if let node = lowers[i][current] { return Found(layer: i, path: current, node: node) }
            if i == namespaceLowerCount - 1 { return nil }
            switch ancestorVerdict(current, in: lowers[i]) {
            case .stop: return nil
            case .redirect(let p): current = p
            case .goOn: break
            }
            i += 1
        }
        return nil
    }

    enum AncestorVerdict { case goOn, stop, redirect(RelPath) }

    /// What the nearest existing ancestors of `path` in `layer` say about the layers below.
    func ancestorVerdict(_ path: RelPath, in layer: Layer?) -> AncestorVerdict {
        guard let layer else { return .goOn }
        var ancestor = path.parent
        while let a = ancestor, !a.isRoot {
            defer { ancestor = a.parent }
            guard let node = layer[a] else { continue }
            if !node.kind.isDir || node.xattrs[prefix[.opaque]] == "y" { return .stop }
            if let target = redirectTarget(of: a, node) {
                return .redirect(RelPath(components: target.components + path.components.dropFirst(a.components.count)))
            }
        }
        return .goOn
    }

    /// The root-relative path a directory's `X.redirect` names (relative: a sibling; absolute:
    /// from the root); nil without a redirect or for one lookup refuses (R50).
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
