import OvlVM

/// Exit codes, chosen for `git bisect run` (the one place they are mapped).
public enum ExitStatus: Int32, Sendable {
    /// Every observation matched the model.
    case success = 0
    /// A difference, crash or hang: a bad commit.
    case failures = 1
    /// The module did not build or load: bisect skips this commit.
    case untestable = 125
    /// Usage, case file or setup error: bisect stops rather than blame a commit.
    case broken = 128

    /// The status of a finished run.
    public static func of(_ results: [JobResult]) -> ExitStatus {
        if results.contains(where: { if case .error = $0.verdict { true } else { false } }) { return .broken }
        return results.contains { $0.verdict.isFailure } ? .failures : .success
    }

    /// The status of a run the harness could not finish: 125 when the module under test did not
    /// build or load (the commit is untestable), 128 for a broken setup.
    public static func of(_ error: HarnessError) -> ExitStatus {
        error.kind == .untestable ? .untestable : .broken
    }
}
