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
    ///   R32 (`opaque=y` stops the merge), R50 (redirects are followed where the mode allows),
    ///   R51 (nofollow: EPERM when a redirect's target exists in a lower layer).
    /// - Side effect (`namei.c:ovl_fix_origin`): a merged directory whose upper has no origin gets
    ///   `X.origin` and its upper parent `X.impure=y` — the first lookup writes to the upper layer.
    ///   The kernel does this as soon as the first lower is found, so before the R51 refusal.
    /// - Returns: the resolution, or ENOENT / ENOTDIR / ENAMETOOLONG / EPERM.
    public mutating func lookup(_ path: RelPath) -> Result<Resolution, ModelErrno> {
        var current = rootResolution
        var walked = RelPath.root
        for name in path.components {
            guard current.node.kind.isDir else { return .failure(.ENOTDIR) }
            // R29: ext4 and xfs both have f_namelen 255 (namei.c:ovl_lookup checks ofs->namelen).
            if name.utf8.count > 255 { return .failure(.ENAMETOOLONG) }
            let child = walked.appending(name)
            let step = resolveChild(parent: current, name: name, path: child)
            if let next = step.resolution, next.inUpper, next.node.kind.isDir, !next.lowers.isEmpty,
               !upperLacksXattrs, upper?[child]?.xattrs[prefix[.origin]] == nil {
                setPrivateXattr(child, .origin, originValue)
                let origin = next.lowers.first.map { lowerRef($0.layer, $0.path) }
                upper?[child]?.origin = origin
                markImpure(walked)
            }
            if let refusal = step.refusal { return .failure(refusal) }
            guard let next = step.resolution else { return .failure(.ENOENT) }
            noteXwhiteoutDirs(next)
            walked = child
            current = next
        }
        return .success(indexedAlias(current))
    }

    /// The root: the upper root (if any) merged with every lower root.
    var rootResolution: Resolution {
        // Data-only layers are never merged into the namespace (R83).
        let lowersAll = lowers.indices.dropLast(dataLayerCount).map { (layer: $0, path: RelPath.root) }
        return Resolution(inUpper: upper != nil, lowers: lowersAll, node: upper?[.root] ?? lowers[0][.root] ?? Node(kind: .dir))
    }

    /// What one step of the walk found: the object (nil: no such name), and an errno that refuses
    /// the lookup after the lowers were searched (R51).
    struct ChildLookup {
        var resolution: Resolution?
        var refusal: ModelErrno?
    }

    /// `d.name` of `namei.c:ovl_lookup`: what the next layer is asked for — a name inside the
    /// parent's directory of that layer, or, after an absolute redirect, a path from its root.
    enum LayerName: Equatable {
        case relative(String)
        case absolute([String])
    }

    /// `struct ovl_lookup_data`: what the walk down the layers has gathered so far.
    struct LayerWalk {
        var name: LayerName
        var isDir = false
        var stop = false
        /// The layer being searched is the last one whose redirect could matter: none is read there.
        var last = false
        /// The last regular file found is a metacopy file: the walk goes on for its data.
        var metacopy = false
        /// A redirect was read on the way (`d.redirect`), and whether the last one was absolute.
        var redirect = false
        var absoluteRedirect = false

        /// `ovl_check_redirect`: `r` (already checked) becomes the name the layers below are
        /// asked for; an absolute one also resumes a search an opaque ancestor stopped.
        mutating func readRedirect(_ r: String, post: [String] = [], relative: (String) -> LayerName) {
            redirect = true
            absoluteRedirect = r.hasPrefix("/")
            if absoluteRedirect {
                stop = false
                name = .absolute(r.split(separator: "/").map(String.init) + post)
            } else {
                name = relative(r)
            }
        }
    }

    /// One step of the walk: `name` inside the already-resolved directory `parent`, down every
    /// layer as `namei.c:ovl_lookup` goes (R22, R30, R32, R50, R51, R78, R81, R83).
    ///
    /// Every layer is treated alike (a lower may be a former upper): a directory's `X.redirect`,
    /// read in the upper or in any lower but the last one searched (``LayerWalk/last``), changes
    /// the name the layers below are asked for (`ovl_lookup_single` → `ovl_check_redirect`):
    /// relative, the name inside the parent's directory of that layer; absolute, a path from the
    /// layer's root, after which the search goes on in the root's stack from the next layer down
    /// (`poe = roe`, "Find the current layer on the root dentry"). The same holds for a metacopy
    /// file's redirect. A redirect that does not parse refuses the lookup with EINVAL
    /// (`util.c:ovl_get_redirect_xattr`: "invalid redirect").
    ///
    /// With redirect_dir=nofollow (or off without `redirect_always_follow`) a redirect is still
    /// read where the name has lowers below: finding any lower object after it — the redirected
    /// lower directory itself included — refuses the lookup with EPERM ("refusing to follow
    /// redirect"); a redirect that finds nothing leaves the objects above (R51).
    ///
    /// With ``KernelChanges/consistentRedirectRejection`` (6.16) a redirect read or a metacopy file
    /// found that the mount does not follow refuses the lookup with EPERM before the next lower
    /// layer is searched, and after the last (`namei.c:ovl_check_nextredirect`): a nofollow
    /// redirect whatever its target, an upper metacopy file on a metacopy=off mount whatever lies
    /// below — except a lower metacopy file whose data lookup is deferred to the data-only layers
    /// (R83). ``KernelChanges/dataOnlyWithoutMetacopy`` reads redirects with data-only layers even
    /// under nofollow (`check_redirect`).
    func resolveChild(parent: Resolution, name: String, path: RelPath) -> ChildLookup {
        var inUpper = false
        var top: Node?
        let rejectsEarly = environment.has(KernelChanges.consistentRedirectRejection)
        let checksRedirect = options.redirect != .nofollow
            || (dataLayerCount > 0 && environment.has(KernelChanges.dataOnlyWithoutMetacopy))
        var d = LayerWalk(name: .relative(name))
        var upperMetacopy = false
        // `d.nextmetacopy`, `d.nextredirect`: what the next layer would follow.
        var nextMetacopy = false, nextRedirect = false
        var refusesNext: Bool {
            rejectsEarly && ((nextMetacopy && !options.metacopy) || (nextRedirect && options.redirect == .nofollow))
        }
        var poe = parent.lowers
        if parent.inUpper, let u = upper?[path] {
            if isWhiteout(u) { return ChildLookup() }
            if metacopyXattrTooSmall(u) { return ChildLookup(refusal: .EIO) }
            inUpper = true
            top = u
            // R22, R78: the lookup of a metacopy file carries on down to find its data (also
            // with metacopy=off, where finding a lower is refused, R81).
            upperMetacopy = isMetacopy(u)
            d.metacopy = upperMetacopy
            d.isDir = u.kind.isDir
            if (!u.kind.isDir && !upperMetacopy) || u.xattrs[prefix[.opaque]] == "y" { d.stop = true }
            nextMetacopy = upperMetacopy
            let readsRedirect = checksRedirect || !parent.lowers.isEmpty
            if !d.stop, u.kind.isDir || upperMetacopy, readsRedirect, let r = u.xattrs[prefix[.redirect]] {
                guard LayerSet.redirectProblem(r) == nil else { return ChildLookup(refusal: .EINVAL) }
                d.readRedirect(r) { .relative($0) }
                nextRedirect = true
            }
        }
        var onRoot = false
        if case .absolute = d.name {
            poe = rootResolution.lowers
            onRoot = true
        }
        var found: [(layer: Int, path: RelPath)] = []
        var i = 0
        while !d.stop && i < poe.count {
            if refusesNext { return ChildLookup(refusal: .EPERM) }
            let (layer, base) = poe[i]
            if !checksRedirect {
                d.last = i == poe.count - 1
            } else if d.isDir || dataLayerCount == 0 {
                d.last = layer == lowers.count - dataLayerCount - 1
            }
            let this: (path: RelPath, node: Node)?
            switch lookupLayer(layer, base: base, &d) {
            case .failure(let e): return ChildLookup(refusal: e)
            case .success(let t): this = t
            }
            i += 1
            guard let (lowerPath, l) = this else { continue }
            if (upperMetacopy || d.metacopy) && !options.metacopy && !rejectsEarly { return ChildLookup(refusal: .EPERM) }
            if d.metacopy { nextMetacopy = true }
            // Only the first lower dir is verified against the origin (`!ctr` in ovl_lookup).
            if found.isEmpty, inUpper, let u = upper?[path], u.kind.isDir, originRefusesMerge(u, layer, lowerPath) { break }
            if top == nil {
                top = l
            } else if case .file = l.kind, !d.metacopy, top?.kind.isDir == false {
                // A metacopy file shows the data of the first regular file below it (R78), and
                // keeps its own i_size (`inode.c:ovl_getattr` stats the metacopy inode).
                top?.takeMetacopyData(from: l)
            }
            // Only the topmost lower metacopy file is kept in the stack (`ovl_lookup`).
            if !(d.metacopy && !found.isEmpty) { found.append((layer, lowerPath)) }
            if d.redirect {
                if !checksRedirect && !rejectsEarly {
                    return ChildLookup(resolution: top.map { Resolution(inUpper: inUpper, lowers: found, node: $0) }, refusal: .EPERM)
                }
                nextRedirect = true
            }
            if d.stop { break }
            if case .absolute = d.name, !onRoot {
                // `poe = roe`: the root's stack holds every namespace layer, so go on below `layer`.
                poe = rootResolution.lowers
                onRoot = true
                i = layer + 1
            }
        }
        let needData = d.metacopy || (upperMetacopy && found.isEmpty)
        if refusesNext, !(needData && found.last.flatMap({ lowers[$0.layer][$0.path] }).map(defersDataLookup) == true) {
            return ChildLookup(refusal: .EPERM)
        }
        guard var node = top else { return ChildLookup() }
        if needData {
            // R81/R83: no data below the metacopy file: EIO, unless the data lookup is deferred
            // to the data-only layers (`namei.c:ovl_lookup`).
            guard let lowerMeta = found.last.flatMap({ lowers[$0.layer][$0.path] }), defersDataLookup(lowerMeta) else {
                return ChildLookup(refusal: .EIO)
            }
            if let (layer, dataPath) = dataLayerFile(lowerMeta), let data = lowers[layer][dataPath], case .file = data.kind {
                node.takeMetacopyData(from: data)
                found.append((layer, dataPath))
            }
        }
        return ChildLookup(resolution: Resolution(inUpper: inUpper, lowers: found, node: node))
    }

    /// `ovl_lookup_layer`: looks `d.name` up in lower `layer`, whose directory of the parent is
    /// `base` — a relative name inside it, an absolute one component by component from the
    /// layer's root, where a component's own redirect rewrites the name for the layers below.
    func lookupLayer(_ layer: Int, base: RelPath, _ d: inout LayerWalk) -> Result<(path: RelPath, node: Node)?, ModelErrno> {
        guard case .absolute(let start) = d.name else {
            guard case .relative(let name) = d.name else { return .success(nil) }
            let path = base.appending(name)
            return lookupSingle(layer, path, lastElement: true, &d) { .relative($0) }.map { $0.map { (path, $0) } }
        }
        // Counting down from the end, since the prefix can change (as `ovl_lookup_layer`).
        var remaining = start.count
        var path = RelPath.root
        var node: Node?
        while remaining > 0, case .absolute(let comps) = d.name {
            let j = comps.count - remaining
            path = path.appending(comps[j])
            let prefix = Array(comps[..<j]), post = Array(comps[(j + 1)...])
            switch lookupSingle(layer, path, lastElement: remaining == 1, &d, relative: { .absolute(prefix + [$0] + post) }, post: post) {
            case .failure(let e): return .failure(e)
            case .success(let n): node = n
            }
            guard node != nil else { return .success(nil) }
            remaining -= 1
        }
        return .success(node.map { (path, $0) })
    }

    /// `ovl_lookup_single` in lower `layer`: what the object at `path` says about the search.
    /// - Parameters:
    ///   - relative: the name a relative redirect read here gives the layers below.
    ///   - post: the components after this one (kept after an absolute redirect).
    func lookupSingle(_ layer: Int, _ path: RelPath, lastElement: Bool, _ d: inout LayerWalk,
                      relative: (String) -> LayerName, post: [String] = []) -> Result<Node?, ModelErrno> {
        guard let node = lowers[layer][path] else { return .success(nil) }
        if isWhiteout(node) {
            d.stop = true
            return .success(nil)
        }
        // Below a metacopy file only a regular file is a match (R81: else no data).
        if lastElement, d.metacopy, node.kind.fileType != .file {
            d.stop = true
            return .success(nil)
        }
        if !node.kind.isDir {
            // A lower non-directory below a directory found higher up is ignored (R22).
            if d.isDir || !lastElement {
                d.stop = true
                return .success(nil)
            }
            if metacopyXattrTooSmall(node) { return .failure(.EIO) }
            d.metacopy = isMetacopy(node)
            d.stop = !d.metacopy
            if !d.metacopy || d.last { return .success(node) }
        } else {
            if lastElement { d.isDir = true }
            if d.last { return .success(node) }
            if node.xattrs[prefix[.opaque]] == "y" {
                d.stop = true
                return .success(node)
            }
        }
        d.absoluteRedirect = false
        if let r = node.xattrs[prefix[.redirect]] {
            guard LayerSet.redirectProblem(r) == nil else { return .failure(.EINVAL) }
            d.readRedirect(r, post: post, relative: relative)
        }
        return .success(node)
    }

    /// True when a lower layer still has `path` (`namei.c:ovl_lower_positive`): removing it must
    /// then leave a whiteout (R33).
    public mutating func lowerPositive(_ path: RelPath) -> Bool {
        guard let parentPath = path.parent, case .success(let parent) = lookup(parentPath) else { return false }
        if parent.inUpper, upper?[parentPath]?.xattrs[prefix[.opaque]] == "y" { return false }
        for (layer, lp) in parent.lowers {
            guard let l = lowers[layer][lp.appending(path.name)] else { continue }
            return !isWhiteout(l)
        }
        return false
    }

    /// What getdents64 of directory `path` returns: name → d_type (R25: a set; whiteouts hidden).
    ///
    /// A name whose lookup is refused (R51) is still listed with the d_type of its real entry —
    /// except on a samefs mount in a merged directory whose upper is impure: there
    /// `readdir.c:ovl_iterate` looks up every upper entry for its d_ino (`ovl_calc_d_ino`,
    /// `ovl_cache_update`). The refusal marks the entry stale (`is_whiteout`) and ends that
    /// getdents64 call; as `.` and `..` were already returned, the call succeeds, and the next one
    /// skips the stale entry: the name silently disappears from the listing (seen on 6.12).
    /// Whether the directory is impure is decided before the entries are looked up
    /// (`ovl_cache_entry_new`).
    ///
    /// R46: reading an impure pure-upper directory through the translating path (samefs or xino:
    /// `readdir.c:ovl_iterate_real`) first builds the impure cache by looking every entry up
    /// (`ovl_dir_read_impure`): a lookup that fails fails the whole getdents with its errno, and
    /// a cache with no entry left drops `X.impure` (`ovl_cache_get_impure`: "a good opportunity
    /// to get rid of an unneeded impure flag").
    public mutating func listing(_ path: RelPath, of dir: Resolution) -> Result<[String: FileType], ModelErrno> {
        if recalculatesUpperDino(path, of: dir), readsReal(path, dir), let u = upper {
            var failures = Set<ModelErrno>()
            for name in u.children(of: path) {
                if case .failure(let e) = lookup(path.appending(name)), e != .ENOENT { failures.insert(e) }
            }
            if let e = failures.first {
                if failures.count > 1 {
                    unpredicted = unpredicted ?? "readdir of \(path): entries whose lookups fail with different errnos; the upper's readdir order decides which one getdents returns"
                }
                return .failure(e)
            }
            if u[path]?.xattrs[prefix[.impure]] == "y", !u.children(of: path).contains(where: { hasOrigin(path.appending($0)) }) {
                setPrivateXattr(path, .impure, nil)
            }
        }
        var names = Set<String>()
        if dir.inUpper, let u = upper { names.formUnion(u.children(of: path)) }
        for (layer, lp) in dir.lowers { names.formUnion(lowers[layer].children(of: lp)) }
        var out: [String: FileType] = [:]
        for name in names.sorted() {
            let child = path.appending(name)
            var probe = self
            // Only a name readdir looks up gets ovl_lookup's side effects (such as ovl_fix_origin);
            // the others come from reading the real directories, which changes nothing.
            let looksUp = readdirLooksUp(name, in: path, of: dir)
            switch looksUp ? lookup(child) : probe.lookup(child) {
            case .success(let r): out[name] = r.node.kind.fileType
            case .failure(.ENOENT):
                if listsXwhiteout(name, in: path, of: dir) { out[name] = .file }
            case .failure:
                // A name whose lookup fails is listed as its real entry unless readdir looked it
                // up: `ovl_cache_update` then marks it stale and getdents skips it (R81: a
                // metacopy file without data is listed without xino, "native d_ino will do").
                guard !looksUp, let real = upper?[child] ?? topmostLower(name, of: dir)?.node else { continue }
                out[name] = real.kind.fileType
            }
        }
        for name in passedThroughWhiteouts(path, of: dir) { out[name] = .chardev }
        return .success(unknownTypes(path, of: dir, out))
    }

    /// The first lower entry `name` of directory `dir`: what a readdir that does not look the name
    /// up lists.
    func topmostLower(_ name: String, of dir: Resolution) -> (layer: Int, path: RelPath, node: Node)? {
        for (layer, lp) in dir.lowers {
            if let l = lowers[layer][lp.appending(name)] { return (layer, lp.appending(name), l) }
        }
        return nil
    }

    /// R30: a 0:0 character device, or an xwhiteout — an empty regular file carrying `X.whiteout`
    /// — in any layer, the upper included (`util.c:ovl_path_is_whiteout`); before 6.7 only the
    /// device (``KernelChanges/xwhiteouts``).
    func isWhiteout(_ node: Node) -> Bool {
        node.kind == .whiteout || (node.kind == .file(data: "") && node.xattrs[prefix[.whiteout]] != nil
                                   && environment.has(KernelChanges.xwhiteouts))
    }

    /// R31: remembers the lower layers whose directory here carries `X.opaque=x`. As
    /// `namei.c:ovl_lookup_single`, only the lower layers are read and never the lowermost one.
    mutating func noteXwhiteoutDirs(_ r: Resolution) {
        guard r.node.kind.isDir else { return }
        for (layer, p) in r.lowers where layer < lowers.count - 1 && lowers[layer][p]?.xattrs[prefix[.opaque]] == "x" {
            xwhiteoutLayers.insert(layer)
        }
    }

    /// R31: whether getdents still lists `name`, whose lookup found a whiteout: it does when the
    /// topmost entry of that name is an xwhiteout that readdir does not look up — it looks up a
    /// regular file only when the layer holding it has met an `opaque=x` dir and a lower of this
    /// very dir is one (`readdir.c:ovl_dir_read_merged`, `in_xwhiteouts_dir`, `check_xwhiteout`).
    mutating func listsXwhiteout(_ name: String, in path: RelPath, of dir: Resolution) -> Bool {
        let child = path.appending(name)
        var top: (layer: Int?, node: Node)?
        if dir.inUpper, let u = upper?[child] {
            top = (nil, u)
        } else {
            for (layer, lp) in dir.lowers {
                if let l = lowers[layer][lp.appending(name)] { top = (layer, l); break }
            }
        }
        guard let (layer, node) = top, node.kind != .whiteout, isWhiteout(node) else { return false }
        let dirMarked = dir.lowers.contains { $0.layer < lowers.count - 1 && lowers[$0.layer][$0.path]?.xattrs[prefix[.opaque]] == "x" }
        let checked = layer.map { xwhiteoutLayers.contains($0) } ?? false
        return !(checked && dirMarked)
    }

    /// True when readdir of `path` recalculates the d_ino of upper entries by looking them up:
    /// the directory is impure (`readdir.c:ovl_calc_d_ino`) and the layers share one st_dev
    /// (`ovl_cache_update` returns early unless `ovl_same_dev`: samefs or xino); decided before
    /// any entry is read.
    func recalculatesUpperDino(_ path: RelPath, of dir: Resolution) -> Bool {
        (allOnOneFS || xinoBits > 0) && dir.inUpper && upper?[path]?.xattrs[prefix[.impure]] == "y"
    }

    /// Whether readdir of `path` looks `name` up through the overlay to recalculate its d_ino
    /// (`readdir.c:ovl_calc_d_ino`, `ovl_cache_update`): every name with xino bits, and the
    /// upper's names of an impure directory on one filesystem.
    func readdirLooksUp(_ name: String, in path: RelPath, of dir: Resolution) -> Bool {
        xinoBits > 0 || (recalculatesUpperDino(path, of: dir) && upper?[path.appending(name)] != nil)
    }

    /// Every name the layers of merged directory `path` hold, whiteouts and unreachable ones too.
    func childNames(_ path: RelPath, of dir: Resolution) -> Set<String> {
        var names = Set<String>()
        if dir.inUpper, let u = upper { names.formUnion(u.children(of: path)) }
        for (layer, lp) in dir.lowers { names.formUnion(lowers[layer].children(of: lp)) }
        return names
    }

    /// What `readdir.c:ovl_check_empty_dir` finds in directory `path` before rmdir or a rename
    /// over it (R34): ``mergedChildren(_:of:)`` without ovl_lookup's side effects, since it reads
    /// the real directories and looks nothing up through the overlay (no `ovl_fix_origin`).
    func entriesBlockingRemoval(_ path: RelPath, of dir: Resolution) -> [String: Resolution] {
        var probe = self
        return probe.mergedChildren(path, of: dir)
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
