extension OverlayModel {
    /// The model's paths of the job's folders (``MountGrammar/dirToken`` for the job's folder).
    var symbolicDirs: (lowers: [String], upper: String, work: String, spare: [String], holder: String) {
        let d = MountGrammar.dirToken + "/"
        let spec = mountSpec ?? MountSpec(lowerNames: lowers.indices.map { MountSpec.defaultLowerName($0, generated: false) })
        func inLower(_ at: LayerSpot) -> String { d + spec.lowerNames[at.host] + "/" + at.path.description }
        return (spec.lowerNames.map { d + $0 }, upperInLower.map(inLower) ?? d + spec.upperName, workInLower.map(inLower) ?? d + spec.workName, spec.spareNames.map { d + $0 },
                d + MountSpec.holderName)
    }

    /// What `kern_path` finds at `path`: the lowers and spare folders sit in one folder, the
    /// upper and work folders in the upper filesystem's (the same one when `samefs`); a relative
    /// path starts in the lowers' folder (the mount's working directory, R3). A spare folder with
    /// a bind mount on it (``MountSpec/binds``) is the bound folder reached through that mount.
    func lookupPath(_ path: String) -> PathLookup {
        guard let spec = mountSpec else { return .missing }
        var rest = Substring(path)
        let token = MountGrammar.dirToken + "/"
        let absolute = rest.hasPrefix(token)
        if absolute { rest = rest.dropFirst(token.count) } else if rest.hasPrefix("/") { return .missing }
        let parts = rest.split(separator: "/").map(String.init).filter { $0 != "." }
        guard let first = parts.first, !parts.contains("..") else { return .missing }
        let inner = RelPath(components: Array(parts.dropFirst()))
        var place: LayerPlace
        var layer: Layer
        if let k = spec.lowerNames.firstIndex(of: first) {
            place = .lower(k); layer = lowers[k]
        } else if let k = spec.spareNames.firstIndex(of: first) {
            place = .spare(k); layer = Layer()
            if let source = spec.binds[k] {
                switch source {
                case "u": if let u = upper { place = .bound(.upper); layer = u } else { return .missing }
                case "w": if upper != nil { place = .bound(.work); layer = workdirLayer ?? Layer() } else { return .missing }
                default:
                    guard let n = Int(source.dropFirst()), lowers.indices.contains(n) else { return .missing }
                    place = .bound(.lower(n)); layer = lowers[n]
                }
            }
        } else if first == MountSpec.holderName, spec.holder != nil, let seen = holderLayer {
            place = .holder; layer = seen
        } else if first == spec.upperName, upperInLower == nil, absolute || environment.samefs, let u = upper {
            place = .upper; layer = u
        } else if first == spec.workName, workInLower == nil, upper != nil, absolute || environment.samefs {
            place = .work; layer = workdirLayer ?? Layer()
        } else {
            return .missing
        }
        if inner.isRoot { return .dir(place) }
        guard let node = layer[inner] else { return .missing }
        return node.kind.isDir ? .dir(.inside(place, inner)) : .notDir
    }

    /// The folders the case's holder (``MountSpec/holder``) keeps in use while the job mounts:
    /// its last `upperdir=` and `workdir=`, unescaped as `ovl_mount_dir` does; a value that does
    /// not resolve holds nothing (the guest's holder mount then fails: a harness error).
    var heldPlaces: [LayerPlace] {
        guard let holder = mountSpec?.holderSpec else { return [] }
        let dirs = symbolicDirs
        let params = holder.expand(lowers: dirs.lowers, upper: dirs.upper, work: dirs.work, spare: dirs.spare, holder: dirs.holder,
                                   dataLayerCount: dataLayerCount, hasUpper: upper != nil, options: given)
        return ["upperdir=", "workdir="].compactMap { key in
            guard let value = params.last(where: { $0.hasPrefix(key) })?.dropFirst(key.count),
                  case .dir(let place) = lookupPath(MountGrammar.unescape(String(value))) else { return nil }
            return place
        }
    }

    /// What the model sees in the holder's mount: lower 0 as it shows it when it holds lower 0
    /// (``MountSpec/holdsLowerZero``), else its upperdir's folder when that is a whole layer or
    /// spare folder (the holder's lowers are left out), else nothing (nil).
    var holderLayer: Layer? {
        if holdsLowerZero { return lowers[0] }
        guard let upperPlace = heldPlaces.first else { return nil }
        switch upperPlace {
        case .lower(let k): return lowers[k]
        case .upper: return upper
        case .spare: return Layer()
        default: return nil
        }
    }

    /// The mount's parameters through the grammar of the kernel line (``MountGrammar``), up to
    /// the options `ovl_fs_params_verify` takes.
    func parseMountParams(_ spec: MountSpec) -> Result<ParsedMount, GrammarRefusal> {
        let dirs = symbolicDirs
        let params = spec.expand(lowers: dirs.lowers, upper: dirs.upper, work: dirs.work, spare: dirs.spare, holder: dirs.holder,
                                 dataLayerCount: dataLayerCount, hasUpper: upper != nil, options: given)
        do {
            var parsed = try MountGrammar.parse(params, api: spec.api, environment: environment, resolve: lookupPath)
            MountGrammar.dropUselessWorkdir(&parsed)
            return .success(parsed)
        } catch {
            return .failure(error)
        }
    }

    /// Why the layers a mount's parameters give are not the case's (the model follows the case's
    /// layers only), or nil.
    func foreignStack(_ parsed: ParsedMount) -> String? {
        // A holder of lower 0 stands for it (``MountSpec/holdsLowerZero``).
        let expected = lowers.indices.map { $0 == 0 && holdsLowerZero ? LayerPlace.holder : .lower($0) }
        let data = lowers.indices.map { $0 >= lowers.count - dataLayerCount }
        if parsed.lowers.map(\.place) != expected || parsed.lowers.map(\.data) != data {
            if !holdsLowerZero, parsed.lowers.contains(where: { $0.place == .holder }) {
                return "a lower is the holder overlay, which does not hold lower 0 in a modelled form: only 'lowerdir={l0}:{sK}' alone, or 'lowerdir={sA}', 'upperdir={l0}', 'workdir={sB}' (empty spare folders), given as the job's first lower"
            }
            return "the mount's lower layers are not the case's lowers in order"
        }
        // A workdir elsewhere (a spare folder) is followed: `work/` is made there, not in the case's.
        let workElsewhere: Bool
        if case .spare = parsed.work?.place { workElsewhere = true } else { workElsewhere = false }
        let casesUpper = upperInLower.map { LayerPlace.inside(.lower($0.host), $0.path) } ?? .upper
        let casesWork = workInLower.map { LayerPlace.inside(.lower($0.host), $0.path) } ?? .work
        if (parsed.upper?.place).map({ $0 == casesUpper }) != (upper != nil ? true : nil)
            || (upper != nil && parsed.work?.place != casesWork && !workElsewhere) {
            return "the mount's upper or work directory is not the case's"
        }
        return nil
    }

    /// The whole option field mountinfo shows (`rw`/`ro`, the layers, the options).
    func shownField(_ parsed: ParsedMount) -> String {
        ([upper == nil ? "ro" : "rw"] + MountGrammar.shownLayers(parsed) + shownOptions).joined(separator: ",")
    }
}
