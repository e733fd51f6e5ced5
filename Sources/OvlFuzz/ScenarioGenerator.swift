import OvlModel

/// Makes random scenarios from the model's own vocabulary: layer trees with files, dirs, symlinks,
/// fifos, whiteouts, opaque dirs and xattrs, a valid set of mount options, and a sequence of steps.
///
/// Names come from a small pool so that layers collide (a name in several layers is what overlayfs
/// is about). Scenario `index` of a run with seed `seed` and a set of ``areas`` is the same on
/// every machine.
public struct ScenarioGenerator: Sendable {
    /// The most steps a sequence has (at least one).
    public var maxSteps: Int
    /// A fixed option set for every scenario, or nil for a random one of ``optionSets``.
    public var options: [MountOption]?
    /// The areas beyond the first vocabulary the scenarios exercise (all by default).
    public var areas: Set<FuzzArea>

    public init(maxSteps: Int = 8, options: [MountOption]? = nil, areas: Set<FuzzArea> = Set(FuzzArea.allCases)) {
        self.maxSteps = max(1, maxSteps)
        self.options = options
        self.areas = areas
    }

    /// Option sets the model covers, chosen at random when no fixed set is given.
    public static let optionSets: [[MountOption]] = [
        [],
        [MountOption(key: "redirect_dir", value: "on")],
        [MountOption(key: "index", value: "on")],
        [MountOption(key: "redirect_dir", value: "on"), MountOption(key: "index", value: "on")],
        [MountOption(key: "redirect_dir", value: "nofollow")],
        [MountOption(key: "redirect_dir", value: "follow")],
        [MountOption(key: "xino", value: "on")],
        [MountOption(key: "index", value: "on"), MountOption(key: "nfs_export", value: "on")],
    ]

    /// Option sets with metacopy=on (``FuzzArea/metacopy``), drawn together with ``optionSets``.
    public static let metacopySets: [[MountOption]] = [
        [MountOption(key: "metacopy", value: "on")],
        [MountOption(key: "metacopy", value: "on"), MountOption(key: "index", value: "on")],
        [MountOption(key: "metacopy", value: "on"), MountOption(key: "redirect_dir", value: "on")],
    ]

    static let topNames = ["a", "b", "c"]
    static let childNames = ["x", "y"]
    static let texts = ["", "1", "hello", "two\nlines"]

    /// Every path the generator may name: `a`, `a/x`, `a/x/y`, …
    static let pool: [RelPath] = {
        var paths: [RelPath] = []
        for t in topNames {
            paths.append(RelPath(components: [t]))
            for c in childNames {
                paths.append(RelPath(components: [t, c]))
                for g in childNames { paths.append(RelPath(components: [t, c, g])) }
            }
        }
        return paths
    }()

    /// Scenario number `index` of the run with `seed`.
    public func scenario(seed: UInt64, index: Int) -> Scenario {
        var rng = SeededRandom(seed: seed, index: index)
        var s = draw(using: &rng)
        // One the model declines to predict (a symlink on a caller's path, an xattr step on an
        // upper without xattrs) is drawn again, from the same sequence: still one per index.
        for _ in 0..<50 where !Self.predictable(s) { s = draw(using: &rng) }
        return s
    }

    /// True when the model predicts `s` (``OverlayModel/unpredicted`` nil). What it declines
    /// comes from the caller's path and the upper's filesystem, not from the configuration, so
    /// one configuration (ext4, or the case's `layer_fs:`) answers for all.
    static func predictable(_ s: Scenario) -> Bool {
        let config = s.layerFS?.applied(to: FSConfig(lower: "ext4", upper: "ext4")) ?? FSConfig(lower: "ext4", upper: "ext4")
        var model = OverlayModel(scenario: s.asMounted, environment: Environment(defaults: .debian, samefs: config.samefs, fs: config))
        _ = model.mount()
        for op in s.steps where model.mounted { _ = model.apply(op) }
        return model.unpredicted == nil
    }

    func draw(using rng: inout SeededRandom) -> Scenario {
        let hasUpper = Int.random(in: 0..<8, using: &rng) != 0
        let lowerCount = Int.random(in: hasUpper ? 1...3 : 2...3, using: &rng)
        var lowers: [Layer] = []
        for k in 0..<lowerCount { lowers.append(layer(bottom: k == lowerCount - 1, using: &rng)) }
        let upper = hasUpper ? layer(bottom: false, using: &rng) : nil
        let sets = areas.contains(.metacopy) ? Self.optionSets + Self.metacopySets : Self.optionSets
        let opts = options ?? sets.randomElement(using: &rng) ?? []
        var s = Scenario(lowers: lowers, upper: upper, options: opts, steps: [])
        if areas.contains(.dataLayers), Int.random(in: 0..<4, using: &rng) == 0 { addDataLayers(&s, using: &rng) }
        if areas.contains(.metacopy), s.options.contains(MountOption(key: "metacopy", value: "on")), s.upper != nil,
           Int.random(in: 0..<2, using: &rng) == 0 {
            addMetacopyUpper(&s, using: &rng)
        }
        var known = Set(s.lowers.prefix(s.lowers.count - s.dataLayerCount).flatMap { $0.entries.keys })
        if let upper = s.upper { known.formUnion(upper.entries.keys) }
        var opened: Set<String> = []
        for _ in 0..<Int.random(in: 1...maxSteps, using: &rng) {
            var op = step(known: Array(known).sorted(), using: &rng)
            if areas.contains(.fds), Int.random(in: 0..<3, using: &rng) == 0 {
                op = fdStep(known: Array(known).sorted(), opened: opened, using: &rng)
                if case .fd(.open(_, _, let name)) = op { opened.insert(name) }
            }
            if areas.contains(.callers), op.kind.runsAsCaller, Int.random(in: 0..<4, using: &rng) == 0 {
                op = .asCaller(fuzzCallers.randomElement(using: &rng)!, op)
            }
            s.steps.append(op)
            if let made = op.createdPath { known.insert(made) }
        }
        if areas.contains(.layerFS), Int.random(in: 0..<6, using: &rng) == 0 { putOnSpecialFS(&s, using: &rng) }
        if areas.contains(.stages), s.upper != nil, s.layerFS == nil, s.nestedLowers.isEmpty, Int.random(in: 0..<2, using: &rng) == 0 {
            splitIntoStages(&s, options: sets, using: &rng)
        }
        return s
    }

    /// Inserts 1–3 ``Operation/nextStage(options:)`` steps between `s`'s steps (the case then has
    /// 2–4 stages); each new stage keeps the case's options or, half the time, takes a set of its own.
    func splitIntoStages(_ s: inout Scenario, options sets: [[MountOption]], using rng: inout SeededRandom) {
        let count = Int.random(in: 1...3, using: &rng)
        var cuts: [Int] = []
        for _ in 0..<count { cuts.append(Int.random(in: 0...s.steps.count, using: &rng)) }
        for cut in cuts.sorted(by: >) {
            let own = Int.random(in: 0..<2, using: &rng) == 0 ? sets.randomElement(using: &rng) : nil
            s.steps.insert(.nextStage(options: own), at: cut)
        }
    }

    /// A random layer. The bottom lower never holds whiteouts or opaque dirs (nothing below to hide).
    func layer(bottom: Bool, using rng: inout SeededRandom) -> Layer {
        var layer = Layer()
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            guard let path = Self.pool.randomElement(using: &rng), layer.entries[path] == nil else { continue }
            let blockedByAncestor = path.ancestors.contains { a in layer.entries[a].map { !$0.kind.isDir } ?? false }
            if blockedByAncestor { continue }
            let hasDescendant = layer.entries.keys.contains { $0 != path && $0.hasPrefix(path) }
            var node = randomNode(bottom: bottom, using: &rng)
            if hasDescendant { node = Node(kind: .dir, perm: node.kind.isDir ? node.perm : 0o755) }
            layer.entries[path] = node
        }
        // Now and then a second name for a file of this layer: a lower hardlink (R61, R64).
        if !bottomOnlyDirs(layer), Int.random(in: 0..<3, using: &rng) == 0,
           let file = layer.entries.filter({ !$0.value.kind.isDir && $0.value.kind != .whiteout }).keys.sorted().randomElement(using: &rng),
           let name = Self.pool.filter({ p in !layer.entries.keys.contains { $0.hasPrefix(p) } }).randomElement(using: &rng),
           !name.ancestors.contains(where: { a in layer.entries[a].map { !$0.kind.isDir } ?? false }) {
            layer.entries[file]?.inode = 1
            layer.entries[name] = layer.entries[file]
        }
        layer.addMissingParents()
        return layer.canonicalizingHardlinks()
    }

    /// True when a layer has no non-directory to link to.
    func bottomOnlyDirs(_ layer: Layer) -> Bool {
        !layer.entries.values.contains { !$0.kind.isDir && $0.kind != .whiteout }
    }

    func randomNode(bottom: Bool, using rng: inout SeededRandom) -> Node {
        var node = firstVocabularyNode(bottom: bottom, using: &rng)
        // Owners and open modes for unprivileged callers to meet (R90).
        if areas.contains(.callers), node.kind != .whiteout {
            if Int.random(in: 0..<3, using: &rng) == 0 { node.uid = 1000; node.gid = 1000 }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                switch node.kind {
                case .dir: node.perm = [0o777, 0o1777, 0o775, 0o711].randomElement(using: &rng)!
                case .file: node.perm = [0o666, 0o664, 0o400].randomElement(using: &rng)!
                default: break
                }
            }
        }
        return node
    }

    func firstVocabularyNode(bottom: Bool, using rng: inout SeededRandom) -> Node {
        let roll = Int.random(in: 0..<100, using: &rng)
        var xattrs: [String: String] = [:]
        if Int.random(in: 0..<5, using: &rng) == 0 { xattrs["user.k"] = "v" }
        switch roll {
        case ..<40:
            let text = Self.texts.randomElement(using: &rng) ?? ""
            return Node(kind: .file(data: text), perm: [0o644, 0o600, 0o755].randomElement(using: &rng), xattrs: xattrs)
        case ..<65: return Node(kind: .dir, perm: [0o755, 0o700].randomElement(using: &rng), xattrs: xattrs)
        case ..<75:
            let target = ["x", "y", "a", "missing"].randomElement(using: &rng) ?? "x"
            return Node(kind: .symlink(target: target))
        case ..<80: return Node(kind: .fifo)
        case ..<90 where !bottom: return Node(kind: .whiteout)
        case ..<100 where !bottom:
            xattrs[XattrPrefix.trusted[.opaque]] = "y"
            return Node(kind: .dir, xattrs: xattrs)
        default: return Node(kind: .dir)
        }
    }

    /// A random step on a known path (usually) or any path of the pool.
    func step(known: [RelPath], using rng: inout SeededRandom) -> Operation {
        func path() -> RelPath {
            if !known.isEmpty, Int.random(in: 0..<4, using: &rng) != 0 { return known.randomElement(using: &rng)! }
            return Self.pool.randomElement(using: &rng)!
        }
        func text() -> String { Self.texts.randomElement(using: &rng) ?? "" }
        switch Int.random(in: 0..<(areas.contains(.readOnly) ? 30 : 28), using: &rng) {
        case 0: return .stat(path())
        case 1: return .lstat(path())
        case 2: return .read(path())
        case 3: return .write(path(), data: text())
        case 4: return .append(path(), data: text())
        case 5: return .openRW(path())
        case 6: return .truncate(path(), size: Int64.random(in: 0...3, using: &rng))
        case 7, 8: return .readdir(Int.random(in: 0..<3, using: &rng) == 0 ? .root : path())
        case 9: return .mkdir(path(), mode: 0o755)
        case 10: return .create(path(), mode: 0o644)
        case 11: return .mknod(path(), kind: .fifo)
        case 12: return .unlink(path())
        case 13: return .rmdir(path())
        case 14: return .symlink(target: ["x", "a", "missing"].randomElement(using: &rng)!, path: path())
        case 15: return .readlink(path())
        case 16, 17:
            let flags: [RenameFlag] = Int.random(in: 0..<8, using: &rng) == 0 ? [.noreplace] : []
            return .rename(path(), to: path(), flags: flags)
        case 18: return .chmod(path(), mode: [0o600, 0o755].randomElement(using: &rng)!)
        case 19: return .chown(path(), uid: 1000, gid: 100)
        case 20: return .utimes(path(), mtime: 1_234_567_890)
        case 21: return .setxattr(path(), name: ["user.k", "user.m"].randomElement(using: &rng)!, value: "w")
        case 22: return .getxattr(path(), name: ["user.k", "user.m"].randomElement(using: &rng)!)
        case 23: return .removexattr(path(), name: "user.k")
        case 24: return .listxattr(path())
        case 25, 26: return .link(path(), to: path())
        case 27: return Int.random(in: 0..<2, using: &rng) == 0 ? .remount : .dropCaches
        case 28: return .remountInPlace(options: "ro")
        default: return .remountInPlace(options: ["rw", "ro,rw", "ro"].randomElement(using: &rng)!)
        }
    }
}

extension ScenarioGenerator {
    /// The fds a generated step may name.
    static let fdNames = ["A", "B"]
    /// Access modes a generated `open` uses: read-only ones stay lower, the others copy up.
    static let openModes: [[OpenFlag]] = [[.rdonly], [.rdonly], [.rdwr], [.wronly, .append], [.rdwr, .trunc]]

    /// A step on a named fd (``FuzzArea/fds``): half of them open one, so the others usually find
    /// an open fd; a name no earlier step `opened` is opened first (the guest refuses a step on a
    /// name no `open` made: a harness fault, not EBADF). mmap is left out (an empty real file would fault).
    func fdStep(known: [RelPath], opened: Set<String>, using rng: inout SeededRandom) -> Operation {
        let fd = Self.fdNames.randomElement(using: &rng)!
        let choice = Int.random(in: 0..<12, using: &rng)
        switch opened.contains(fd) ? choice : 0 {
        case 0..<5:
            let path = !known.isEmpty && Int.random(in: 0..<4, using: &rng) != 0
                ? known.randomElement(using: &rng)! : Self.pool.randomElement(using: &rng)!
            return .fd(.open(path, flags: Self.openModes.randomElement(using: &rng)!, fd: fd))
        case 5: return .fd(.read(fd: fd))
        case 6: return .fd(.pread(fd: fd, offset: Int64.random(in: 0...3, using: &rng), size: Int64.random(in: 1...8, using: &rng)))
        case 7: return .fd(.write(fd: fd, data: Self.texts.randomElement(using: &rng)!))
        case 8: return .fd(.fstat(fd: fd))
        case 9: return .fd(.lseek(fd: fd, offset: Int64.random(in: 0...2, using: &rng), whence: [.set, .end].randomElement(using: &rng)!))
        case 10: return .fd(.fsync(fd: fd))
        default: return .fd(.close(fd: fd))
        }
    }
}

extension RelPath {
    /// The proper ancestors, nearest first, without the root.
    var ancestors: [RelPath] {
        var out: [RelPath] = []
        var p = parent
        while let d = p, !d.isRoot { out.append(d); p = d.parent }
        return out
    }
}

extension Layer {
    /// The same layer with hard-link groups numbered as ``OvlCase`` numbers them when it reads
    /// the layer back (in path order, by the group's second name), and lone members unnumbered.
    public func canonicalizingHardlinks() -> Layer {
        var members: [Int: Int] = [:]
        for node in entries.values { if let i = node.inode { members[i, default: 0] += 1 } }
        var seen = Set<Int>()
        var renumbered: [Int: Int] = [:]
        for (_, node) in entries.sorted(by: { $0.key < $1.key }) {
            guard let i = node.inode, members[i, default: 0] > 1 else { continue }
            if seen.insert(i).inserted { continue }
            if renumbered[i] == nil { renumbered[i] = renumbered.count + 1 }
        }
        var out = self
        for (path, node) in entries where node.inode != nil {
            out.entries[path]?.inode = node.inode.flatMap { renumbered[$0] }
        }
        return out
    }
}
