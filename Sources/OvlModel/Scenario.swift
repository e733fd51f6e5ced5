/// Everything a case describes: the layers, the mount options and the steps.
public struct Scenario: Codable, Sendable, Equatable {
    /// Lower layers, top first (`lowerdir=L0:L1:…`), the data-only layers last.
    public var lowers: [Layer]
    /// How many of ``lowers`` (the last ones) are data-only layers (`lowerdir=L0::D0::D1`, R83):
    /// never in the namespace, only data for metacopy files with an absolute redirect.
    public var dataLayerCount: Int
    /// The upper layer as it is before the mount; nil for a read-only overlay.
    public var upper: Layer?
    /// Mount options as the case gives them, in order.
    public var options: [MountOption]
    /// The steps, run in order after the mount.
    public var steps: [Operation]
    /// Identity assertions the case makes between stat steps (`same_inode_as`, `other_inode_than`).
    public var inodeChecks: [InodeCheck]
    /// Lower layers that are not directories of their own but a directory inside another lower
    /// (overlapping layers, R7/R88); their entry in ``lowers`` holds that directory's contents.
    public var nestedLowers: [NestedLayer]
    /// What the layer checker must report on the layers as given (`fsck:`), if the case says.
    public var fsck: FsckCheck?
    /// The workdir's contents before the mount (`index/…`), for damaged layers only; nil: empty.
    public var workdir: Layer?
    /// The filesystems the case puts its upper or lowers on instead of the configuration's
    /// (`layer_fs:`, R10, R12, R28); nil: the configuration's.
    public var layerFS: LayerFSOverride?
    /// How the mount is given to the kernel (`mount:`, R3); nil: libmount with the default string.
    public var mountSpec: MountSpec?
    /// The first mount's options when a staged case gives its first stage options of its own
    /// (``Operation/nextStage(options:)``); nil: ``options``.
    public var initialOptions: [MountOption]?
    /// The upper layer when it is not a folder of its own but directory `path` of lower layer
    /// `host` (`upper: "@0/d"`, R7: an upper inside a lower mounts; its root is a trap, so a
    /// lookup that meets it through the lower is ELOOP); nil: the upper's own folder.
    public var upperInLower: LayerSpot?
    /// The workdir when it is directory `path` of lower layer `host` (`workdir: "@0/e"`, R7: it
    /// mounts, `work/` is made there, and the workdir and `work/` are traps); nil: its own folder.
    public var workInLower: LayerSpot?

    /// The options of the first mount.
    public var mountOptions: [MountOption] { initialOptions ?? options }
    /// How many stages the case has (1 + its ``Operation/nextStage(options:)`` steps).
    public var stageCount: Int { 1 + steps.filter { if case .nextStage = $0 { true } else { false } }.count }

    public init(lowers: [Layer], upper: Layer?, options: [MountOption], steps: [Operation],
                inodeChecks: [InodeCheck] = [], nestedLowers: [NestedLayer] = [], fsck: FsckCheck? = nil,
                workdir: Layer? = nil, dataLayerCount: Int = 0, layerFS: LayerFSOverride? = nil,
                mountSpec: MountSpec? = nil) {
        self.lowers = lowers; self.upper = upper; self.options = options; self.steps = steps
        self.inodeChecks = inodeChecks; self.nestedLowers = nestedLowers; self.fsck = fsck; self.workdir = workdir
        self.dataLayerCount = dataLayerCount; self.layerFS = layerFS; self.mountSpec = mountSpec
    }
}

/// Directory `path` of lower layer `host`.
public struct LayerSpot: Codable, Sendable, Equatable {
    public var host: Int
    public var path: RelPath
    public init(host: Int, path: RelPath) { self.host = host; self.path = path }
}

/// Lower layer `layer` is directory `path` of lower layer `host`.
public struct NestedLayer: Codable, Sendable, Equatable {
    public var layer: Int
    public var host: Int
    public var path: RelPath
    public init(layer: Int, host: Int, path: RelPath) { self.layer = layer; self.host = host; self.path = path }
}

/// Facts about the machine a scenario runs on that change what overlayfs does.
public struct Environment: Codable, Sendable, Equatable {
    /// The overlay module's parameters (its compiled-in defaults).
    public var defaults: ModuleDefaults
    /// True when the upper and every lower are on one filesystem (R54).
    public var samefs: Bool
    /// The filesystems of the lowers and the upper (xino bits depend on them, R56); nil = ext4
    /// for samefs, ext4 lowers under an xfs upper otherwise.
    public var fs: FSConfig?
    /// The kernel the module runs in (the guest's `uname -r`); nil: ``KernelVersion/reference``.
    public var kernel: KernelVersion?
    /// The machine's link-protection sysctls (the boot record's).
    public var sysctls: Sysctls
    /// Names of ``KernelChanges`` predicted the other way round on purpose (`run --flip-change`):
    /// a deliberate breakage of the model that shows which cases a version entry decides.
    public var flipped: Set<String> = []

    public init(defaults: ModuleDefaults, samefs: Bool, fs: FSConfig? = nil, kernel: KernelVersion? = nil,
                sysctls: Sysctls = .debian) {
        self.defaults = defaults; self.samefs = samefs; self.fs = fs; self.kernel = kernel; self.sysctls = sysctls
    }

    /// True when the kernel has `change` (see ``KernelChanges``).
    public func has(_ change: KernelChange) -> Bool { change.present(in: kernel ?? .reference) != flipped.contains(change.name) }

    /// The filesystem holding the upper layer (`ext4`, `xfs`), for outcomes the upper fs itself
    /// decides. When ``fs`` names none, an unnamed one: its table defaults decide nothing
    /// fs-specific (timestamps it decides are not predicted, errnos as on ext4).
    public var upperLayerFS: LayerFilesystem { LayerFilesystem.named(fs?.upper ?? "") }

    /// The filesystems in force (``fs`` or its default).
    public var filesystems: FSConfig {
        fs ?? (samefs ? FSConfig(lower: "ext4", upper: "ext4") : FSConfig(lower: "ext4", upper: "xfs"))
    }
}

/// A case's assertion that two stat steps show the same inode (or not): same st_dev and st_ino.
public struct InodeCheck: Codable, Sendable, Equatable {
    /// The step (0-based) that carries the assertion, and the earlier step it refers to.
    public var step: Int
    public var other: Int
    /// True for `same_inode_as`, false for `other_inode_than`.
    public var same: Bool
    public init(step: Int, other: Int, same: Bool) { self.step = step; self.other = other; self.same = same }
}
