import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import OvlVM

/// Runs a set of jobs in one or more guests — one boot per guest, another only after a crash or
/// hang — and judges every job against the model.
public struct Suite {
    /// The jobs to run (see ``JobList``), each with its case.
    public var jobs: [Job]
    public var cases: [Int: Case]
    public var moduleSource: String?
    public var kernelVersion: String?
    /// A developer's built kernel tree to boot instead of a Debian kernel (see ``KernelTree``).
    public var kernelTree: String?
    /// Run on the machine's own kernel instead of a guest (see ``HostSession``).
    public var host: Bool
    /// Version entries predicted the other way round (a deliberate breakage of the model).
    public var flipped: Set<String> = []
    public var resultsDir: String
    public var stallTimeout: Double
    /// How many guests run in parallel (one vCPU each); the jobs are dealt out round-robin.
    public var guests: Int
    public var reporter: ProgressReporter

    public init(jobs: [(Job, Case)], moduleSource: String?, kernelVersion: String?, kernelTree: String? = nil, host: Bool = false,
                resultsDir: String, stallTimeout: Double, guests: Int = 1, reporter: ProgressReporter) {
        self.host = host
        self.jobs = jobs.map(\.0)
        self.cases = Dictionary(jobs.map { ($0.0.index, $0.1) }, uniquingKeysWith: { a, _ in a })
        self.moduleSource = moduleSource; self.kernelVersion = kernelVersion; self.kernelTree = kernelTree
        self.resultsDir = resultsDir
        self.stallTimeout = stallTimeout; self.guests = max(1, guests); self.reporter = reporter
    }

    /// Builds the module, boots, runs, checks; writes `verdicts.json` into the results folder.
    /// - Throws: ``HarnessError`` when the module does not build or load (untestable) or the setup is broken.
    public func run() throws -> RunSummary {
        let repo = try RepoLayout.locate()
        try FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
        let t0 = Date()
        let made = try host ? hostSetup(repo: repo) : guestSetup(repo: repo)
        let buildSeconds = Date().timeIntervalSince(t0)
        // One agent on the host: a drop_caches step is machine-wide and would evict what another
        // lane's job keeps cached (a directory's non-persistent st_ino, R57).
        if host, guests > 1 { reporter.note("--host runs one agent (--jobs \(guests) ignored): drop_caches steps are machine-wide") }
        let lanes = Self.deal(jobs.filter { $0.skip == nil }, into: host ? 1 : guests)
        reporter.start(total: jobs.count, guests: lanes.count)
        let skipped = jobs.compactMap { job -> JobResult? in
            guard let why = job.skip, let c = cases[job.index] else { return nil }
            return JobResult(job: job, caseInfo: c, verdict: .skip(why), differences: [], kernelLog: [], seconds: 0)
        }
        for r in skipped { reporter.finished(r) }

        let setup = GuestLane.Setup(session: made.session, host: host, kernelTree: kernelTree != nil, stallTimeout: stallTimeout, flipped: flipped,
                                    reporter: reporter)
        let outcomes = try Self.runConcurrently(lanes.enumerated().map { i, laneJobs in
            GuestLane(setup: setup, directory: lanes.count == 1 ? resultsDir : resultsDir + "/guest\(i + 1)",
                      jobs: laneJobs, cases: cases)
        })
        let summary = RunSummary(
            results: (skipped + outcomes.flatMap(\.results)).sorted { $0.job.index < $1.job.index },
            kernel: outcomes.lazy.compactMap(\.kernel).first ?? made.kernel,
            moduleSource: made.source, moduleRevision: made.revision,
            buildSeconds: buildSeconds, bootSeconds: outcomes.flatMap(\.bootSeconds), readySeconds: outcomes.flatMap(\.readySeconds),
            totalSeconds: Date().timeIntervalSince(t0), guests: lanes.count,
            phases: outcomes.map(\.phases).reduce(JobPhases(), +))
        try ResultsFolder.writeVerdicts(summary.results, to: resultsDir)
        reporter.summary(summary)
        return summary
    }

    /// What the lanes run on: how to start a session, the kernel and the module's source and revision.
    struct Made {
        var session: @Sendable (_ bootDir: String) -> any AgentSession
        var kernel: String
        var source: String
        var revision: String
    }

    /// Fetches the kernel (or prepares a tree), builds the module, makes the initramfs and disks, and
    /// picks the accelerator.
    func guestSetup(repo: RepoLayout) throws -> Made {
        let kernel: KernelImage
        let source: String
        let module: String?
        if let kernelTree {
            let tree = try KernelTree.locate(kernelTree)
            kernel = try tree.prepare(repo: repo)
            source = tree.root
            module = tree.moduleFile
            reporter.note("kernel tree \(tree.root) (\(tree.release)); overlay \(module.map { "module \($0)" } ?? "built in")")
        } else {
            kernel = try KernelImage.fetch(version: kernelVersion, repo: repo)
            source = try moduleSource ?? kernel.stockModuleSource(repo: repo)
            reporter.note("kernel \(kernel.release); building overlay.ko from \(source)")
            module = try ModuleBuilder.build(source: source, kernel: kernel, repo: repo)
        }
        let initrd = try Initramfs.make(kernel: kernel, module: module, in: resultsDir, repo: repo)
        let disks = try DiskImages.make(kernel: kernel, repo: repo)
        let agent = Self.agentPath
        let stallTimeout = stallTimeout
        let trial = BootSession(kernel: kernel, initrd: initrd, disks: disks, agent: agent, resultsDir: resultsDir + "/accel-trial",
                                stallTimeout: stallTimeout)
        let (accel, isNew) = Accelerator.forRun(.machine(trial: trial))
        if isNew { reporter.note(accel.line) }
        return Made(session: { BootSession(kernel: kernel, initrd: initrd, disks: disks, agent: agent, resultsDir: $0,
                                           stallTimeout: stallTimeout, accel: accel) },
                    kernel: kernel.release, source: source,
                    revision: ModuleRevision.describe(source: source, module: module ?? kernel.vmlinuz))
    }

    /// Checks the machine and makes the disk images (into `host/` of the kernel cache) for the
    /// running kernel.
    func hostSetup(repo: RepoLayout) throws -> Made {
        try HostSession.checkMachine()
        let images = try DiskImages.make(cacheDir: KernelImage.cacheRoot + "/host", repo: repo)
        let release = Self.runningRelease
        reporter.note("host kernel \(release) (no guest: a kernel oops here is the machine's own)")
        let agent = Self.agentPath
        let stallTimeout = stallTimeout
        return Made(session: { HostSession(agent: agent, resultsDir: $0, images: images.folder, stallTimeout: stallTimeout, repo: repo) },
                    kernel: release, source: "the running kernel's overlay", revision: release)
    }

    /// This binary, which the guest or the host namespace runs as its agent.
    static var agentPath: String { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path }

    /// `uname -r` of the machine.
    static var runningRelease: String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Deals jobs round-robin into at most `count` non-empty lanes, keeping each lane in job order.
    static func deal(_ jobs: [Job], into count: Int) -> [[Job]] {
        let n = max(1, min(count, jobs.count))
        var lanes = Array(repeating: [Job](), count: n)
        for (i, job) in jobs.enumerated() { lanes[i % n].append(job) }
        return lanes
    }

    /// Runs each lane on its own thread and waits for all; the first error (if any) is rethrown.
    static func runConcurrently(_ lanes: [GuestLane]) throws -> [GuestLane.Outcome] {
        if lanes.count == 1, let only = lanes.first { return [try only.run()] }
        let slots = LockedSlots<Result<GuestLane.Outcome, Error>>(count: lanes.count)
        let group = DispatchGroup()
        for (i, lane) in lanes.enumerated() {
            group.enter()
            Thread.detachNewThread {
                slots.set(i, Result { try lane.run() })
                group.leave()
            }
        }
        group.wait()
        return try slots.values.map { try $0?.get() ?? GuestLane.Outcome() }
    }
}

/// The outcome of a whole run.
public struct RunSummary: Sendable {
    public var results: [JobResult]
    public var kernel: String
    public var moduleSource: String
    /// Git revision or content hash of the module source (see ``ModuleRevision``).
    public var moduleRevision: String
    public var buildSeconds: Double
    /// Wall time of each boot, start to power-off (or kill).
    public var bootSeconds: [Double]
    /// Seconds from each boot's start to the agent's first record (boot, module load, loop filesystems).
    public var readySeconds: [Double]
    public var totalSeconds: Double
    /// Guests that ran in parallel.
    public var guests: Int
    /// Guest time of every finished job, by phase (summed over guests).
    public var phases: JobPhases
    public var exitStatus: ExitStatus { ExitStatus.of(results) }

    public init(results: [JobResult], kernel: String, moduleSource: String, moduleRevision: String, buildSeconds: Double,
                bootSeconds: [Double], readySeconds: [Double] = [], totalSeconds: Double, guests: Int,
                phases: JobPhases = JobPhases()) {
        self.results = results; self.kernel = kernel; self.moduleSource = moduleSource
        self.moduleRevision = moduleRevision; self.buildSeconds = buildSeconds; self.bootSeconds = bootSeconds
        self.readySeconds = readySeconds
        self.totalSeconds = totalSeconds; self.guests = guests; self.phases = phases
    }
}
