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
               !upperLacksXattrs, upper?[child]?.xattrs[prefix + "origin"] == nil {
                setPrivateXattr(child, "origin", originValue)
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

    /// One step of the walk: `name` inside the already-resolved directory `parent`.
    ///
    /// An upper directory's `X.redirect` (R50) names where its lowers are: relative to the
    /// parent's lowers, or, when absolute, from the root of every lower layer
    /// (`namei.c:ovl_lookup` resets `poe` to `roe`). With redirect_dir=nofollow the redirect is
    /// still read whenever the parent has lowers, and the lowers are searched under the redirected
    /// name: finding one refuses the lookup with EPERM ("refusing to follow redirect"); finding none
    /// leaves a pure upper directory — its own name is not searched (R51).
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
        var stop = false
        var redirect: String?
        var candidates = parent.lowers.map { (layer: $0.layer, path: $0.path.appending(name)) }
        var needData = false
        let rejectsEarly = environment.has(KernelChanges.consistentRedirectRejection)
        let checksRedirect = options.redirect != .nofollow
            || (dataLayerCount > 0 && environment.has(KernelChanges.dataOnlyWithoutMetacopy))
        // `d.nextmetacopy`, `d.nextredirect`: what the next layer would follow.
        var nextMetacopy = false, nextRedirect = false
        var refusesNext: Bool {
            rejectsEarly && ((nextMetacopy && !options.metacopy) || (nextRedirect && options.redirect == .nofollow))
        }
        if parent.inUpper, let u = upper?[path] {
            if isWhiteout(u) { return ChildLookup() }
            if metacopyXattrTooSmall(u) { return ChildLookup(refusal: .EIO) }
            inUpper = true
            top = u
            // R22, R78: the lookup of a metacopy file carries on down to find its data (also
            // with metacopy=off, where finding a lower is refused, R81).
            needData = isMetacopy(u)
            if (!u.kind.isDir && !needData) || u.xattrs[prefix + "opaque"] == "y" { stop = true }
            nextMetacopy = needData
            let readsRedirect = checksRedirect || !parent.lowers.isEmpty
            if !stop, u.kind.isDir || needData, readsRedirect, let r = u.xattrs[prefix + "redirect"] {
                redirect = r
                nextRedirect = true
                if r.hasPrefix("/") {
                    let target = RelPath(parsing: String(r.dropFirst()))?.withoutTrailingSlash ?? .root
                    // From the root's lower stack (`poe = roe`), which holds no data-only layer (R83).
                    candidates = lowers.indices.dropLast(dataLayerCount).map { (layer: $0, path: target) }
                } else {
                    candidates = parent.lowers.map { (layer: $0.layer, path: $0.path.appending(r)) }
                }
            }
        }
        var found: [(layer: Int, path: RelPath)] = []
        if !stop {
            var next = 0
            while next < candidates.count {
                if refusesNext { return ChildLookup(refusal: .EPERM) }
                let (layer, lowerPath) = candidates[next]
                next += 1
                guard let l = lowers[layer][lowerPath] else { continue }
                // Only the first lower dir is verified against the origin (`!ctr` in ovl_lookup).
                if found.isEmpty, let u = upper?[path], inUpper, u.kind.isDir, originRefusesMerge(u, layer, lowerPath) { break }
                if isWhiteout(l) { break }
                if redirect != nil, options.redirect == .nofollow {
                    // A lower non-directory under an upper directory is not a match (R22).
                    guard l.kind.isDir, let t = top else { break }
                    return ChildLookup(resolution: Resolution(inUpper: inUpper, lowers: [(layer, lowerPath)], node: t),
                                       refusal: .EPERM)
                }
                if !l.kind.isDir {
                    // A lower non-directory below a directory found higher up is ignored (R22).
                    guard top == nil || needData else { break }
                    // Below a metacopy file only a regular file is a match (R81: else no data).
                    guard case .file = l.kind else {
                        if top == nil { top = l; found.append((layer, lowerPath)) }
                        break
                    }
                    switch metacopyStep(l, below: needData) {
                    case .refused(let e): return ChildLookup(refusal: e)
                    case .metacopy:
                        // R22: the lookup of a lower metacopy file carries on for its data; only
                        // the topmost lower metacopy file is kept in the stack (`ovl_lookup`).
                        if found.isEmpty { found.append((layer, lowerPath)) }
                        if top == nil { top = l }
                        needData = true
                        nextMetacopy = true
                        // `ovl_lookup_single` reads its redirect unless this is the last layer (`d.last`).
                        let lastLayer = checksRedirect ? dataLayerCount == 0 && layer == lowers.count - 1 : next == candidates.count
                        if !lastLayer, l.xattrs[prefix + "redirect"] != nil { nextRedirect = true }
                        followMetacopyRedirect(l, below: layer, &candidates, from: next)
                        continue
                    case .data:
                        // A metacopy file shows the data of the first regular file below it (R78).
                        if needData {
                            top?.takeData(from: l)
                            needData = false
                        } else {
                            top = l
                        }
                        found.append((layer, lowerPath))
                    }
                    break
                }
                if let t = top, !t.kind.isDir { break }
                if top == nil { top = l }
                found.append((layer, lowerPath))
                if l.xattrs[prefix + "opaque"] == "y" { break }
            }
        }
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
                node.takeData(from: data)
                found.append((layer, dataPath))
            }
        }
        return ChildLookup(resolution: Resolution(inUpper: inUpper, lowers: found, node: node))
    }

    /// A lower metacopy file's absolute redirect sends the rest of the search for its data to
    /// that path in every normal lower below it (`namei.c:ovl_lookup`: `poe = roe`, "Find the
    /// current layer on the root dentry"); the data-only layers come after (R83).
    func followMetacopyRedirect(_ l: Node, below layer: Int, _ candidates: inout [(layer: Int, path: RelPath)], from next: Int) {
        guard let r = l.xattrs[prefix + "redirect"], r.hasPrefix("/"),
              let target = RelPath(parsing: String(r.dropFirst())) else { return }
        candidates = Array(candidates.prefix(next)) + ((layer + 1)..<(lowers.count - dataLayerCount)).map { (layer: $0, path: target) }
    }

    /// True when a lower layer still has `path` (`namei.c:ovl_lower_positive`): removing it must
    /// then leave a whiteout (R33).
    public mutating func lowerPositive(_ path: RelPath) -> Bool {
        guard let parentPath = path.parent, case .success(let parent) = lookup(parentPath) else { return false }
        if parent.inUpper, upper?[parentPath]?.xattrs[prefix + "opaque"] == "y" { return false }
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
    /// `readdir.c:ovl_iterate_real`) drops `X.impure` when no entry has an origin any more
    /// (`ovl_cache_get_impure`: "a good opportunity to get rid of an unneeded impure flag").
    public mutating func listing(_ path: RelPath, of dir: Resolution) -> [String: FileType] {
        if let u = upper, isPureUpperDir(path, dir), u[path]?.xattrs[prefix + "impure"] == "y",
           environment.samefs || options.xino != .off,
           !u.children(of: path).contains(where: { hasOrigin(path.appending($0)) }) {
            setPrivateXattr(path, "impure", nil)
        }
        let looksUpUpperEntries = environment.samefs && dir.inUpper && dir.isMergedDir
            && upper?[path]?.xattrs[prefix + "impure"] == "y"
        var names = Set<String>()
        if dir.inUpper, let u = upper { names.formUnion(u.children(of: path)) }
        for (layer, lp) in dir.lowers { names.formUnion(lowers[layer].children(of: lp)) }
        // readdir looks entries up through the overlay (with ovl_lookup's side effects, such as
        // ovl_fix_origin) only where it recalculates d_ino (`readdir.c:ovl_calc_d_ino`): every
        // entry with xino, upper entries of an impure directory. Other names come from reading
        // the real directories, which changes nothing.
        let recalculatesUpper = recalculatesUpperDino(path, of: dir)
        var out: [String: FileType] = [:]
        for name in names {
            let child = path.appending(name)
            var probe = self
            let found = xinoBits > 0 || (recalculatesUpper && upper?[child] != nil) ? lookup(child) : probe.lookup(child)
            switch found {
            case .success(let r): out[name] = r.node.kind.fileType
            case .failure(.ENOENT):
                if listsXwhiteout(name, in: path, of: dir) { out[name] = .file }
            case .failure:
                // A lower-only name is looked up only with xino (R81: a metacopy file without
                // data is still listed, `readdir.c:ovl_calc_d_ino`: "native d_ino will do").
                guard let real = upper?[child] ?? (xinoBits == 0 ? topmostLower(name, of: dir)?.node : nil),
                      upper?[child] == nil || !looksUpUpperEntries else { continue }
                out[name] = real.kind.fileType
            }
        }
        for name in passedThroughWhiteouts(path, of: dir) { out[name] = .chardev }
        return unknownTypes(path, of: dir, out)
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
        node.kind == .whiteout || (node.kind == .file(data: "") && node.xattrs[prefix + "whiteout"] != nil
                                   && environment.has(KernelChanges.xwhiteouts))
    }

    /// R31: remembers the lower layers whose directory here carries `X.opaque=x`. As
    /// `namei.c:ovl_lookup_single`, only the lower layers are read and never the lowermost one.
    mutating func noteXwhiteoutDirs(_ r: Resolution) {
        guard r.node.kind.isDir else { return }
        for (layer, p) in r.lowers where layer < lowers.count - 1 && lowers[layer][p]?.xattrs[prefix + "opaque"] == "x" {
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
        let dirMarked = dir.lowers.contains { $0.layer < lowers.count - 1 && lowers[$0.layer][$0.path]?.xattrs[prefix + "opaque"] == "x" }
        let checked = layer.map { xwhiteoutLayers.contains($0) } ?? false
        return !(checked && dirMarked)
    }

    /// True when readdir of `path` recalculates the d_ino of upper entries by looking them up:
    /// the directory is impure (`readdir.c:ovl_calc_d_ino`); decided before any entry is read.
    func recalculatesUpperDino(_ path: RelPath, of dir: Resolution) -> Bool {
        dir.inUpper && upper?[path]?.xattrs[prefix + "impure"] == "y"
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
