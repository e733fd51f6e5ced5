/// One repair of a finding, where it is made: what the host plans from a case's layers and the
/// guest makes on disk (`OvlLayerDisk.LayerFolders.apply`), so the executor never runs the checks.
public struct PlannedRepair: Codable, Sendable, Equatable {
    /// The layer and path of the finding repaired (``Repair/addWhiteout(_:)`` names its own path).
    public var layer: LayerRole
    public var path: RelPath
    public var repair: Repair

    public init(layer: LayerRole, path: RelPath, repair: Repair) {
        self.layer = layer; self.path = path; self.repair = repair
    }
}

extension Finding {
    /// The repairs `policy` makes for this finding, in order.
    public func plannedRepairs(under policy: FixPolicy) -> [PlannedRepair] {
        repairs(under: policy).map { PlannedRepair(layer: layer, path: path, repair: $0) }
    }
}

extension LayerSet {
    /// Every repair a run under `policy` makes on these layers (``run(policy:read:repair:)``),
    /// round after round: made in this order on disk, they leave what the run leaves.
    public func plannedRepairs(policy: FixPolicy) -> [PlannedRepair] {
        var layers = self
        let r = Self.run(policy: policy, read: { layers }, repair: { layers = layers.repaired($0, policy: policy) })
        return r.repaired.flatMap { $0.plannedRepairs(under: policy) }
    }
}
