import OvlModel

/// One place where the kernel did not do what the model predicted.
public struct Difference: Sendable, Equatable, Codable {
    /// The step index (0-based) for a step's outcome, nil for the mount or the state dump.
    public var step: Int?
    /// What kind of disagreement this is, as the checker compared it.
    public var kind: DifferenceKind
    /// What was compared: `mount`, `step 3 unlink d/f`, `upper d/f xattr trusted.overlay.opaque`, …
    public var subject: String
    public var expected: String
    public var observed: String

    public init(step: Int?, kind: DifferenceKind, subject: String, expected: String, observed: String) {
        self.step = step; self.kind = kind; self.subject = subject; self.expected = expected; self.observed = observed
    }
}
