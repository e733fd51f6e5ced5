/// Where in `super.c:ovl_fill_super` a placement check refuses a mount: the same order on 6.1,
/// 6.12 and 6.18.
enum PlacementStage: Sendable, Equatable {
    /// `ovl_get_upper`: nothing made yet.
    case upper
    /// `ovl_get_workdir`, before `ovl_make_workdir` makes `work/`.
    case workdir
    /// `ovl_get_layers`: after `work/` was made, before the upper root gets its uuid or index origin.
    case lowers
    /// `ovl_check_overlapping_layers`: once every layer is taken, after the uuid and the index.
    case overlapping
}

/// A mount refused because of where its layers lie (R7, R9).
struct PlacementRefusal: Sendable, Equatable {
    var errno: ModelErrno
    var logLine: String
    var stage: PlacementStage
    /// At stage ``PlacementStage/lowers``: the index of the lower `ovl_get_layers` was taking.
    var layer: Int?

    /// Lower `k`'s root is already a layer's root (`ovl_setup_trap` in `ovl_get_layers`).
    static func conflicting(_ k: Int) -> PlacementRefusal {
        PlacementRefusal(errno: .ELOOP, logLine: "overlayfs: conflicting lowerdir path", stage: .lowers, layer: k)
    }
    /// A lower inside a layer (`ovl_check_layer` meets a trap among its ancestors).
    static let overlapping = PlacementRefusal(errno: .ELOOP, logLine: "overlayfs: overlapping lowerdir path", stage: .overlapping)
}

/// What the placement checks of one mount log and whether they refuse it.
struct PlacementCheck: Sendable, Equatable {
    /// `ovl_report_in_use`'s warnings (index=off), in order.
    var warnings: [String] = []
    var refusal: PlacementRefusal?
}

extension MountGrammar {
    /// The placement checks of `ovl_fill_super` on the parsed layers, with `inUse` the
    /// directories another live overlay holds as its upperdir and workdir
    /// (`util.c:ovl_inuse_trylock`; ``MountSpec/holder``) and `index` the mount's index option.
    ///
    /// - Rule: R7, `super.c:ovl_setup_trap` gives each layer root a trap inode: the upper root
    ///   (`ovl_get_upper`), the workdir and its `work/` (`ovl_get_workdir`), then each lower root
    ///   in order (`ovl_get_layers`), where a root that already has one — the upper, the workdir,
    ///   an earlier lower — is ELOOP "conflicting lowerdir path". Then
    ///   `ovl_check_overlapping_layers` → `ovl_check_layer` walks the ancestors of the upper, of
    ///   the workdir and of each lower, the nearest first: for a lower, one that is a trap is ELOOP
    ///   "overlapping lowerdir path"; the upper's and the workdir's are checked for another
    ///   overlay's use only, so an upper inside a lower mounts.
    /// - Rule: R9, `super.c:ovl_report_in_use`: an upper root (`ovl_get_upper`), a workdir
    ///   (`ovl_get_workdir`), a lower root (`ovl_get_layers`, after its trap) or an ancestor of any
    ///   of them (`ovl_check_layer`) that another overlay holds is EBUSY "<name> is in-use as
    ///   upperdir/workdir of another mount…" with index=on; with index=off the same line is a
    ///   warning and the checks go on. The same on 6.1.192, 6.12.118 and 6.18.44.
    static func placement(_ m: ParsedMount, inUse: [LayerPlace] = [], index: Bool = false) -> PlacementCheck {
        var check = PlacementCheck()
        /// True when the report refuses the mount.
        func report(_ name: String, _ stage: PlacementStage, layer: Int? = nil) -> Bool {
            if index {
                check.refusal = PlacementRefusal(errno: .EBUSY, logLine: SecondMountLog.inUse(name, refused: true), stage: stage, layer: layer)
                return true
            }
            check.warnings.append(SecondMountLog.inUse(name, refused: false))
            return false
        }
        func held(_ p: LayerPlace) -> Bool { inUse.contains { same(p, $0) } }
        var traps: [LayerPlace] = []
        /// `ovl_check_layer`: true when it refuses the mount.
        func walk(_ p: LayerPlace, _ name: String, lower: Bool) -> Bool {
            for a in ancestors(p) {
                if lower && traps.contains(where: { same(a, $0) }) {
                    check.refusal = .overlapping
                    return true
                }
                if held(a), report(name, .overlapping) { return true }
            }
            return false
        }
        if let upper = m.upper?.place {
            traps.append(upper)
            if held(upper), report("upperdir", .upper) { return check }
        }
        if let work = m.work?.place {
            if held(work), report("workdir", .workdir) { return check }
            traps += [work, .inside(work, RelPath(components: ["work"]))]
        }
        for (k, lower) in m.lowers.map(\.place).enumerated() {
            if traps.contains(where: { same(lower, $0) }) {
                check.refusal = .conflicting(k)
                return check
            }
            if held(lower), report("lowerdir", .lowers, layer: k) { return check }
            traps.append(lower)
        }
        if let upper = m.upper?.place, walk(upper, "upperdir", lower: false) { return check }
        if let work = m.work?.place, walk(work, "workdir", lower: false) { return check }
        for lower in m.lowers.map(\.place) where walk(lower, "lowerdir", lower: true) { return check }
        return check
    }

    /// A place as the folder it starts from and the names below it, through any bind mount: the
    /// traps and the in-use mark are on the inode (`ovl_get_trap_inode`, `ovl_is_inuse`), not the mount.
    static func split(_ p: LayerPlace) -> (LayerPlace, [String]) {
        switch p {
        case .inside(let base, let path): let (r, c) = split(base); return (r, c + path.components)
        case .bound(let base): return split(base)
        default: return (p, [])
        }
    }

    static func same(_ a: LayerPlace, _ b: LayerPlace) -> Bool { split(a) == split(b) }

    /// The folders `p` lies in, the nearest first, down to the folder it starts from (the ones
    /// above that hold no layer).
    static func ancestors(_ p: LayerPlace) -> [LayerPlace] {
        let (root, names) = split(p)
        return (0..<names.count).reversed().map { k in
            k == 0 ? root : .inside(root, RelPath(components: Array(names.prefix(k))))
        }
    }
}

extension OverlayModel {
    /// The feature lines (``probeLayerFeatures()``) the kernel logs before `refusal`, a placement
    /// check of a mount taking the lowers at `taken`: none before `ovl_make_workdir`
    /// (`ovl_get_upper`, and `ovl_get_workdir`'s in-use check); from `ovl_get_layers` on, the
    /// upper fs's (`ovl_make_workdir`) and the lower dirs' (`ovl_get_lowerstack` →
    /// `ovl_lower_dir`, for every lower before `ovl_get_layers` takes the first one), then
    /// `ovl_get_fsid`'s uuid line only if it refused a lower taken up to the refused one:
    /// `ovl_get_layers` asks each lower's fsid before it sets up its trap and checks its use, so a
    /// lower refused as "conflicting" or in use (R7, R9, R12) logs the line of an earlier lower on a
    /// filesystem with a null or duplicate uuid, never that of a later one. The same order in
    /// `super.c:ovl_fill_super` / `ovl_get_layers` on 6.1.192, 6.12.118 and 6.18.44. A refusal in
    /// `ovl_check_overlapping_layers` comes after the whole mount's lines (``featureLog``, ``xinoLog``).
    func featureLog(before refusal: PlacementRefusal, taking taken: [(place: LayerPlace, data: Bool)]) -> [String] {
        guard refusal.stage == .lowers, let r = refusal.layer else { return [] }
        var probe = self
        if let verified { probe.options = verified }
        let lines = probe.probeDirFeatures()
        let asked = taken.prefix(r + 1)
        let fsids = probe.fsids(asked.map { lowerFilesystem(at: $0.place) }, dataLayers: asked.filter(\.data).count)
        guard let k = fsids.refusedLayer else { return lines }
        return lines + probe.uuidFallback(rootName: rootName(asked[k].place))
    }

    /// The filesystem of a folder the mount takes as a lower (``MountGrammar/lookupPath``'s
    /// places): a lower's own, the upper fs for the upper and work folders, lower 0's for the
    /// spare folders next to it (the job's folder on that fs) and for the holder of lower 0; a bind
    /// mount shows its source's superblock. A writable holder (an overlay with an upper, whose own
    /// uuid the model does not know) is taken as an overlay over lower 0's fs.
    func lowerFilesystem(at place: LayerPlace) -> LayerFilesystem {
        switch place {
        case .lower(let k): lowerFilesystem(k)
        case .inside(let p, _), .bound(let p): lowerFilesystem(at: p)
        case .upper, .work: upperFilesystem
        case .spare: LayerFilesystem.named(environment.filesystems.lower(0))
        case .holder: holdsLowerZero ? lowerFilesystem(0) : .overlay(over: lowerFilesystem(0), name: "holder")
        }
    }

    /// The name of the root dentry of a folder taken as a lower, as `%pd2` ends it: the folder's
    /// own name, or "" for the root of an image or of the holder overlay (it prints as "/").
    func rootName(_ place: LayerPlace) -> String {
        let spec = mountSpec ?? MountSpec(lowerNames: lowers.indices.map { MountSpec.defaultLowerName($0, generated: false) })
        switch place {
        case .lower(let k):
            return nestedLowers.first { $0.layer == k }.map { $0.path.name } ?? (lowerFilesystem(k).image != nil ? "" : spec.lowerNames[k])
        case .inside(_, let path): return path.name
        case .bound(let p): return rootName(p)
        case .upper: return upperInLower.map(\.path.name) ?? spec.upperName
        case .work: return workInLower.map(\.path.name) ?? spec.workName
        case .spare(let k): return spec.spareNames[k]
        case .holder: return ""
        }
    }
}
