import OvlModel

/// One case in one configuration, as the guest runs it.
public struct Job: Codable, Sendable, Equatable {
    /// Index of the job in the plan (also its directory name in the guest).
    public var index: Int
    /// The case id, for logs.
    public var caseID: String
    public var config: FSConfig
    public var scenario: Scenario
    /// Why the job is not run (a `layer_fs:` case whose layers this configuration puts on the
    /// filesystems of an earlier one); nil for a job to run.
    public var skip: String?
    /// The repairs the case's `fsck:` policy makes on its layers as given, planned by the host
    /// (``OvlModel/LayerSet/plannedRepairs(policy:)``): the guest makes them and dumps the layers
    /// again, and the host checks what is left.
    public var fsckRepairs: [PlannedRepair]
    public init(index: Int, caseID: String, config: FSConfig, scenario: Scenario, skip: String? = nil,
                fsckRepairs: [PlannedRepair]) {
        self.index = index; self.caseID = caseID; self.config = config; self.scenario = scenario; self.skip = skip
        self.fsckRepairs = fsckRepairs
    }
}

/// Everything one guest boot runs.
public struct Plan: Codable, Sendable, Equatable {
    public var jobs: [Job]
    public init(jobs: [Job]) { self.jobs = jobs }
}

/// One line the guest writes to the results share; the host reads them as they appear.
/// The guest only records: it never consults the model.
public enum GuestRecord: Codable, Sendable, Equatable {
    /// Written once per boot: the module's parameters, the kernel release and the sysctls the
    /// model follows.
    case boot(defaults: ModuleDefaults, kernel: String, sysctls: Sysctls)
    case begin(job: Int)
    case mount(job: Int, MountObservation)
    /// The real inode numbers of the layers as built, recorded before the mount (R54–R58), and
    /// again after each offline change of a lower layer.
    case layerInodes(job: Int, LayerInodes)
    /// `stat(mountpoint).st_dev` of the overlay after mount number `generation` (0 = the first).
    case overlayDev(job: Int, generation: Int, dev: UInt64)
    case step(job: Int, index: Int, Outcome)
    /// The `overlayfs:` kernel log lines of step `index`, a second mount (`mount_again`,
    /// `mount_without_workdir`), written after the step's outcome.
    case secondMountLog(job: Int, index: Int, lines: [String])
    case snapshot(job: Int, Snapshot)
    /// The layer folders of a case with `fsck:`, dumped before the mount: as given, and again after
    /// the planned repairs (``Job/fsckRepairs``). The host runs the layer checker on them (issue 9);
    /// the layers the kernel left behind it reads from the `snapshot`.
    case layers(job: Int, stage: LayerDumpStage, DumpedLayers)
    /// A harness failure inside the guest (setup, layer building): the job is an `error`.
    case error(job: Int, message: String)
    /// The kernel cannot make the job's layers (a feature it was built without, or one it
    /// refuses): the job is a `skip` with that reason, never a compared outcome.
    case unsupported(job: Int, reason: String)
    /// The kernel log lines of the job and the taint mask around it: written before `end` when
    /// the kernel logged anything beyond the job's own marker or the taint changed.
    case kernel(job: Int, KernelSlice)
    /// The job is over; where its time in the guest went.
    case end(job: Int, phases: JobPhases)
    /// The guest finished the plan.
    case done
}

/// The console line the agent prints before it stops on a failure of its own (a record it cannot
/// write whole): the host makes the job in flight an `error` with it, not a crash.
public let harnessFailureMarker = "ovl-conform guest: HARNESS-FAILURE:"

extension GuestRecord {
    /// True for the records the host's watchdog and crash report go by (the boot, a mount, each
    /// step, a harness error, a job's end, the end of the plan): the guest writes them to the host
    /// at once, with whatever it gathered before them.
    public var marksProgress: Bool {
        switch self {
        case .boot, .mount, .step, .error, .unsupported, .end, .done: true
        case .begin, .layerInodes, .overlayDev, .snapshot, .layers, .kernel, .secondMountLog: false
        }
    }
}

/// When the guest dumped a case's layer folders for the layer checker.
public enum LayerDumpStage: String, Codable, Sendable {
    /// As the case gives them, before anything touched them.
    case given
    /// After the guest made the planned repairs (``Job/fsckRepairs``).
    case repaired
}
