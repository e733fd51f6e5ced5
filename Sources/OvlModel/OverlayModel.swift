/// The reference model of one overlay mount: the layers as they are on disk, the resolved
/// options, and the rules that say what each step does to them.
///
/// The model keeps the *on-disk* state (lower layers, upper layer) and derives the merged view by
/// lookup, so every prediction covers both what a program sees and what overlayfs wrote.
public struct OverlayModel: Sendable {
    /// The lower layers, top first. Overlayfs never changes them.
    public internal(set) var lowers: [Layer]
    /// How many of ``lowers`` (the last ones) are data-only layers (R83).
    let dataLayerCount: Int
    /// The upper layer; nil for a read-only overlay.
    public internal(set) var upper: Layer?
    /// The options in force, or nil while unmounted / after a refused mount.
    public internal(set) var options: ResolvedOptions
    /// The machine facts the prediction depends on.
    public internal(set) var environment: Environment
    /// False when the mount was refused: no step runs then.
    public internal(set) var mounted = false
    /// True once a mount succeeded: `workdir/work` exists from then on.
    var wasMounted = false
    /// True once this mount created a whiteout: `dir.c:ovl_whiteout` then keeps one spare
    /// `#<hex>` whiteout in `workdir/work` to hard-link the next ones from, until the next mount
    /// empties `work/` again (R8). Learned on the 6.12 module; R43 alone says `work/` is empty.
    var spareWhiteoutInWork = false
    /// The next number ``upperRef(_:)`` gives an upper inode (``Node/inode``).
    var nextInode = 1
    /// How many times the overlay was mounted again (`remount` steps): pseudo devices and counter
    /// inos are per mount (R55).
    var mountGeneration = 0
    /// How many `drop_caches` steps ran: an evicted directory inode gets a new counter ino (R55).
    var cacheEpoch = 0
    /// Directories a cache drop could not evict, by identity: the cache epoch their overlay inode
    /// (and so its counter ino) dates from (``dropDentryCache()``).
    var keptDirEpochs: [InodeRef: Int] = [:]
    /// `workdir/index`: per lower inode (``lowerKey(_:_:)``), the upper inode it was copied up to (R61, R62).
    var index: [InodeRef: Node] = [:]
    /// The overlay nlink of each indexed upper inode (R63): upper names plus uncovered lower names.
    var unionNlink: [Int: Int] = [:]
    /// True once a `parallel` block ended in states that depend on the order of its steps: the
    /// model cannot follow such a case (`validate` refuses it).
    public internal(set) var orderDependent = false
    /// Set when a step's outcome is decided by a real filesystem in a way the model does not
    /// follow (e.g. `lseek(SEEK_END)` on a directory that is not merged); `validate` refuses the case.
    public internal(set) var unpredicted: String? {
        didSet { if let u = unpredicted, u != oldValue { unpredictedReasons.append(u) } }
    }
    /// Every reason ``unpredicted`` was given, in order (a later one does not hide an earlier one).
    public private(set) var unpredictedReasons: [String] = []
    /// Set when a step would follow a symlink out of the merged tree (an absolute target, `..`
    /// above the overlay's root): the real walk would reach the machine's own files, so `validate`
    /// and `run` refuse the case (with `--host` the machine's, in a guest the guest's).
    public internal(set) var leftTree: String?
    /// Overlay paths of the programs `exec` steps started and that still run (R76).
    var running: Set<RelPath> = []
    /// The fds a case holds open, by name (R72–R76); a remount closes them all.
    var openFiles: [String: OpenFile] = [:]
    /// File handles a case took, by label: the identity they encode (R66–R68).
    var handles: [String: InodeRef] = [:]
    /// Every label a `name_to_handle_at` step used, whether the kernel gave a handle or not.
    var handleLabels: Set<String> = []
    /// How many offline changes (`offlineLower`) happened, and which one last remade each lower
    /// object (keyed `.lower(layer, path)`).
    var offlineChanges = 0
    var lowerVersions: [InodeRef: Int] = [:]
    /// True after a `mount_remount` with `ro` made the superblock read-only (R20); a new mount is writable.
    var remountedReadOnly = false
    /// Who runs the step being applied: a caller of an `as:` step (R90), nil for the mounter.
    var caller: Caller?
    /// Lower layers in which this mount has met a directory with `X.opaque=x` (R31,
    /// `util.c:ovl_layer_set_xwhiteouts`): readdir checks their regular files for xwhiteouts.
    var xwhiteoutLayers: Set<Int> = []
    /// How many of the lower layers (the first ones) are former uppers of a staged case
    /// (``nextStage(_:)``): the kernel wrote their atimes, which the model does not know (R75).
    var formerUppers = 0
    var given: [MountOption]
    /// The case's own options (and matrix combination): a stage without options of its own takes them.
    let caseOptions: [MountOption]
    /// The case's `mount:` section (R3), if any: the mount goes through ``MountGrammar``.
    let mountSpec: MountSpec?
    /// The workdir's contents before the mount (``Scenario/workdir``).
    let workdirLayer: Layer?
    /// Lower layers that lie inside another lower (R7/R88).
    let nestedLowers: [NestedLayer]
    /// Why the model cannot follow what an overlay lower shows of its folder
    /// (``Layer/seenThroughOverlay(escapes:asUpper:)``), if it cannot.
    let overlayLowerSurprise: String?
    /// Per lower layer, the whiteouts below the root of its folder that its overlay lists but
    /// does not look up (``Layer/seenThroughOverlay(escapes:asUpper:)``).
    let listedWhiteouts: [Int: Set<RelPath>]
    /// The job's lower 0 is a holder overlay of lower 0's folder (``MountSpec/holdsLowerZero``).
    let holdsLowerZero: Bool
    /// Lower 0's folder as dumped when a holder holds it (``heldFolder(_:held:environment:)``):
    /// ``lowers``[0] is what the job sees of it through the holder.
    let heldFolder: Layer?
    /// Where the upper lies when it is a directory of a lower (``Scenario/upperInLower``).
    let upperInLower: LayerSpot?
    /// Where the workdir lies when it is a directory of a lower (``Scenario/workInLower``).
    let workInLower: LayerSpot?
    /// True once `fill_super` made `workdir/work` (a mount it then refuses leaves it behind).
    var workMade = false
    /// The options as `ovl_fs_params_verify` leaves them, before `fill_super` adjusts uuid.
    var verified: ResolvedOptions?
    /// The lines the last mount logged about its layer filesystems' features (R10, R12, R28).
    var featureLog: [String] = []
    /// What the mount that succeeded logged (``SecondMountLog``), for a second mount of the same layers.
    var firstMountLog = SecondMountLog()
    /// The first copy-up of the step being applied that failed, and its errno
    /// (``refusedCopyUp(_:)``); later copy-ups of that step do nothing.
    var failedCopyUp: (errno: ModelErrno, path: RelPath)?

    /// The private xattr prefix in force (`trusted.overlay.` or `user.overlay.`).
    var prefix: XattrPrefix { options.xattrPrefix }

    /// Prepares a model for `scenario`; call ``mount()`` before any step.
    public init(scenario: Scenario, environment: Environment) {
        self.lowers = scenario.lowers
        self.dataLayerCount = scenario.dataLayerCount
        self.upper = scenario.upper
        self.given = scenario.mountOptions
        self.caseOptions = scenario.options
        self.nextInode = (scenario.upper?.entries.values.compactMap(\.inode).max() ?? 0) + 1
        self.nestedLowers = scenario.nestedLowers
        self.upperInLower = scenario.upperInLower
        self.workInLower = scenario.workInLower
        self.mountSpec = scenario.mountSpec
        self.workdirLayer = scenario.workdir
        // Without an upper every layer of a job sits on the lowers' filesystem: samefs (R54),
        // unless `layer_fs: {lowers: …}` spreads them. So do an upper and a workdir that both lie
        // inside lowers (``Scenario/upperInLower``, ``Scenario/workInLower``).
        let lowersOnly = environment.fs.map { FSConfig(lower: $0.lower, upper: $0.lower, layers: $0.layers) }
        var env = scenario.upper == nil || (scenario.upperInLower != nil && scenario.workInLower != nil)
            ? { var e = environment; e.samefs = lowersOnly?.samefs ?? true; e.fs = lowersOnly; return e }()
            : environment
        // A holder overlay of lower 0 given as the job's first lower is an overlay lower (R21, R92).
        let held = scenario.mountSpec?.heldLowerZero
        let holdsLowerZero = held != nil
        var surprise: String?
        if let held {
            if let fs = Self.holderFilesystems(env.filesystems, lowers: scenario.lowers.count) { env.fs = fs }
            else { surprise = "a holder overlay over a lower that layer_fs: puts elsewhere" }
            surprise = surprise ?? Self.heldLowerZeroSurprise(held, environment: env)
        }
        self.holdsLowerZero = holdsLowerZero
        self.heldFolder = held.map { Self.heldFolder(scenario.lowers[0], held: $0, environment: env) }
        // Each packed image is a filesystem of its own (``LayerFilesystem/image``): lowers on two
        // images, or on one under an upper, are on more than one fs (R54, `super.c:ovl_get_layers`).
        let lowerFS = scenario.lowers.indices.map { Self.lowerFilesystem($0, env.filesystems, nested: scenario.nestedLowers) }
        if lowerFS.contains(where: { $0.image != nil }) {
            let upperFS = scenario.upper == nil ? [] : [LayerFilesystem.named(env.filesystems.upper).identity]
            env.samefs = Set(lowerFS.map(\.identity) + upperFS).count == 1
        }
        self.environment = env
        // A lower on an overlay is seen through it (``LayerFilesystem/Sealing/overlay``).
        var listed: [Int: Set<RelPath>] = [:]
        for (k, fs) in lowerFS.enumerated() where fs.sealing == .overlay {
            let seen = scenario.lowers[k].seenThroughOverlay(escapes: env.has(KernelChanges.escapedXattrs), asUpper: k == 0 && held == .upper)
            lowers[k] = seen.layer
            if !seen.listedWhiteouts.isEmpty { listed[k] = seen.listedWhiteouts }
            surprise = surprise ?? seen.unpredicted
            // A folder inside the layer is inside its overlay: not that overlay's root, and no upper.
            if scenario.nestedLowers.contains(where: { $0.host == k }) || scenario.upperInLower?.host == k
                || scenario.workInLower?.host == k {
                surprise = surprise ?? "a layer, upper or workdir inside an overlay lower"
            }
        }
        self.overlayLowerSurprise = surprise
        self.listedWhiteouts = listed
        self.options = (try? ResolvedOptions.resolve(scenario.mountOptions, defaults: environment.defaults,
                                                     kernel: environment.kernel ?? .reference, flipped: environment.flipped))
            ?? ResolvedOptions(redirect: .nofollow, index: false, nfsExport: false, xino: .off, metacopy: false,
                               uuid: .null, verity: .off, userxattr: false, volatile: false)
    }

    /// Predicts the initial mount.
    ///
    /// - Rule: R11 (option conflicts refuse the mount with EINVAL), R18 (uuid=auto upgrades to on
    ///   and stores `X.uuid` on a new upper root), R13 (index=on stores the lower root's origin),
    ///   R7/R88 (a lower layer inside another one is refused with ELOOP by
    ///   `super.c:ovl_check_overlapping_layers` — late in `ovl_fill_super`, after `work/` was made
    ///   and the upper root got its uuid; a `mount:` whose layers lie in each other or in the
    ///   folders another overlay holds, ``MountGrammar/placement(_:inUse:index:)``).
    public mutating func mount() -> MountObservation {
        if let why = overlayLowerSurprise { unpredicted = why }
        var log: [String] = []
        var parsed: ParsedMount?
        var options = given
        var hasUpper = upper != nil
        if let spec = mountSpec {
            switch parseMountParams(spec) {
            case .failure(let refusal):
                mounted = false
                workMade = false
                return MountObservation(errno: refusal.errno, options: nil, kernelLog: refusal.log, stage: refusal.stage)
            case .success(let p):
                parsed = p
                options = p.options
                hasUpper = p.upper != nil || p.upperString != nil
            }
        }
        let parseLog = parsed?.log ?? []
        var placement = PlacementCheck()
        func refused(_ errno: ModelErrno, _ lines: [String]) -> MountObservation {
            mounted = false
            return MountObservation(errno: errno, options: nil, kernelLog: parseLog + lines, stage: mountSpec == nil ? nil : "mount")
        }
        do {
            verified = try ResolvedOptions.resolve(options, defaults: environment.defaults, hasUpper: hasUpper,
                                                   kernel: environment.kernel ?? .reference, flipped: environment.flipped, log: &log)
        } catch {
            return refused(error.errno, log.map { "overlayfs: " + $0 } + [error.logLine])
        }
        let beforeLayers = parseLog + log.map { "overlayfs: " + $0 }
        if var p = parsed {
            p.log += log.map { "overlayfs: " + $0 }
            do {
                try MountGrammar.fillSuper(&p, environment: environment, samefs: environment.samefs, resolve: lookupPath)
            } catch {
                workMade = error.workMade
                mounted = false
                return MountObservation(errno: error.errno, options: nil, kernelLog: error.log, stage: error.stage)
            }
            placement = MountGrammar.placement(p, inUse: heldPlaces, index: verified?.index ?? false)
            if placement.refusal == nil, let why = foreignStack(p) { unpredicted = why }
            parsed = p
            log = []
        }
        let allLog = { (lines: [String]) in (parsed?.log ?? []) + lines }
        if dataLayerCount > 0, !environment.has(KernelChanges.dataOnlyLayers) {
            // Before 6.5 `::` is an empty layer: super.c:ovl_fill_super makes `work/` first, then
            // ovl_get_lowerstack → ovl_mount_dir_noesc refuses it (seen in Debian's 6.1 source).
            workMade = upper != nil
            mounted = false
            return MountObservation(errno: .EINVAL, options: nil,
                                    kernelLog: allLog((log + ["empty lowerdir"]).map { "overlayfs: " + $0 }), stage: parsed.map { _ in "mount" })
        }
        if let verified, let refusal = layerRefusal(verified, lowerCount: parsed?.lowers.count ?? lowers.count) {
            mounted = false
            return MountObservation(errno: refusal.errno, options: nil,
                                    kernelLog: allLog(log.map { "overlayfs: " + $0 } + [refusal.logLine]), stage: parsed.map { _ in "mount" })
        }
        func misplaced(_ refusal: PlacementRefusal, features: [String]) -> MountObservation {
            MountObservation(errno: refusal.errno, options: nil,
                             kernelLog: allLog(log.map { "overlayfs: " + $0 } + features + placement.warnings + [refusal.logLine]),
                             stage: parsed.map { _ in "mount" })
        }
        if let refusal = placement.refusal, refusal.stage != .overlapping {
            // A holder whose workdir is the job's made `work/` there (`ovl_make_workdir`) itself.
            workMade = (refusal.stage == .lowers && upper != nil) || heldPlaces.contains(.work)
            return misplaced(refusal, features: featureLog(before: refusal, taking: parsed?.lowers ?? []))
        }
        let shown = establishMount(log: &log)
        if case .spare = parsed?.work?.place { workMade = false }
        // The case's own layers nested in each other (``Scenario/nestedLowers``) are the same refusal.
        if let refusal = placement.refusal ?? (nestedLowers.isEmpty ? nil : .overlapping) {
            return misplaced(refusal, features: featureLog + xinoLog)
        }
        mounted = true
        wasMounted = true
        let whole = allLog(log.map { "overlayfs: " + $0 }) + featureLog + xinoLog + placement.warnings
        firstMountLog = SecondMountLog(beforeLayers: beforeLayers, whole: whole)
        return MountObservation(errno: nil, options: shown, kernelLog: whole, shown: parsed.map(shownField))
    }

    /// What `fill_super` writes and which options mountinfo then shows (`params.c:ovl_show_options`).
    mutating func establishMount() -> [String] {
        var log: [String] = []
        return establishMount(log: &log)
    }

    /// ``establishMount()``, also collecting the lines `fill_super` logs about the options.
    mutating func establishMount(log: inout [String]) -> [String] {
        spareWhiteoutInWork = false
        remountedReadOnly = false
        workMade = upper != nil
        xwhiteoutLayers = []
        // super.c:ovl_get_root looks for the marker on every lower root but the lowermost.
        noteXwhiteoutDirs(rootResolution)
        // Every mount (a remount too) starts from the verified options: uuid=auto seen again on
        // an upper root that now has X.uuid stays auto and is not shown (util.c:ovl_init_uuid_xattr).
        if let verified { options = verified }
        featureLog = probeLayerFeatures()
        dropUnbackedOrigins()
        if !environment.has(KernelChanges.uuidModes) {
            // super.c:ovl_fill_super: uuid=off with `ofs->numfs > 1` — fsid 0 is kept for the upper
            // fs, so a lower on another fs, or any lower without an upper, counts.
            if options.uuid == .off, upper == nil || !environment.samefs {
                log.append("The uuid=off requires a single fs for lower and upper, falling back to uuid=on.")
                options.uuid = .on
            }
        } else if options.uuid == .off, upper != nil, !environment.samefs, !environment.has(KernelChanges.uuidOffAnyFS) {
            // super.c:ovl_fill_super: uuid=off needs every layer on one fs (R18) before 7.0.
            log.append("The uuid=off requires a single fs for lower and upper, falling back to uuid=null.")
            options.uuid = .null
        }
        if options.xino == .on, allOnOneFS {
            // super.c:ovl_get_layers: every layer on one fs needs no xino (R16).
            log.append("\"xino=on\" is useless with all layers on same fs, ignore.")
        }
        if var root = upper?[.root] {
            // util.c:ovl_init_uuid_xattr (from 6.6, KernelChanges.uuidModes): uuid=auto keeps an existing X.uuid, downgrades to null
            // for an old overlay (X.impure on the root) and upgrades to on for a new one.
            if environment.has(KernelChanges.uuidModes), options.uuid == .auto || options.uuid == .on {
                if root.xattrs[prefix[.uuid]] != nil {
                    // kept as configured
                } else if options.uuid == .auto, root.xattrs[prefix[.impure]] != nil {
                    options.uuid = .null
                } else {
                    options.uuid = .on
                    root.xattrs[prefix[.uuid]] = XattrPattern.uuid
                }
            }
            if options.index, root.xattrs[prefix[.origin]] == nil {
                root.xattrs[prefix[.origin]] = XattrPattern.fileHandle
            }
            upper?[.root] = root
        }
        return shownOptions
    }

    /// The options `/proc/self/mountinfo` shows for the mount now (`params.c:ovl_show_options`):
    /// the resolved options that differ from the module's defaults.
    var shownOptions: [String] {
        let defaults = environment.defaults
            var shown: [String] = []
            if let given = options.redirectString {
                // Before 6.5 the string given, against the default string (KernelChanges.redirectModeEnum).
                if given != (defaults.redirectDir ? "on" : "off") { shown.append("redirect_dir=\(given)") }
            } else if options.redirect != defaults.redirectDefault {
                shown.append("redirect_dir=\(options.redirect.rawValue)")
            }
            if options.index != defaults.index { shown.append("index=\(options.index ? "on" : "off")") }
            if environment.has(KernelChanges.uuidModes) {
                if options.uuid != .auto { shown.append("uuid=\(options.uuid.rawValue)") }
            } else if options.uuid == .off {
                shown.append("uuid=off")
            }
            if options.nfsExport != defaults.nfsExport { shown.append("nfs_export=\(options.nfsExport ? "on" : "off")") }
            if options.xino != defaults.xinoDefault && !environment.samefs { shown.append("xino=\(options.xino.rawValue)") }
            if options.metacopy != defaults.metacopy { shown.append("metacopy=\(options.metacopy ? "on" : "off")") }
            // `volatile` sets fsync_mode, which `params.c:ovl_show_options` shows as `fsync=volatile`
            // (before the fsync= option, as `volatile`: KernelChanges.fsyncOption).
            if options.volatile { shown.append(environment.has(KernelChanges.fsyncOption) ? "fsync=volatile" : "volatile") }
            if options.userxattr { shown.append("userxattr") }
            if options.verity != .off { shown.append("verity=\(options.verity.rawValue)") }
            return shown
    }

    /// umount + mount with the same options.
    ///
    /// - Rule: R17: a volatile mount leaves `work/incompat/volatile/dirty`; the next mount finds
    ///   it while emptying `work/` (`readdir.c:ovl_workdir_cleanup_recurse`: "overlay with incompat
    ///   feature 'volatile' cannot be mounted") and fails with EINVAL — nothing is mounted then,
    ///   so a case ends with such a remount.
    mutating func remount() -> Outcome {
        if options.volatile {
            mounted = false
            return .failed(.EINVAL)
        }
        return .ok(.names(establishMount()))
    }

    /// Sets `X.impure=y` on an upper directory (`util.c:ovl_set_impure`, R46).
    mutating func markImpure(_ dir: RelPath) {
        guard upper?[dir] != nil else { return }
        setPrivateXattr(dir, .impure, "y")
    }

    /// Records that a name inside upper directory `dir` was created or removed: its mtime is now
    /// the time of the step, which the model does not know.
    mutating func touchDir(_ dir: RelPath) {
        upper?[dir]?.mtime = nil
    }
}

extension OverlayModel {
    /// Sets (or with nil removes) xattr `name` on upper object `path`.
    mutating func setXattr(_ path: RelPath, _ name: String, _ value: String?) {
        upper?[path]?.xattrs[name] = value
    }

    /// Sets (or removes) the private overlay xattr `xattr` on upper object `path`; on an
    /// upper without xattrs nothing is written (`util.c:ovl_check_setxattr`, R10).
    mutating func setPrivateXattr(_ path: RelPath, _ xattr: OvlXattr, _ value: String?) {
        if upperLacksXattrs { return }
        setXattr(path, prefix[xattr], value)
    }
}
