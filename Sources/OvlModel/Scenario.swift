/// Everything a case describes: the layers, the mount options and the steps.
public struct Scenario: Codable, Sendable, Equatable {
    /// Lower layers, top first (`lowerdir=L0:L1:…`).
    public var lowers: [Layer]
    /// The upper layer as it is before the mount; nil for a read-only overlay.
    public var upper: Layer?
    /// Mount options as the case gives them, in order.
    public var options: [MountOption]
    /// The steps, run in order after the mount.
    public var steps: [Operation]

    public init(lowers: [Layer], upper: Layer?, options: [MountOption], steps: [Operation]) {
        self.lowers = lowers; self.upper = upper; self.options = options; self.steps = steps
    }
}

/// Facts about the machine a scenario runs on that change what overlayfs does.
public struct Environment: Codable, Sendable, Equatable {
    /// The overlay module's parameters (its compiled-in defaults).
    public var defaults: ModuleDefaults
    /// True when the upper and every lower are on one filesystem (R54).
    public var samefs: Bool
    /// The filesystem holding the upper layer (`ext4`, `xfs`), for outcomes the upper fs itself
    /// decides; nil when unknown: timestamps it decides are then not predicted, errnos as on ext4.
    public var upperFS: String?

    public init(defaults: ModuleDefaults, samefs: Bool, upperFS: String? = nil) {
        self.defaults = defaults; self.samefs = samefs; self.upperFS = upperFS
    }
}
