/// A case's claim about its layers as given (`fsck: {expect: [R33], fix: p}`): the checker
/// reports exactly the listed rules, and when it repairs (`p`, `y`) and leaves nothing, the overlay
/// is mounted on the repaired layers.
public struct FsckCheck: Codable, Sendable, Equatable {
    /// The rules (``ProblemClass/rule``) fsck must report on the layers as given.
    public var expect: [String]
    /// What the run may change: `-n` (`fix: false`), `-p` (`fix: true` or `p`), `-y` (`fix: y`).
    public var policy: FixPolicy
    /// False: the repaired layers are only checked, never mounted (`mount: false`; e.g. layers the
    /// model cannot mount yet: it does not follow a redirect in a lower layer).
    public var mount: Bool = true

    public init(expect: [String], policy: FixPolicy, mount: Bool = true) {
        self.expect = expect; self.policy = policy; self.mount = mount
    }
    public init(expect: [String], fix: Bool) { self.init(expect: expect, policy: fix ? .safe : .none) }

    /// True when the layers are repaired before the mount.
    public var fix: Bool {
        get { policy != .none }
        set { policy = newValue ? .safe : .none }
    }
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
    /// The layer checker's run on the layers as given, under the case's policy (nil without `fsck:`).
    public var fsckOutcome: FsckOutcome? {
        fsck.map { LayerSet(scenario: self).check(policy: $0.policy) }
    }

    /// True for a case whose damaged layers fsck does not repair (`fsck: {fix: false}`), or
    /// repairs but not all of them (`-p` leaves a duplicated redirect), or that says `mount:
    /// false`: the layer checker runs on them and nothing is mounted.
    public var checksOnly: Bool {
        guard let check = fsck else { return false }
        return !check.fix || !check.mount || fsckOutcome.map { !$0.left.isEmpty } == true
    }

    /// The scenario the overlay is mounted on: with a repairing `fsck:`, the layers as
    /// ``LayerSet/check(policy:)`` leaves them; otherwise this scenario.
    public var asMounted: Scenario {
        guard let check = fsck, check.fix, check.mount, let fixed = fsckOutcome?.layers else { return self }
        var out = self
        out.lowers = fixed.lowers
        out.upper = fixed.upper
        return out
    }
}
