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
    public var prefix: String

    public init(lowers: [Layer], upper: Layer?, workdir: Layer? = nil, prefix: String = "trusted.overlay.") {
        self.lowers = lowers; self.upper = upper; self.workdir = workdir; self.prefix = prefix
    }

    /// The layers a scenario starts from.
    public init(scenario: Scenario) {
        self.init(lowers: scenario.lowers, upper: scenario.upper, workdir: scenario.workdir)
    }

    /// The layers a model holds now: what it predicts the kernel leaves behind.
    public init(model: OverlayModel) {
        self.init(lowers: model.lowers, upper: model.upper, prefix: model.prefix)
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

    /// Every problem of every class, sorted by layer and path.
    public func findings() -> [Finding] {
        let merged = mergedResolutions()
        let all = orphanWhiteouts(merged) + redirectFindings(merged) + missingImpure() + badOrigins()
            + staleIndexEntries() + metacopyWithoutData(merged)
        return all.sorted { ($0.layer.description, $0.path, $0.subject) < ($1.layer.description, $1.path, $1.subject) }
    }

    /// These layers with every repair of `findings` applied.
    public func repaired(_ findings: [Finding]) -> LayerSet {
        var out = self
        for f in findings {
            for repair in f.repairs {
                switch repair {
                case .removeWhiteout:
                    if out[f.layer]?[f.path]?.kind == .whiteout {
                        out[f.layer]?[f.path] = nil
                        // unlink(2) moves the parent's mtime to a time the model does not know.
                        if let parent = f.path.parent { out[f.layer]?[parent]?.mtime = nil }
                    }
                case .removeXattr(let name): out[f.layer]?[f.path]?.xattrs[name] = nil
                case .setXattr(let name, let value): out[f.layer]?[f.path]?.xattrs[name] = value
                }
            }
        }
        return out
    }

    /// The merged view's resolutions, path by path, as `namei.c:ovl_lookup` finds them with
    /// redirects followed (the checker cannot know the mount options, so it assumes the mode
    /// that reads the most: `redirect_dir=follow`). Paths a lookup cannot reach are absent.
    func mergedResolutions() -> [RelPath: Resolution] {
        var model = OverlayModel(scenario: Scenario(lowers: lowers.isEmpty ? [Layer()] : lowers, upper: upper, options: [], steps: []),
                                 environment: Environment(defaults: .debian, samefs: true))
        model.options.redirect = .follow
        model.options.userxattr = prefix.hasPrefix("user.")
        var out: [RelPath: Resolution] = [.root: model.rootResolution]
        var queue: [RelPath] = [.root]
        while let path = queue.popLast() {
            guard let dir = out[path], dir.node.kind.isDir else { continue }
            var names = Set<String>()
            if dir.inUpper, let u = upper { names.formUnion(u.children(of: path)) }
            for (layer, lp) in dir.lowers { names.formUnion(model.lowers[layer].children(of: lp)) }
            for name in names {
                let child = path.appending(name)
                if let r = model.resolveChild(parent: dir, name: name, path: child).resolution {
                    out[child] = r
                    queue.append(child)
                }
            }
        }
        return out
    }
}
