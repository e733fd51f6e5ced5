/// Where a name of the merged view comes from: its upper object and the lower objects it merges.
public struct Resolution: Sendable, Equatable {
    /// True when the upper layer holds this object (the upper path equals the merged path).
    public var inUpper: Bool
    /// The lower objects, top first: (layer index, real path in that layer).
    public var lowers: [(layer: Int, path: RelPath)]
    /// The topmost object: its metadata is what the merged view shows (R23).
    public var node: Node
    /// R83: the absolute redirect whose data file the deferred lookup looks for in the data-only
    /// layers (`namei.c:ovl_lookup`'s `oip.lowerdata_redirect`: the last redirect read on the way,
    /// whichever lower metacopy file carried it); nil when the data was not deferred.
    public var lowerdataRedirect: String? = nil

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
            let step = walk.child(parent: current, name: name, path: child, top: current.inUpper ? upper?[child] : nil)
            if let next = step.resolution, next.inUpper, next.node.kind.isDir, !next.lowers.isEmpty,
               !upperLacksXattrs, upper?[child]?.xattrs[prefix[.origin]] == nil {
                setPrivateXattr(child, .origin, originValue(layer: next.lowers.first?.layer ?? 0))
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

    /// The mount's walk down its stack (``StackWalk``): its options on its kernel, origins
    /// verified with nfs_export (R70).
    var walk: StackWalk {
        StackWalk(upper: upper, lowers: lowers, dataLayerCount: dataLayerCount,
                  policy: WalkPolicy(options: options, environment: environment),
                  traps: lowerTraps,
                  refusesMerge: options.nfsExport ? { [self] in originRefusesMerge($0, $1, $2) } : nil)
    }

    /// The root: the upper root (if any) merged with every lower root.
    var rootResolution: Resolution { walk.root }

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
    /// getdents64 call; when `.` and `..` were already returned the call succeeds, and the next one
    /// skips the stale entry: the name silently disappears from the listing (seen on 6.12). The
    /// cache lists the lowest layer's names first, in its fs's order: on ext4 (hash order,
    /// ``LayerFilesystem/listsDotsFirst``) a failing name the lowest layer has may come first, and
    /// the model does not predict it.
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
                // metacopy file without data is listed without xino, "native d_ino will do") —
                // unless it is the first entry of the cache, which lists the lowest layer's names
                // first, in that layer's order (`ovl_dir_read_merged`, `ovl_fill_lowest`): then
                // getdents fails with the lookup's errno.
                if looksUp, dir.isMergedDir, let lowest = dir.lowers.last,
                   lowers[lowest.layer][lowest.path.appending(name)] != nil, !lowerFilesystem(lowest.layer).listsDotsFirst {
                    unpredicted = unpredicted ?? "readdir of \(path) looks up \(name), which fails; whether getdents skips it or fails depends on where the hash order of the lowest layer's fs puts it"
                }
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

    /// R30 (``WalkPolicy/isWhiteout(_:)``).
    func isWhiteout(_ node: Node) -> Bool { WalkPolicy(options: options, environment: environment).isWhiteout(node) }

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
    /// very dir is one (`readdir.c:ovl_dir_read_merged`, `in_xwhiteouts_dir`, `check_xwhiteout`),
    /// and never in a dir read as the real one (`ovl_iterate` with `od->is_real`: a dir of one
    /// lower without origin, `inode.c:ovl_get_inode` sets no `OVL_WHITEOUTS` for an `opaque=x`).
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
        if readsReal(path, dir) { return true }
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

    /// True when `readdir.c:ovl_check_empty_dir` finds directory `path` not empty (ENOTEMPTY for
    /// rmdir and a rename over it): a name it resolves (R34), an upper whiteout it cannot tell on an
    /// upper without d_type (R28, ``unknownTypeBlocksRmdir(_:)``), or a whiteout an overlay lower
    /// lists (R30, R91, ``listedWhiteoutBlocksRemoval(_:of:)``).
    mutating func emptyDirCheckFails(_ path: RelPath, of dir: Resolution) -> Bool {
        !entriesBlockingRemoval(path, of: dir).isEmpty || unknownTypeBlocksRmdir(path) || listedWhiteoutBlocksRemoval(path, of: dir)
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
