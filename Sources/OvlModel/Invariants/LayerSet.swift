/// The folders of one overlay as they are on disk while nothing is mounted: what the layer
/// checker (`ovl-conform fsck`) reads and judges.
public struct LayerSet: Codable, Sendable, Equatable {
    /// Lower layers, top first.
    public var lowers: [Layer]
    /// The upper layer; nil for a read-only overlay.
    public var upper: Layer?
    /// The workdir: `work/…` and `index/…` entries; nil when not given.
    public var workdir: Layer?
    /// The private xattr prefix (`trusted.overlay.`, or `user.overlay.` for userxattr).
    public var prefix: XattrPrefix
    /// How many of ``lowers`` (the last ones) are data-only layers (R83): outside the namespace,
    /// so no lookup reaches them and their whiteouts and redirects are not checked.
    public var dataLayerCount: Int

    public init(lowers: [Layer], upper: Layer?, workdir: Layer? = nil, prefix: XattrPrefix = .trusted,
                dataLayerCount: Int = 0) {
        self.lowers = lowers; self.upper = upper; self.workdir = workdir; self.prefix = prefix
        self.dataLayerCount = dataLayerCount
    }

    /// The layers a scenario starts from.
    public init(scenario: Scenario) {
        self.init(lowers: scenario.lowers, upper: scenario.upper, workdir: scenario.workdir,
                  prefix: XattrPrefix(options: scenario.mountOptions),
                  dataLayerCount: scenario.dataLayerCount)
    }

    /// The layers a model holds now: what it predicts the kernel leaves behind.
    public init(model: OverlayModel) {
        self.init(lowers: model.lowersOnDisk, upper: model.upper, prefix: model.prefix, dataLayerCount: model.dataLayerCount)
    }

    /// The layer for `role`.
    public subscript(role: LayerRole) -> Layer? {
        get {
            switch role {
            case .upper: upper
            case .lower(let i): lowers.indices.contains(i) ? lowers[i] : nil
            case .workdir: workdir
            }
        }
        set {
            switch role {
            case .upper: upper = newValue
            case .lower(let i): if let newValue, lowers.indices.contains(i) { lowers[i] = newValue }
            case .workdir: workdir = newValue
            }
        }
    }

    /// Every problem of every class, sorted by layer and path: what a check under `policy` reports
    /// (under `.none`, a directory whose only reason for `X.impure` is a merge subdirectory is no
    /// error; the repairing policies mark it).
    public func findings(policy: FixPolicy = .none) -> [Finding] {
        let redirects = redirectPass()
        let all = orphanWhiteouts() + redirects.findings
            + missingImpure(policy: policy, invalidRedirects: redirects.invalidUpperDirs) + badOrigins()
            + staleIndexEntries() + metacopyWithoutData(mergedResolutions())
        return all.sorted { ($0.layer.description, $0.path, $0.subject) < ($1.layer.description, $1.path, $1.subject) }
    }

    /// How many rounds of check-and-repair each pass of a run makes at most: a repair can make
    /// another one due (a whiteout added for one redirect makes another's target a whiteout).
    public static let repairRounds = 4

    /// A whole run under `policy`, in fsck.overlay's two passes: first the redirects
    /// (``ProblemClass/isRedirectPass``) are checked and repaired until nothing `policy` repairs
    /// is left among them, then everything (whiteouts and impure marks see the redirects as the
    /// first pass left them: a redirect -y replaced by `opaque=y` makes no merge dir). Each pass
    /// makes at most ``repairRounds`` rounds. `read` gives the layers as they are now, `repair`
    /// makes a round's repairs; the model's run and the on-disk one (OvlFsck, over OvlLayerDisk) share this.
    public static func run(policy: FixPolicy, read: () throws -> LayerSet,
                           repair: ([Finding]) throws -> Void) rethrows -> (found: [Finding], left: [Finding], repaired: [Finding]) {
        var found: [Finding] = []
        var repaired: [Finding] = []
        var current: [Finding] = []
        for redirectsOnly in [true, false] {
            current = try read().findings(policy: policy).filter { !redirectsOnly || $0.problem.isRedirectPass }
            for _ in 0..<repairRounds {
                for f in current where !found.contains(where: { $0.key == f.key }) { found.append(f) }
                let due = current.filter { !$0.repairs(under: policy).isEmpty }
                if due.isEmpty { break }
                try repair(due)
                repaired += due
                current = try read().findings(policy: policy).filter { !redirectsOnly || $0.problem.isRedirectPass }
            }
        }
        for f in current where !found.contains(where: { $0.key == f.key }) { found.append(f) }
        return (found, current, repaired)
    }

    /// ``run(policy:read:repair:)`` on these layers in memory: what the guest's run on the same
    /// layers on disk must find, leave and make of them.
    public func check(policy: FixPolicy) -> FsckOutcome {
        var layers = self
        let r = Self.run(policy: policy, read: { layers }, repair: { layers = layers.repaired($0, policy: policy) })
        return FsckOutcome(found: r.found, left: r.left, changed: !r.repaired.isEmpty, layers: layers)
    }

    /// These layers with every repair `policy` makes for `findings` applied.
    public func repaired(_ findings: [Finding], policy: FixPolicy = .safe) -> LayerSet {
        var out = self
        for f in findings {
            for repair in f.repairs(under: policy) {
                switch repair {
                case .removeWhiteout:
                    if out[f.layer]?[f.path]?.kind == .whiteout {
                        out[f.layer]?[f.path] = nil
                        // unlink(2) moves the parent's mtime to a time the model does not know.
                        if let parent = f.path.parent { out[f.layer]?[parent]?.mtime = nil }
                    }
                case .addWhiteout(let path):
                    if out[f.layer]?[path] == nil, let parent = path.parent, out[f.layer]?[parent]?.kind.isDir == true {
                        // mknod(2) dates the whiteout and its parent by the clock.
                        out[f.layer]?[path] = Node(kind: .whiteout, mtime: nil)
                        out[f.layer]?[parent]?.mtime = nil
                    }
                case .removeXattr(let name): out[f.layer]?[f.path]?.xattrs[name] = nil
                case .setXattr(let name, let value): out[f.layer]?[f.path]?.xattrs[name] = value
                }
            }
        }
        return out
    }

    /// The merged view's resolutions (for the metacopy check), path by path, as the walk of the
    /// whole stack (``walk(from:)``) finds them. Paths a lookup cannot reach are absent.
    func mergedResolutions() -> [RelPath: Resolution] {
        guard let walk = walk(from: .upper) else { return [:] }
        var out: [RelPath: Resolution] = [.root: walk.root]
        var queue: [RelPath] = [.root]
        while let path = queue.popLast() {
            guard let dir = out[path], dir.node.kind.isDir else { continue }
            var names = Set<String>()
            if dir.inUpper, let upper { names.formUnion(upper.children(of: path)) }
            for (layer, lp) in dir.lowers { names.formUnion(lowers[layer].children(of: lp)) }
            for name in names {
                let child = path.appending(name)
                if let r = walk.child(parent: dir, name: name, path: child, top: dir.inUpper ? upper?[child] : nil).resolution {
                    out[child] = r
                    queue.append(child)
                }
            }
        }
        return out
    }
}

/// What a run under one policy found, what it left, and the layers it leaves.
public struct FsckOutcome: Sendable, Equatable {
    /// Every finding of every round (the first round's first).
    public var found: [Finding]
    /// The findings of the last check: what the run leaves.
    public var left: [Finding]
    /// True when a repair was made.
    public var changed: Bool
    public var layers: LayerSet

    /// fsck.overlay's exit status: 0 clean, 1 something changed and nothing is left, 4 something
    /// is left (even if other things were changed).
    public var exitCode: Int32 { !left.isEmpty ? 4 : changed ? 1 : 0 }
}
