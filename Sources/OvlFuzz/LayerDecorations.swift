import OvlModel

/// What the generator adds to a scenario's layers for the areas beyond its first vocabulary.
extension ScenarioGenerator {
    static let blobNames = ["b1", "b2"]
    static let blobTexts = ["data in blob", "D", "second layer"]

    /// One or two data-only layers under the normal lowers (R83), holding `blobs/b1`, `blobs/b2`
    /// and now and then a pool name (never visible), and one or two lower files made metacopy
    /// with an absolute redirect into them (usually to a blob that exists). A scenario without
    /// metacopy=on gets a metacopy option set, unless the options are fixed.
    func addDataLayers(_ s: inout Scenario, using rng: inout SeededRandom) {
        var dataLayers: [Layer] = []
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            var layer = Layer()
            for name in Self.blobNames where Int.random(in: 0..<3, using: &rng) != 0 {
                layer.entries[RelPath(components: ["blobs", name])] = Node(kind: .file(data: Self.blobTexts.randomElement(using: &rng)!))
            }
            if Int.random(in: 0..<3, using: &rng) == 0, let p = Self.pool.randomElement(using: &rng) {
                layer.entries[p] = Node(kind: .file(data: "hidden"))
            }
            layer.addMissingParents()
            dataLayers.append(layer)
        }
        let normal = s.lowers.count
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            let k = Int.random(in: 0..<normal, using: &rng)
            // A blob that exists where there is one: a redirect to a missing blob is only
            // refused when the file is opened (R83), which the model knows for opens alone.
            let present = Self.blobNames.filter { n in dataLayers.contains { $0.entries[RelPath(components: ["blobs", n])] != nil } }
            let name = (present.isEmpty ? Self.blobNames : present).randomElement(using: &rng)!
            guard let path = Self.pool.filter({ s.lowers[k].canHoldNewLeaf($0) }).randomElement(using: &rng) else { continue }
            let blob = dataLayers.lazy.compactMap { $0.entries[RelPath(components: ["blobs", name])] }.first
            var length = 4
            if case .file(let data)? = blob?.kind { length = data.utf8.count }
            s.lowers[k].entries[path] = Node(kind: .file(data: String(repeating: "\0", count: length)), perm: 0o644,
                                             xattrs: [XattrPrefix.trusted[.metacopy]: "", XattrPrefix.trusted[.redirect]: "/blobs/" + name])
            s.lowers[k].addMissingParents()
        }
        s.lowers += dataLayers
        s.dataLayerCount = dataLayers.count
        if options == nil, !s.options.contains(MountOption(key: "metacopy", value: "on")) {
            s.options = Self.metacopySets.randomElement(using: &rng)!
        }
    }

    /// An upper file marked metacopy (no origin) over a regular file of the normal lowers, of the
    /// same size, its data all zeros: it takes its data from the lower (R78, R79).
    func addMetacopyUpper(_ s: inout Scenario, using rng: inout SeededRandom) {
        guard let upper = s.upper else { return }
        let normal = s.lowers.prefix(s.lowers.count - s.dataLayerCount)
        let candidates = Self.pool.filter { p in
            guard upper.canHoldNewLeaf(p), let top = normal.lazy.compactMap({ $0.entries[p] }).first else { return false }
            if case .file = top.kind { return true }
            return false
        }
        guard let path = candidates.randomElement(using: &rng),
              case .file(let data)? = normal.lazy.compactMap({ $0.entries[path] }).first?.kind else { return }
        s.upper?.entries[path] = Node(kind: .file(data: String(repeating: "\0", count: data.utf8.count)),
                                      perm: [0o644, 0o600].randomElement(using: &rng)!,
                                      xattrs: [XattrPrefix.trusted[.metacopy]: ""])
        s.upper?.addMissingParents()
    }

    /// `layer_fs:` puts the upper (and work dir) or the lowers on ramfs or on ext4 without d_type
    /// (R10, R12, R28), or the lowers on a read-only filesystem (erofs, squashfs, a read-only ext4
    /// or xfs, an overlay of each lower's folder); a layer on a filesystem without xattrs loses its
    /// xattrs (ramfs cannot hold them, so the layer builder could not make them), and the folders
    /// under overlay lowers are written as a nested layer is (``Layer/escapedForNesting()``).
    func putOnSpecialFS(_ s: inout Scenario, using rng: inout SeededRandom) {
        var choices = [LayerFSOverride(lower: "ext4-nodtype"), LayerFSOverride(lower: "ramfs")]
            + LayerFilesystem.readOnly.map { LayerFSOverride(lower: $0) }
        if s.upper != nil { choices += [LayerFSOverride(upper: "ext4-nodtype"), LayerFSOverride(upper: "ramfs")] }
        let override = choices.randomElement(using: &rng)!
        s.layerFS = override
        if let lower = override.lower, !LayerFilesystem.named(lower).xattrs {
            s.lowers = s.lowers.map { $0.withoutXattrs() }
        }
        if override.lower.map({ LayerFilesystem.named($0).sealing == .overlay }) == true {
            s.lowers = s.lowers.map { $0.escapedForNesting() }
        }
        if let upper = override.upper, !LayerFilesystem.named(upper).xattrs {
            s.upper = s.upper?.withoutXattrs()
        }
    }
}

extension Layer {
    /// True when `path` is free here for a new non-directory: no entry at it or below it, and
    /// no non-directory among its ancestors.
    func canHoldNewLeaf(_ path: RelPath) -> Bool {
        entries[path] == nil
            && !entries.keys.contains { $0 != path && $0.hasPrefix(path) }
            && !path.ancestors.contains { a in entries[a].map { !$0.kind.isDir } ?? false }
    }

    /// The layer as a folder meant to sit under an overlay lower is written (R91, 6.7+ escaping):
    /// each `trusted.overlay.X` becomes `trusted.overlay.overlay.X`, which the inner overlay shows
    /// as `trusted.overlay.X` (`xattrs.c:ovl_own_xattr_get`), and each whiteout below the root
    /// becomes an xwhiteout (an empty file with the escaped `X.whiteout`, its parent's escaped
    /// `X.opaque` "x", `namei.c:ovl_path_is_whiteout`), since the inner overlay reads a
    /// one-layer dir as the real one and lists a char-device whiteout lookup does not find.
    func escapedForNesting() -> Layer {
        let trusted = XattrPrefix.trusted
        func escaped(_ xattrs: [String: String]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: xattrs.map { name, value in
                (name.hasPrefix(trusted.rawValue) ? trusted.escaped + name.dropFirst(trusted.rawValue.count) : name, value)
            })
        }
        var out = self
        out.root.xattrs = escaped(root.xattrs)
        for (path, node) in entries {
            out.entries[path]?.xattrs = escaped(node.xattrs)
            guard node.kind == .whiteout, let parent = path.parent, !parent.isRoot else { continue }
            out.entries[path] = Node(kind: .file(data: ""), perm: 0o644, xattrs: [trusted.escaped + OvlXattr.whiteout.rawValue: ""])
        }
        for (path, node) in entries where node.kind == .whiteout {
            guard let parent = path.parent, !parent.isRoot else { continue }
            out.entries[parent]?.xattrs[trusted.escaped + OvlXattr.opaque.rawValue] = "x"
        }
        return out
    }

    /// The same layer with no xattrs on any node.
    func withoutXattrs() -> Layer {
        var out = self
        out.root.xattrs = [:]
        for key in out.entries.keys { out.entries[key]?.xattrs = [:] }
        return out
    }
}
