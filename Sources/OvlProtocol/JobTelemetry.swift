/// What the kernel said during one job, as the guest kept it: the taint mask
/// (`/proc/sys/kernel/tainted`) before and after, and the kernel log lines in between.
public struct KernelSlice: Codable, Sendable, Equatable {
    public var taintBefore: UInt64
    public var taintAfter: UInt64
    public var lines: [String]
    public init(taintBefore: UInt64, taintAfter: UInt64, lines: [String]) {
        self.taintBefore = taintBefore; self.taintAfter = taintAfter; self.lines = lines
    }
}

/// Seconds one job spent in each phase inside the guest (monotonic clock), so a run can say
/// where its time goes.
public struct JobPhases: Codable, Sendable, Equatable {
    /// Making the layer folders and their contents, and recording their inode numbers.
    public var layers = 0.0
    /// The overlay mount, its mountinfo line and st_dev.
    public var mount = 0.0
    /// The case's steps (remounts and offline changes included).
    public var steps = 0.0
    /// Dumping the merged view and the layers, and unmounting.
    public var dumps = 0.0
    /// The layer checker on the layers the kernel left.
    public var fsck = 0.0
    /// Encoding and writing this job's records to the results share.
    public var records = 0.0
    public init() {}

    /// The sum of every phase.
    public var total: Double { layers + mount + steps + dumps + fsck + records }

    /// Adds another job's phases, phase by phase.
    public static func + (a: JobPhases, b: JobPhases) -> JobPhases {
        var s = a
        s.layers += b.layers; s.mount += b.mount; s.steps += b.steps; s.dumps += b.dumps; s.fsck += b.fsck
        s.records += b.records
        return s
    }
}
