import OvlModel

/// Compares the guest's layer-checker runs with the model's invariants (issue 9): on the layers
/// a case gives (when it says `fsck:`), and on the layers the kernel left behind after every job,
/// where the model's own final layers predict the findings (none, unless a case damages them).
enum FsckJudge {
    static func compare(_ scenario: Scenario, after predictedLayers: LayerSet, _ observed: Observations) -> [Difference] {
        var diffs: [Difference] = []
        if let outcome = scenario.fsckOutcome, let check = scenario.fsck {
            if let o = observed.fsck[.given] {
                // The case's own claims, against the run itself (the model shares the checks' code).
                for line in check.disagreements(found: o.found, exitCode: o.exitCode(policy: check.policy)) {
                    diffs.append(Difference(step: nil, kind: .fsckClaim, subject: "fsck -\(check.policy.rawValue) of the layers as given: \(line)",
                                            expected: "what the case claims", observed: line))
                }
                diffs += differences(.given, "fsck of the layers as given", outcome.found, o.found)
                diffs += differences(.left, "fsck -\(scenario.fsck?.policy.rawValue ?? "n") left", outcome.left, o.left)
            } else if observed.error == nil {
                diffs.append(Difference(step: nil, kind: .notRecorded("fsck of the layers as given"), subject: "fsck of the layers as given", expected: "a run", observed: "nothing recorded"))
            }
        }
        if let o = observed.fsck[.after] {
            diffs += differences(.after, "fsck after the job", predictedLayers.findings(), o.found)
        } else if observed.snapshot != nil || scenario.checksOnly {
            diffs.append(Difference(step: nil, kind: .notRecorded("fsck after the job"), subject: "fsck after the job", expected: "a run", observed: "nothing recorded"))
        }
        return diffs
    }

    /// One difference per finding only one side has (matched by ``Finding/key``).
    static func differences(_ scope: DifferenceKind.FsckScope, _ what: String, _ expected: [Finding], _ observed: [Finding]) -> [Difference] {
        let e = Set(expected.map(\.key)), o = Set(observed.map(\.key))
        var d: [Difference] = []
        for f in observed where !e.contains(f.key) {
            d.append(Difference(step: nil, kind: .fsckFinding(scope, f.problem, predicted: false),
                                subject: "fsck: \(what): \(f.layer):\(f.path) \(f.subject)", expected: "no finding",
                                observed: f.description))
        }
        for f in expected where !o.contains(f.key) {
            d.append(Difference(step: nil, kind: .fsckFinding(scope, f.problem, predicted: true),
                                subject: "fsck: \(what): \(f.layer):\(f.path) \(f.subject)", expected: f.description,
                                observed: "no finding"))
        }
        return d
    }
}
