import OvlLayerDisk
import OvlModel
import OvlSys

/// The layer checker over folders on disk: the model's invariants (``LayerSet/run(policy:read:repair:)``)
/// with reads and repairs made through ``LayerFolders``.
extension LayerFolders {
    /// Makes the repairs `policy` makes for `findings` on disk (only whiteouts and private xattrs change).
    public func repair(_ findings: [Finding], policy: FixPolicy = .safe) throws(SysError) {
        try apply(findings.flatMap { $0.plannedRepairs(under: policy) })
    }

    /// Checks, and under a repairing `policy` repairs, the folders, pass by pass and round by round
    /// as ``OvlModel/LayerSet/check(policy:)`` does on the model's layers (both are
    /// ``OvlModel/LayerSet/run(policy:read:repair:)``): what was found, and what is left after.
    public func check(policy: FixPolicy) throws(SysError) -> FsckReport {
        do {
            let r = try LayerSet.run(policy: policy, read: { try read() }, repair: { try repair($0, policy: policy) })
            return FsckReport(found: r.found, left: r.left, repaired: r.repaired, policy: policy)
        } catch let e as SysError {
            throw e
        } catch {
            preconditionFailure("only SysError is thrown here: \(error)")
        }
    }

    /// ``check(policy:)`` with `--fix` (`-p`) or without (`-n`).
    public func check(fix: Bool) throws(SysError) -> FsckReport { try check(policy: fix ? .safe : .none) }
}

/// What one fsck run found and what it left.
public struct FsckReport: Sendable, Equatable {
    public var found: [Finding]
    /// The findings still there after the repairs (all of them under `-n`).
    public var left: [Finding]
    /// The findings whose repairs were made, in order.
    public var repaired: [Finding] = []
    public var policy: FixPolicy = .none

    public init(found: [Finding], left: [Finding], repaired: [Finding] = [], policy: FixPolicy = .none) {
        self.found = found; self.left = left; self.repaired = repaired; self.policy = policy
    }

    /// fsck.overlay's (and fsck(8)'s) exit status: 0 clean, 1 something was changed and nothing
    /// is left, 4 something is left (even if other things were changed).
    public var exitCode: Int32 { !left.isEmpty ? 4 : repaired.isEmpty ? 0 : 1 }
}
