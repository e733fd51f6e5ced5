import OvlModel

extension Checker {
    /// The kernel log of each second mount (R9, R6) against the model's, both ways: a predicted
    /// line the kernel did not log, a line of `overlayfs:` the model does not predict. A step
    /// whose log was not recorded (it did not run) is left to the step's own comparison.
    static func compareSecondMountLogs(_ scenario: Scenario, _ expected: [Int: [String]], _ observed: [Int: [String]]) -> [Difference] {
        var d: [Difference] = []
        for (i, e) in expected.sorted(by: { $0.key < $1.key }) {
            guard let o = observed[i] else { continue }
            let subject = "step \(i + 1) \(scenario.steps[i].name) kernel log"
            for line in unmatchedLines(e, in: o) {
                d.append(Difference(step: i, kind: .secondMountLog, subject: subject, expected: line, observed: o.joined(separator: " | ")))
            }
            for line in unmatchedLines(o, in: e) {
                d.append(Difference(step: i, kind: .secondMountLogUnexpected, subject: subject, expected: e.joined(separator: " | "), observed: line))
            }
        }
        return d
    }
}
