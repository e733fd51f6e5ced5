import OvlLayerDisk
import OvlModel
import OvlProtocol
import OvlSys
import Glibc

/// Runs one job: builds its layers in fresh directories, mounts, runs the steps, dumps the state.
struct JobRunner {
    let job: Job
    let kmsg: KernelLog
    let writer: RecordWriter
    /// Every kernel log line read during the job (the host fails the job on a WARNING in it).
    let slice: JobKernelLog
    /// Where the job's time goes.
    let clock: PhaseClock
    /// The lowers on read-only filesystems (`layer_fs: {lower: erofs}`), sealed from before the
    /// mount to the end of the job.
    let sealed = SealedLayers()
    /// The stage a staged case is in (``Operation/nextStage(options:)``).
    let stage = StageState()
    /// The kernel log of the step that mounted a second overlay, until the step's outcome is written.
    let secondLog = SecondMountLines()

    /// The job's folder on the filesystem of lower layer `k` (`layer_fs: {lowers: …}` may put
    /// each layer on its own).
    func base(_ k: Int) -> String { "\(GuestAgent.fsRoot)/\(job.config.lower(k))/j\(job.index)" }
    var upperBase: String { "\(GuestAgent.fsRoot)/\(job.config.upper)/j\(job.index)" }
    /// One folder per lower layer, the former uppers of a staged case first (newest first); a
    /// nested layer is a folder inside its host layer's.
    var lowerDirs: [String] {
        (0..<stage.number).reversed().map(upperDir(ofStage:)) + job.scenario.lowers.indices.map { i in
            guard let n = job.scenario.nestedLowers.first(where: { $0.layer == i }) else { return "\(base(i))/\(lowerName(i))" }
            return "\(base(n.host))/\(lowerName(n.host))/\(n.path)"
        }
    }
    /// The folder name of lower layer `i` (`mount: {lower_names: …}` may give any).
    func lowerName(_ i: Int) -> String { spec?.lowerNames[i] ?? "l\(i)" }
    var upperDir: String { upperDir(ofStage: stage.number) }
    /// A staged case (which has no `mount:`) gives each stage a workdir of its own.
    var workDir: String {
        if stage.number == 0, let at = job.scenario.workInLower { return "\(base(at.host))/\(lowerName(at.host))/\(at.path)" }
        return stage.number == 0 ? "\(upperBase)/\(spec?.workName ?? "w")" : "\(upperBase)/w\(stage.number)"
    }
    /// The upper of stage `n`; an upper inside a lower (``Scenario/upperInLower``) is that lower's folder.
    func upperDir(ofStage n: Int) -> String {
        if n == 0, let at = job.scenario.upperInLower { return "\(base(at.host))/\(lowerName(at.host))/\(at.path)" }
        return n == 0 ? "\(upperBase)/\(spec?.upperName ?? "u")" : "\(upperBase)/u\(n)"
    }
    /// Folders next to the lowers that are no layer (`mount: {spare: …}`).
    var spareDirs: [String] { (spec?.spareNames ?? []).map { "\(base(0))/\($0)" } }
    var spec: MountSpec? { job.scenario.mountSpec }
    /// The options of the mount in force: the first stage's, then each stage's own.
    var options: [MountOption] { stage.options ?? job.scenario.mountOptions }
    var mountPoint: String { "\(GuestAgent.fsRoot)/m\(job.index)" }

    /// The `mount -o` string: `lowerdir=…,upperdir=…,workdir=…` plus the case's options.
    var optionString: String {
        // Data-only layers follow the others after `::` (R2, R83).
        let normal = lowerDirs.count - job.scenario.dataLayerCount
        let data = lowerDirs.suffix(job.scenario.dataLayerCount).map { "::" + $0 }.joined()
        var parts = ["lowerdir=" + lowerDirs.prefix(normal).joined(separator: ":") + data]
        if job.scenario.upper != nil { parts += ["upperdir=" + upperDir, "workdir=" + workDir] }
        parts += options.map(\.description)
        return parts.joined(separator: ",")
    }

    /// - Throws: ``SysError`` when setting the job up fails, ``HarnessFault`` when a step's harness does.
    func run() throws {
        for k in job.scenario.lowers.indices { try makeDirs(base(k)) }
        try makeDirs(upperBase)
        try makeDirs(mountPoint)
        for dir in spareDirs { try Files.mkdir(dir, mode: 0o755) }
        for (i, (layer, dir)) in zip(job.scenario.lowers, lowerDirs).enumerated()
        where !job.scenario.nestedLowers.contains(where: { $0.layer == i }) {
            try Files.mkdir(dir, mode: 0o755)
            try LayerBuilder.build(layer, at: dir)
        }
        if let upper = job.scenario.upper {
            // An upper or workdir inside a lower was built with that lower.
            let ownUpper = job.scenario.upperInLower == nil, ownWork = job.scenario.workInLower == nil
            if ownUpper { try Files.mkdir(upperDir, mode: 0o755) }
            if ownWork { try Files.mkdir(workDir, mode: 0o755) }
            if ownUpper { try LayerBuilder.build(upper, at: upperDir) }
            if ownWork, let w = job.scenario.workdir { try LayerBuilder.build(w, at: workDir) }
        }
        let binds = try bindSpares()
        defer { for dir in binds.reversed() { try? Mount.unmount(dir) } }
        if job.scenario.fsck != nil {
            // The host checks the layers as given and plans the repairs; the guest makes them.
            clock.enter(\.fsck)
            writer.write(.layers(job: job.index, stage: .given, try dumpLayers()))
            if !job.fsckRepairs.isEmpty {
                try folders.apply(job.fsckRepairs)
                writer.write(.layers(job: job.index, stage: .repaired, try dumpLayers()))
            }
            // Damage fsck leaves is for a person to decide: such a case only checks (``Scenario/checksOnly``).
            if job.scenario.checksOnly { return }
        }
        try sealed.seal(job, dirs: lowerDirs)
        // A filesystem left read-only fails the next job's build: an error there, never an observation.
        defer { try? sealed.unseal() }
        try recordLayerInodes()
        clock.enter(\.mount)
        try mountHolder()
        defer { if spec?.holder != nil { try? Mount.unmount(holderPoint) } }
        let mounted = try mount()
        var merged: TreeView = [:]
        if mounted {
            recordOverlayDev(generation: 0)
            clock.enter(\.steps)
            var generation = 0
            let exec = StepExecutor(mountPoint: mountPoint, remount: remount, shownOptions: shownOptions, mountAgain: mountAgain, fsconfigLayers: fsconfigLayers, mountStacked: mountStacked, offline: offlineLower, nextStage: nextStage)
            var stillMounted = true
            for (i, op) in job.scenario.steps.enumerated() where stillMounted {
                switch exec.run(op) {
                case .observed(let outcome):
                    writer.write(.step(job: job.index, index: i, outcome))
                    if let lines = secondLog.take() { writer.write(.secondMountLog(job: job.index, index: i, lines: lines)) }
                case .harness(let why):
                    exec.fds.closeAll()
                    exec.programs.endAll()
                    try? Mount.unmount(mountPoint)
                    throw HarnessFault("step \(i + 1) (\(op.name)): \(why)")
                }
                if op.remounts {
                    generation += 1
                    stillMounted = Mount.isMounted(mountPoint)
                    if stillMounted { recordOverlayDev(generation: generation) }
                }
            }
            exec.fds.closeAll()
            exec.programs.endAll()
            clock.enter(\.dumps)
            if stillMounted {
                merged = try StateDump.tree(at: mountPoint)
                try Mount.unmount(mountPoint)
            }
        }
        clock.enter(\.dumps)
        var upperView: TreeView?
        var work: [String]?
        var workMode: UInt32?
        if job.scenario.upper != nil {
            upperView = try StateDump.tree(at: upperDir)
            work = (try? Files.readdir(workDir + "/work"))?.map(\.name).sorted()
            workMode = (try? Files.stat(workDir + "/work"))?.perm
        }
        var lowerViews: [TreeView] = []
        for dir in lowerDirs { lowerViews.append(try StateDump.tree(at: dir, atime: true)) }
        var index: [String: EntryView]?
        if job.scenario.upper != nil, let names = try? Files.readdir(workDir + "/index") {
            index = [:]
            for e in names { index?[e.name] = try StateDump.entry(workDir + "/index/" + e.name) }
        }
        // The host checks the layers the kernel left behind in it (issue 9).
        writer.write(.snapshot(job: job.index, Snapshot(merged: merged, upper: upperView, work: work, workMode: workMode, lowers: lowerViews,
                                                        index: index)))
    }

    /// Every layer folder of the job as it is now, the whole workdir included, read without
    /// touching an atime (the run to come may compare them, R75).
    func dumpLayers() throws(SysError) -> DumpedLayers {
        var lowers: [TreeView] = []
        for dir in lowerDirs { lowers.append(try StateDump.tree(at: dir, atime: true)) }
        let hasUpper = job.scenario.upper != nil
        return DumpedLayers(lowers: lowers, upper: hasUpper ? try StateDump.tree(at: upperDir, atime: true) : nil,
                            workdir: hasUpper ? try StateDump.tree(at: workDir, atime: true) : nil)
    }

    /// The job's layer folders, where the planned repairs are made.
    var folders: LayerFolders {
        let hasUpper = job.scenario.upper != nil
        return LayerFolders(lowers: lowerDirs, upper: hasUpper ? upperDir : nil, work: hasUpper ? workDir : nil,
                            prefix: XattrPrefix(options: options), dataLayerCount: job.scenario.dataLayerCount)
    }

    /// An offline change (R70, R71): unmount, remove `path` from lower layer `layer`, make `node`
    /// there anew, record the layers' inode numbers again, mount with the same options.
    /// The unmount and the mount are the kernel's to answer; remaking the object is the harness's.
    func offlineLower(_ layer: Int, _ path: RelPath, _ node: Node) throws -> [String] {
        try Mount.unmount(mountPoint)
        let real = path.isRoot ? lowerDirs[layer] : lowerDirs[layer] + "/" + path.description
        try harness("offline_lower: unseal the read-only lowers") { () throws(SysError) in try sealed.unseal() }
        try harness("offline_lower: remake \(real)") { () throws(SysError) in
            if (try? Files.stat(real)) != nil { try Files.removeTree(real) }
            try LayerBuilder.make(node, at: real)
        }
        do { try sealed.seal(job, dirs: lowerDirs) } catch { throw HarnessFault("offline_lower: seal the read-only lowers: \(error)") }
        try harness("offline_lower: record the layers' inodes") { () throws(SysError) in try recordLayerInodes() }
        try Mount.mount(type: "overlay", source: "overlay", target: mountPoint, options: optionString)
        return try shownOptions()
    }

    /// A second overlay of the same layers and options on another mount point, unmounted at once
    /// (R9); `withWorkdir` false leaves out `workdir=` (R6). Its kernel-log lines are kept for
    /// the step's record (filtered as the first mount's), so the job's next mount does not report them.
    func mountAgain(_ withWorkdir: Bool) throws {
        let second = mountPoint + "-again"
        try harness("mount_again: mkdir \(second)") { () throws(SysError) in try makeDirs(second) }
        slice.add(kmsg.drain())
        defer { secondLog.lines = overlayLog(allPrefixes: spec != nil).map { spec != nil ? symbolic($0) : $0 } }
        if let spec {
            if let refusal = try mountBySpec(spec, target: second, withWorkdir: withWorkdir) {
                throw SysError(errno: refusal.errno, call: "mount \(refusal.stage)", path: second)
            }
            try Mount.unmount(second)
            return
        }
        let options = withWorkdir ? optionString
            : optionString.split(separator: ",").filter { !$0.hasPrefix("workdir=") }.joined(separator: ",")
        try Mount.mount(type: "overlay", source: "overlay", target: second, options: options)
        try Mount.unmount(second)
    }

    /// The holder's mount point (`{h}`), in the lowers' folder so that its paths read `$DIR/holder`.
    var holderPoint: String { "\(base(0))/\(MountSpec.holderName)" }

    /// Bind-mounts the layer folders `mount: {bind: …}` names on their spare folders (setup, not
    /// an observation). - Returns: the spare folders now mounted on.
    func bindSpares() throws -> [String] {
        var done: [String] = []
        for (k, source) in (spec?.binds ?? [:]).sorted(by: { $0.key < $1.key }) {
            let from = switch source {
            case "u": upperDir
            case "w": workDir
            default: lowerDirs[Int(source.dropFirst()) ?? 0]
            }
            do { try Mount.bind(from, on: spareDirs[k]) } catch {
                for dir in done.reversed() { try? Mount.unmount(dir) }
                throw HarnessFault("bind \(from) on \(spareDirs[k]): \(error)")
            }
            done.append(spareDirs[k])
        }
        return done
    }

    /// Mounts the case's holder (``MountSpec/holder``), another overlay whose upperdir and workdir
    /// are then in use while the job mounts (R9). It is the harness's setup, not an observation.
    /// - Throws: ``HarnessFault`` when the kernel refuses it.
    func mountHolder() throws {
        guard let holder = spec?.holderSpec else { return }
        try harness("holder: mkdir \(holderPoint)") { () throws(SysError) in try makeDirs(holderPoint) }
        if let refusal = try mountBySpec(holder, target: holderPoint) {
            throw HarnessFault("holder: mount \(refusal.stage): errno \(refusal.errno)")
        }
    }

    /// Two read-only overlays stacked on the job's one (R21): each mount's result, `0` or its
    /// errno; whatever mounted is unmounted again, the innermost first. Their kernel-log lines are
    /// kept for the step's record, as a second mount's.
    func mountStacked() throws -> [String] {
        slice.add(kmsg.drain())
        defer { secondLog.lines = overlayLog() }
        var results: [String] = []
        var mounted: [String] = []
        defer { for m in mounted.reversed() { try? Mount.unmount(m) } }
        var below = mountPoint
        for level in ["b", "c"] {
            let target = mountPoint + "-stacked-" + level
            try harness("mount_stacked: mkdir \(target)") { () throws(SysError) in try makeDirs(target) }
            do {
                try Mount.mount(type: "overlay", source: "overlay", target: target, options: "lowerdir=\(below):\(lowerDirs[0])")
                mounted.append(target)
                results.append("0")
                below = target
            } catch {
                results.append("\(ModelErrno(rawValue: error.errno))")
                break
            }
        }
        return results
    }

    /// `fsconfig` of each layer key with lower layer 0's directory on a fresh overlay context
    /// (R3): each call's result, `0` or its errno. Its kernel-log lines are taken here.
    func fsconfigLayers(_ keys: [LayerKey]) throws(SysError) -> [String] {
        defer { slice.add(kmsg.drain()) }
        return try FsContext.setStrings(type: "overlay", keys.map { ($0.rawValue, lowerDirs[0]) })
            .map { $0 == 0 ? "0" : "\(ModelErrno(rawValue: $0))" }
    }

    /// Records the real inode numbers and devices of the layers as built (R54–R58).
    func recordLayerInodes() throws(SysError) {
        var lowers: [[RelPath: UInt64]] = []
        var blocks: [[RelPath: UInt64]] = []
        var devs: [UInt64] = []
        for dir in lowerDirs {
            lowers.append(try StateDump.inodes(at: dir))
            blocks.append(try StateDump.blocks(at: dir))
            devs.append(try Files.stat(dir).dev)
        }
        let hasUpper = job.scenario.upper != nil
        let table = LayerInodes(lowers: lowers, upper: hasUpper ? try StateDump.inodes(at: upperDir) : nil,
                                lowerDevs: devs, upperDev: hasUpper ? try Files.stat(upperDir).dev : nil, lowerBlocks: blocks)
        writer.write(.layerInodes(job: job.index, table))
    }

    /// Records `stat(mountpoint).st_dev` of the overlay now mounted.
    func recordOverlayDev(generation: Int) {
        if let st = try? Files.stat(mountPoint) {
            writer.write(.overlayDev(job: job.index, generation: generation, dev: st.dev))
        }
    }

    /// Mounts the overlay and records the outcome; true when it is mounted.
    func mount() throws -> Bool {
        slice.add(kmsg.drain())
        if let spec {
            let refusal = try mountBySpec(spec)
            let log = overlayLog(allPrefixes: true).map(symbolic)
            if let refusal {
                writer.write(.mount(job: job.index, MountObservation(errno: ModelErrno(rawValue: refusal.errno), options: nil,
                                                                     kernelLog: log, stage: refusal.stage)))
                return false
            }
            do {
                writer.write(.mount(job: job.index, MountObservation(errno: nil, options: try shownOptions(), kernelLog: log,
                                                                     shown: symbolic(try Mount.rawSuperOptions(of: mountPoint)))))
            } catch {
                writer.write(.mount(job: job.index, MountObservation(errno: ModelErrno(rawValue: error.errno), options: nil, kernelLog: log)))
                return false
            }
            return true
        }
        do {
            try Mount.mount(type: "overlay", source: "overlay", target: mountPoint, options: optionString)
            writer.write(.mount(job: job.index, MountObservation(errno: nil, options: try shownOptions(), kernelLog: overlayLog())))
            return true
        } catch {
            writer.write(.mount(job: job.index, MountObservation(errno: ModelErrno(rawValue: error.errno), options: nil,
                                                                 kernelLog: overlayLog())))
            return false
        }
    }

    /// The next stage (``Operation/nextStage(options:)``): unmount, remove the workdir, make a
    /// fresh upper and workdir beside the old ones, record the layers' inodes (the old upper is
    /// now lower layer 0) and mount with `options` (nil: the case's own). The unmount and the mount
    /// are the kernel's to answer; the folders are the harness's.
    func nextStage(_ options: [MountOption]?) throws -> [String] {
        try Mount.unmount(mountPoint)
        try harness("stage: make the next upper") { () throws(SysError) in
            try Files.removeTree(workDir)
            stage.number += 1
            stage.options = options ?? job.scenario.options
            try Files.mkdir(upperDir, mode: 0o755)
            try Files.mkdir(workDir, mode: 0o755)
            try LayerBuilder.build(Layer(), at: upperDir)
            try recordLayerInodes()
        }
        slice.add(kmsg.drain())
        try Mount.mount(type: "overlay", source: "overlay", target: mountPoint, options: optionString)
        return try shownOptions()
    }

    /// umount + mount with the same options; the mount's kernel-log lines are kept for the step's
    /// record, as a second mount's.
    func remount() throws -> [String] {
        try Mount.unmount(mountPoint)
        slice.add(kmsg.drain())
        defer { secondLog.lines = overlayLog(allPrefixes: spec != nil).map { spec != nil ? symbolic($0) : $0 } }
        if let spec {
            if let refusal = try mountBySpec(spec) { throw SysError(errno: refusal.errno, call: "mount \(refusal.stage)", path: mountPoint) }
            return try shownOptions()
        }
        try Mount.mount(type: "overlay", source: "overlay", target: mountPoint, options: optionString)
        return try shownOptions()
    }

    /// The options mountinfo shows, without the layer paths and rw/ro.
    func shownOptions() throws(SysError) -> [String] {
        // With `mount:` the layer paths may hold commas, which only the raw field keeps escaped.
        try (spec != nil ? Mount.rawSuperOptions(of: mountPoint) : Mount.superOptions(of: mountPoint)).split(separator: ",").map(String.init).filter { opt in
            !["rw", "ro"].contains(opt) && !["lowerdir", "upperdir", "workdir", "lowerdir+", "datadir+"].contains(opt.split(separator: "=").first.map(String.init) ?? "")
        }
    }

    /// The job's new kernel-log lines of overlayfs (`overlayfs:`), with `allPrefixes` also those of
    /// the VFS's fs-context messages (`overlay:`).
    func overlayLog(allPrefixes: Bool = false) -> [String] {
        let lines = kmsg.drain()
        slice.add(lines)
        return lines.filter { $0.hasPrefix("overlayfs:") || (allPrefixes && $0.hasPrefix("overlay:")) }
    }

    /// Mounts the overlay as the case's `mount:` says (R3): its parameters with the job's folders
    /// filled in, through `mount(2)` in one string or `fsconfig` one by one, with the lowers'
    /// folder as the working directory (generated layers are named relative to it).
    /// - Returns: nil when mounted, else where and with which errno the kernel refused.
    /// - Throws: ``HarnessFault`` when the working directory cannot be set.
    func mountBySpec(_ spec: MountSpec, target: String? = nil, withWorkdir: Bool = true) throws -> (stage: String, errno: Int32)? {
        let params = spec.expand(lowers: lowerDirs, upper: upperDir, work: workDir, spare: spareDirs, holder: holderPoint,
                                 dataLayerCount: job.scenario.dataLayerCount, hasUpper: job.scenario.upper != nil,
                                 options: job.scenario.options).filter { withWorkdir || !$0.hasPrefix("workdir=") }
        let mountPoint = target ?? self.mountPoint
        let cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard cwd >= 0, chdir(base(0)) == 0 else { throw HarnessFault("mount: chdir \(base(0)): errno \(errno)") }
        defer { _ = fchdir(cwd); close(cwd) }
        do {
            switch spec.api {
            case .mount2:
                try Mount.mountData(type: "overlay", target: mountPoint, data: params.joined(separator: ","))
                return nil
            case .fsconfig:
                return try FsContext.mount(type: "overlay", params: params, target: mountPoint)
            }
        } catch {
            return ("mount", error.errno)
        }
    }

    /// `text` with the job's folders written as ``MountGrammar/dirToken``, as the model writes them.
    func symbolic(_ text: String) -> String {
        var out = text
        for dir in Set(job.scenario.lowers.indices.map(base) + [upperBase]).sorted(by: { $0.count > $1.count }) {
            out = out.replacing(dir + "/", with: MountGrammar.dirToken + "/")
        }
        return out
    }

    func makeDirs(_ path: String) throws(SysError) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            do { try Files.mkdir(current, mode: 0o755) } catch where error.errno == EEXIST {}
        }
    }
}

/// The kernel log lines of a second mount, kept from the step until its outcome is written.
final class SecondMountLines {
    var lines: [String]?

    func take() -> [String]? {
        defer { lines = nil }
        return lines
    }
}

/// Which stage of a staged case a job is in, and that stage's options (nil: the first stage's).
final class StageState {
    var number = 0
    var options: [MountOption]?
}
