import OvlModel
import OvlSys

extension StepExecutor {
    /// Runs `op` as an unprivileged caller (`as:`, R90): in a forked child (the machinery of
    /// ``runParallel(_:)``) that drops to the caller's uid and gid, no supplementary groups, no
    /// capabilities and the caller's umask, then runs the step; the job's own process stays root.
    func runAs(_ caller: Caller, _ op: OvlModel.Operation) throws -> Outcome {
        let child = try fork(closing: []) {
            do {
                try Credentials.drop(uid: caller.uid, gid: caller.gid, umask: caller.umask)
            } catch {
                return .harness("cannot become \(caller): \(error)")
            }
            return run(op)
        }
        switch try child.result(of: "step \(caller)") {
        case .observed(let o): return o
        case .harness(let why): throw HarnessFault(why)
        }
    }
}
