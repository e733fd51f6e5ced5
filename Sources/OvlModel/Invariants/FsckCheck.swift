/// A case's claim about its layers as given (`fsck: {expect: [R33], fix: true}`): the checker
/// reports exactly the listed rules, and with `fix` the overlay is mounted on the repaired layers.
public struct FsckCheck: Codable, Sendable, Equatable {
    /// The rules (``ProblemClass/rule``) fsck must report on the layers as given.
    public var expect: [String]
    /// Repair the layers before the mount (`ovl-conform fsck --fix`).
    public var fix: Bool

    public init(expect: [String], fix: Bool) { self.expect = expect; self.fix = fix }
}

/// When the guest ran the layer checker.
public enum FsckStage: String, Codable, Sendable {
    /// On the layers as a case gives them, before the mount (only for cases with `fsck:`).
    case given
    /// On the layers the kernel left behind, after the last umount (every job).
    case after
}

/// What one fsck run in the guest found, and what it left (after `--fix`; else the same).
public struct FsckObservation: Codable, Sendable, Equatable {
    public var found: [Finding]
    public var left: [Finding]
    public init(found: [Finding], left: [Finding]) { self.found = found; self.left = left }
}

extension Finding {
    /// What identifies a finding across a prediction and an observation (details carry values
    /// the model only knows as placeholders).
    public var key: String { "\(layer):\(path) \(subject) \(rule)" }
}

extension Scenario {
    /// True for a case whose damaged layers fsck does not repair (`fsck: {fix: false}`): the
    /// layer checker runs on them and nothing is mounted.
    public var checksOnly: Bool { fsck.map { !$0.fix } ?? false }

    /// The scenario the overlay is mounted on: with `fsck: {fix: true}`, the layers as
    /// ``LayerSet/repaired(_:)`` leaves them; otherwise this scenario.
    public var asMounted: Scenario {
        guard let check = fsck, check.fix else { return self }
        let given = LayerSet(scenario: self)
        let fixed = given.repaired(given.findings())
        var out = self
        out.lowers = fixed.lowers
        out.upper = fixed.upper
        return out
    }
}
