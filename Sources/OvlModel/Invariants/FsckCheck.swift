/// A case's claim about its layers as given (`fsck: {expect: [R33], fix: p}`): the checker
/// reports exactly the listed rules, and when it repairs (`p`, `y`) and leaves nothing, the overlay
/// is mounted on the repaired layers.
public struct FsckCheck: Codable, Sendable, Equatable {
    /// The rules (``ProblemClass/rule``) fsck must report on the layers as given.
    public var expect: [String]
    /// What the run may change: `-n` (`fix: false`), `-p` (`fix: true` or `p`), `-y` (`fix: y`).
    public var policy: FixPolicy
    /// False: the repaired layers are only checked, never mounted (`mount: false`: layers a case
    /// means only to check).
    public var mount: Bool = true
    /// Every finding the run reports (``Finding/claim``: `R33 upper:d/x`), when the case lists
    /// them: checked against the guest's run itself, not only against the model, so a check that
    /// goes wrong in both (they share the code) still fails the case.
    public var findings: [String]?
    /// fsck.overlay's exit status of the run (0, 1 or 4), when the case says.
    public var exit: Int32?

    public init(expect: [String], policy: FixPolicy, mount: Bool = true, findings: [String]? = nil, exit: Int32? = nil) {
        self.expect = expect; self.policy = policy; self.mount = mount; self.findings = findings; self.exit = exit
    }
    public init(expect: [String], fix: Bool) { self.init(expect: expect, policy: fix ? .safe : .none) }

    /// True when the layers are repaired before the mount.
    public var fix: Bool {
        get { policy != .none }
        set { policy = newValue ? .safe : .none }
    }

    /// How a run's findings and exit status disagree with what the case claims, one line each;
    /// empty when they agree (or the case claims nothing beyond its rules).
    public func disagreements(found: [Finding], exitCode: Int32) -> [String] {
        var out: [String] = []
        let rules = Set(found.map(\.rule))
        if rules != Set(expect) { out.append("rules: the case expects \(expect.sorted()), the run finds \(rules.sorted())") }
        if let findings {
            let got = Set(found.map(\.claim)), want = Set(findings)
            for c in want.subtracting(got).sorted() { out.append("finding \(c): claimed, not found") }
            for c in got.subtracting(want).sorted() { out.append("finding \(c): found, not claimed") }
        }
        if let exit, exit != exitCode { out.append("exit: the case claims \(exit), the run gives \(exitCode)") }
        return out
    }
}

extension Finding {
    /// `R33 upper:d/x`: the rule, the layer and the path, as a case lists it (`fsck: {findings: …}`).
    public var claim: String { "\(rule) \(layer):\(path)" }
}

extension FsckObservation {
    /// fsck.overlay's exit status of the run this records under `policy`: 4 when something is
    /// left, 1 when something was found and repaired, else 0.
    public func exitCode(policy: FixPolicy) -> Int32 {
        !left.isEmpty ? 4 : (!found.isEmpty && policy != .none) ? 1 : 0
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
