/// A failure of the harness itself, with what the user should do about it.
public struct HarnessError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, which decides the exit status.
    public enum Kind: Sendable {
        /// The module under test did not build or load: the commit is untestable (exit 125).
        case untestable
        /// The setup is broken (missing package, bad usage): exit 128.
        case setup
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
