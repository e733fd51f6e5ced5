import OvlModel
import OvlProtocol

/// What the guest recorded for one job.
public struct Observations: Sendable {
    public var began = false
    public var ended = false
    public var mount: MountObservation?
    public var steps: [Int: Outcome] = [:]
    /// The kernel log lines of each step that mounted a second overlay, by step index.
    public var secondMountLogs: [Int: [String]] = [:]
    public var snapshot: Snapshot?
    public var error: String?
    /// Why the kernel could not make the job's layers (``GuestRecord/unsupported(job:reason:)``).
    public var unsupported: String?
    /// The layers' real inode numbers before the mount.
    public var layerInodes: LayerInodes?
    /// The layers' inode numbers recorded again after each offline change.
    public var laterLayerInodes: [LayerInodes] = []
    /// The overlay's st_dev per mount generation.
    public var overlayDevs: [Int: UInt64] = [:]
    /// The layer folders of a case with `fsck:` as the guest dumped them before the mount, by stage.
    public var layers: [LayerDumpStage: DumpedLayers] = [:]
    /// The layer checker's runs on the dumped layers, by stage (``LayerChecks``): the host's, never the guest's.
    public var fsck: [FsckStage: FsckObservation] = [:]
    /// What the kernel logged during the job, when it logged anything of its own.
    public var kernel: KernelSlice?
    /// Where the job's time in the guest went.
    public var phases: JobPhases?
}

/// Everything one or more boots recorded, by job index.
public struct RecordLog: Sendable {
    public var defaults: ModuleDefaults?
    public var kernel: String?
    public var sysctls: Sysctls?
    public var jobs: [Int: Observations] = [:]
    public var done = false

    /// Folds one record in.
    public mutating func add(_ record: GuestRecord) {
        switch record {
        case .boot(let d, let k, let s): defaults = d; kernel = k; sysctls = s
        case .begin(let j): jobs[j, default: Observations()].began = true
        case .mount(let j, let m): jobs[j, default: Observations()].mount = m
        case .step(let j, let i, let o): jobs[j, default: Observations()].steps[i] = o
        case .secondMountLog(let j, let i, let lines): jobs[j, default: Observations()].secondMountLogs[i] = lines
        case .snapshot(let j, let s): jobs[j, default: Observations()].snapshot = s
        case .layerInodes(let j, let t):
            if jobs[j]?.layerInodes == nil { jobs[j, default: Observations()].layerInodes = t } else { jobs[j]?.laterLayerInodes.append(t) }
        case .overlayDev(let j, let g, let dev): jobs[j, default: Observations()].overlayDevs[g] = dev
        case .layers(let j, let stage, let d): jobs[j, default: Observations()].layers[stage] = d
        case .error(let j, let message): jobs[j, default: Observations()].error = message
        case .unsupported(let j, let reason): jobs[j, default: Observations()].unsupported = reason
        case .kernel(let j, let k): jobs[j, default: Observations()].kernel = k
        case .end(let j, let p): jobs[j, default: Observations()].ended = true; jobs[j]?.phases = p
        case .done: done = true
        }
    }
}
