/// What a walk down a stack of layers follows and what it refuses: the mount's resolved options
/// on its kernel (``init(options:environment:)``), or the layer checker's reading (``fsck(prefix:)``).
struct WalkPolicy: Sendable {
    /// The private xattr namespace the layers are read in.
    var prefix: XattrPrefix
    /// `redirect_dir=` as the mount resolved it: nofollow reads a redirect but refuses to follow it (R51).
    var redirect: RedirectMode
    var metacopy: Bool
    /// A redirect value `namei.c:ovl_check_redirect` refuses fails the lookup with EINVAL; when
    /// false it is read as no redirect (the checker reports and removes it, R50).
    var refusesBadRedirect = true
    /// The kernel whose rules apply.
    var environment: Environment

    /// ``KernelChanges/consistentRedirectRejection`` (6.16).
    var rejectsEarly: Bool { environment.has(KernelChanges.consistentRedirectRejection) }
    /// ``KernelChanges/dataOnlyWithoutMetacopy``.
    var dataOnlyReadsRedirects: Bool { environment.has(KernelChanges.dataOnlyWithoutMetacopy) }
}

extension WalkPolicy {
    /// The mount's walk.
    init(options: ResolvedOptions, environment: Environment) {
        self.init(prefix: options.xattrPrefix, redirect: options.redirect, metacopy: options.metacopy, environment: environment)
    }

    /// fsck.overlay's walk (`lib.c:ovl_lookup` of overlayfs-progs): it cannot know the mount's
    /// options, so it reads what the most permissive mount of the newest kernel reads — every
    /// redirect followed (`redirect_dir=follow`), metacopy files read — and a malformed redirect
    /// as none (its redirect check reports it).
    static func fsck(prefix: XattrPrefix) -> WalkPolicy {
        WalkPolicy(prefix: prefix, redirect: .follow, metacopy: true, refusesBadRedirect: false,
                   environment: Environment(defaults: .debian, samefs: true))
    }

    /// R30: a 0:0 character device, or an xwhiteout — an empty regular file carrying `X.whiteout`
    /// — in any layer, the upper included (`util.c:ovl_path_is_whiteout`); before 6.7 only the
    /// device (``KernelChanges/xwhiteouts``).
    func isWhiteout(_ node: Node) -> Bool {
        node.kind == .whiteout || (node.kind == .file(data: "") && node.xattrs[prefix[.whiteout]] != nil
                                   && environment.has(KernelChanges.xwhiteouts))
    }

    /// True when `node` is a regular file marked `X.metacopy` (its data lives in a lower file).
    /// Kernel: `util.c:ovl_check_metacopy_xattr`.
    func isMetacopy(_ node: Node) -> Bool {
        guard case .file = node.kind else { return false }
        return node.xattrs[prefix[.metacopy]] != nil
    }

    /// R81: a regular file whose `X.metacopy` holds 1–3 bytes, which every lookup refuses with
    /// EIO, on any mount (`namei.c:ovl_lookup_single` → `util.c:ovl_check_metacopy_xattr` with no
    /// buffer: "metacopy file '%pd' has too small xattr"). The version and length of a longer value
    /// are only read to verify a verity digest. Before 6.6 any value marks a metacopy file
    /// (``KernelChanges/metacopyHeader``).
    func metacopyXattrTooSmall(_ node: Node) -> Bool {
        guard environment.has(KernelChanges.metacopyHeader), case .file = node.kind, let value = node.xattrs[prefix[.metacopy]] else { return false }
        return (1..<4).contains(OverlayModel.xattrBytes(value).count)
    }
}

/// `namei.c:ovl_lookup` over one stack of layers: a top layer read as the upper, and the lower
/// layers from ``firstLower`` down, followed as ``policy`` says. The mount walks its own stack;
/// the layer checker walks the stack below each layer it checks, with that layer on top — one
/// walk, so a redirect in a lower layer is followed by both alike.
struct StackWalk {
    /// The layer read as the upper (the checker's: the layer being checked); nil for none.
    var upper: Layer?
    /// Every lower layer, top first; indices in resolutions are into this array.
    var lowers: [Layer]
    /// The topmost lower of this stack: the root's stack holds `firstLower..<` the data-only layers.
    var firstLower = 0
    /// How many of ``lowers`` (the last ones) are data-only layers (R83).
    var dataLayerCount: Int
    var policy: WalkPolicy
    /// Lower directories that are another layer's root (``OverlayModel/lowerTraps``): a lookup
    /// that reaches one is ELOOP (`namei.c:ovl_lookup_single` → `ovl_lookup_trap_inode`, R7).
    var traps: [(layer: Int, path: RelPath)] = []
    /// R70: true when an upper directory must not merge the lower directory at (layer, path)
    /// (`namei.c:ovl_verify_origin`); nil when the mount verifies no origin.
    var refusesMerge: ((Node, Int, RelPath) -> Bool)?

    var prefix: XattrPrefix { policy.prefix }

    /// The index one past the last lower of the namespace (data-only layers are never merged, R83).
    var namespaceEnd: Int { lowers.count - dataLayerCount }

    /// The root: the upper root (if any) merged with every lower root of the stack.
    var root: Resolution {
        let stack = (firstLower..<max(firstLower, namespaceEnd)).map { (layer: $0, path: RelPath.root) }
        let node = upper?[.root] ?? (lowers.indices.contains(firstLower) ? lowers[firstLower][.root] : nil)
        return Resolution(inUpper: upper != nil, lowers: stack, node: node ?? Node(kind: .dir))
    }

    /// `path` resolved component by component, without the mount's side effects; nil when a
    /// component is missing, not a directory on the way, or its lookup is refused.
    func resolve(_ path: RelPath) -> Resolution? {
        var current = root
        var walked = RelPath.root
        for name in path.components {
            guard current.node.kind.isDir else { return nil }
            walked = walked.appending(name)
            let step = child(parent: current, name: name, path: walked, top: current.inUpper ? upper?[walked] : nil)
            guard step.refusal == nil, let next = step.resolution else { return nil }
            current = next
        }
        return current
    }

    /// What one step of the walk found: the object (nil: no such name), an errno that refuses
    /// the lookup after the lowers were searched (R51), and the first lower object met at the
    /// name itself whatever it is (a whiteout, a file below a directory, a refused one).
    struct ChildLookup {
        var resolution: Resolution?
        var refusal: ModelErrno?
        var firstMet: (layer: Int, path: RelPath)?
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
        /// The last redirect read (`d.redirect`: kept when a later object has none).
        var redirectValue: String?
        /// The first lower object met at the name itself (``ChildLookup/firstMet``).
        var firstMet: (layer: Int, path: RelPath)?

        /// `ovl_check_redirect`: `r` (already checked) becomes the name the layers below are
        /// asked for; an absolute one also resumes a search an opaque ancestor stopped.
        mutating func readRedirect(_ r: String, post: [String] = [], relative: (String) -> LayerName) {
            redirect = true
            redirectValue = r
            absoluteRedirect = r.hasPrefix("/")
            if absoluteRedirect {
                stop = false
                name = .absolute(r.split(separator: "/").map(String.init) + post)
            } else {
                name = relative(r)
            }
        }
    }

    /// The redirect of `node` the walk reads: .none without one; .refused when the policy refuses
    /// a value `namei.c:ovl_check_redirect` rejects (EINVAL), .none when it ignores it.
    enum ReadRedirect { case none, refused, value(String) }

    func redirect(of node: Node) -> ReadRedirect {
        guard let r = node.xattrs[prefix[.redirect]] else { return .none }
        guard LayerSet.redirectProblem(r) == nil else { return policy.refusesBadRedirect ? .refused : .none }
        return .value(r)
    }

    /// One step of the walk: `name` inside the already-resolved directory `parent`, whose upper
    /// object is `top` (nil: the upper has none, or the parent has no upper), down every layer as
    /// `namei.c:ovl_lookup` goes (R22, R30, R32, R50, R51, R78, R81, R83).
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
    func child(parent: Resolution, name: String, path: RelPath, top u: Node?) -> ChildLookup {
        var inUpper = false
        var top: Node?
        let rejectsEarly = policy.rejectsEarly
        let checksRedirect = policy.redirect != .nofollow || (dataLayerCount > 0 && policy.dataOnlyReadsRedirects)
        var d = LayerWalk(name: .relative(name))
        var upperMetacopy = false
        // `d.nextmetacopy`, `d.nextredirect`: what the next layer would follow.
        var nextMetacopy = false, nextRedirect = false
        var refusesNext: Bool {
            rejectsEarly && ((nextMetacopy && !policy.metacopy) || (nextRedirect && policy.redirect == .nofollow))
        }
        var poe = parent.lowers
        if let u {
            if policy.isWhiteout(u) { return ChildLookup() }
            if policy.metacopyXattrTooSmall(u) { return ChildLookup(refusal: .EIO) }
            inUpper = true
            top = u
            // R22, R78: the lookup of a metacopy file carries on down to find its data (also
            // with metacopy=off, where finding a lower is refused, R81).
            upperMetacopy = policy.isMetacopy(u)
            d.metacopy = upperMetacopy
            d.isDir = u.kind.isDir
            if (!u.kind.isDir && !upperMetacopy) || u.xattrs[prefix[.opaque]] == "y" { d.stop = true }
            nextMetacopy = upperMetacopy
            let readsRedirect = checksRedirect || !parent.lowers.isEmpty
            if !d.stop, u.kind.isDir || upperMetacopy, readsRedirect {
                switch redirect(of: u) {
                case .refused: return ChildLookup(refusal: .EINVAL)
                case .value(let r):
                    d.readRedirect(r) { .relative($0) }
                    nextRedirect = true
                case .none: break
                }
            }
        }
        var onRoot = false
        if case .absolute = d.name {
            poe = root.lowers
            onRoot = true
        }
        var found: [(layer: Int, path: RelPath)] = []
        var i = 0
        while !d.stop && i < poe.count {
            if refusesNext { return ChildLookup(refusal: .EPERM, firstMet: d.firstMet) }
            let (layer, base) = poe[i]
            if !checksRedirect {
                d.last = i == poe.count - 1
            } else if d.isDir || dataLayerCount == 0 {
                d.last = layer == namespaceEnd - 1
            }
            let this: (path: RelPath, node: Node)?
            switch lookupLayer(layer, base: base, &d) {
            case .failure(let e): return ChildLookup(refusal: e, firstMet: d.firstMet)
            case .success(let t): this = t
            }
            i += 1
            guard let (lowerPath, l) = this else { continue }
            if (upperMetacopy || d.metacopy) && !policy.metacopy && !rejectsEarly { return ChildLookup(refusal: .EPERM, firstMet: d.firstMet) }
            if d.metacopy { nextMetacopy = true }
            // Only the first lower dir is verified against the origin (`!ctr` in ovl_lookup).
            if found.isEmpty, inUpper, let u, u.kind.isDir, refusesMerge?(u, layer, lowerPath) == true { break }
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
                    return ChildLookup(resolution: top.map { Resolution(inUpper: inUpper, lowers: found, node: $0) },
                                       refusal: .EPERM, firstMet: d.firstMet)
                }
                nextRedirect = true
            }
            if d.stop { break }
            if case .absolute = d.name, !onRoot {
                // `poe = roe`: the root's stack holds every namespace layer, so go on below `layer`.
                poe = root.lowers
                onRoot = true
                i = layer + 1 - firstLower
            }
        }
        let needData = d.metacopy || (upperMetacopy && found.isEmpty)
        // R83 "Defer lookup of lowerdata in data-only layers to first access" (`namei.c:ovl_lookup`):
        // the last file met is a metacopy one, a lower is in the stack, and the last redirect
        // check read an absolute redirect — on that file or on a metacopy file above it, which
        // the stack does not keep (only the topmost lower metacopy file is).
        let deferred = d.metacopy && !found.isEmpty && dataLayerCount > 0 && d.absoluteRedirect ? d.redirectValue : nil
        if refusesNext, !(needData && deferred != nil) {
            return ChildLookup(refusal: .EPERM, firstMet: d.firstMet)
        }
        guard var node = top else { return ChildLookup(firstMet: d.firstMet) }
        if needData {
            // R81/R83: no data below the metacopy file: EIO, unless the data lookup is deferred.
            guard let deferred else { return ChildLookup(refusal: .EIO, firstMet: d.firstMet) }
            if let (layer, dataPath) = dataLayerFile(redirect: deferred), let data = lowers[layer][dataPath], case .file = data.kind {
                node.takeMetacopyData(from: data)
                found.append((layer, dataPath))
            }
        }
        var resolution = Resolution(inUpper: inUpper, lowers: found, node: node)
        resolution.lowerdataRedirect = needData ? deferred : nil
        return ChildLookup(resolution: resolution, firstMet: d.firstMet)
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
        if lastElement, d.firstMet == nil { d.firstMet = (layer, path) }
        if policy.isWhiteout(node) {
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
            if policy.metacopyXattrTooSmall(node) { return .failure(.EIO) }
            d.metacopy = policy.isMetacopy(node)
            d.stop = !d.metacopy
            if !d.metacopy || d.last { return .success(node) }
        } else {
            if traps.contains(where: { $0.layer == layer && $0.path == path }) { return .failure(.ELOOP) }
            if lastElement { d.isDir = true }
            if d.last { return .success(node) }
            if node.xattrs[prefix[.opaque]] == "y" {
                d.stop = true
                return .success(node)
            }
        }
        d.absoluteRedirect = false
        switch redirect(of: node) {
        case .refused: return .failure(.EINVAL)
        case .value(let r): d.readRedirect(r, post: post, relative: relative)
        case .none: break
        }
        return .success(node)
    }

    /// The data-only layer file an absolute `redirect` names (`namei.c:ovl_lookup_data_layers`).
    func dataLayerFile(redirect r: String) -> (layer: Int, path: RelPath)? {
        guard dataLayerCount > 0, r.hasPrefix("/"), let path = RelPath(parsing: String(r.dropFirst())) else { return nil }
        for layer in lowers.indices.suffix(dataLayerCount) where lowers[layer][path] != nil { return (layer, path) }
        return nil
    }
}
