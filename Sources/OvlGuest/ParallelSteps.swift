import Foundation
import OvlModel
import OvlSys

extension StepExecutor {
    /// Runs `ops` at once, one child process each, all released by closing one gate pipe; each
    /// child sends its step's outcome back as JSON. The outcome is the vector in step order.
    /// - Throws: ``HarnessFault`` when a child does not report, or reports one.
    func runParallel(_ ops: [OvlModel.Operation]) throws -> Outcome {
        let gate = try Processes.pipe()
        var children: [Child] = []
        for op in ops {
            children.append(try fork(closing: [gate.write]) {
                // End of file once the parent closes the gate.
                guard (try? FileDescriptors.readToEnd(gate.read)) != nil else {
                    return .harness("could not wait for the gate (read failed)")
                }
                return run(op)
            })
        }
        try FileDescriptors.close(gate.read)
        try FileDescriptors.close(gate.write)
        var outcomes: [Outcome] = []
        for child in children {
            let what = "parallel step \(outcomes.count + 1)"
            switch try child.result(of: what) {
            case .observed(let o): outcomes.append(o)
            case .harness(let why): throw HarnessFault("\(what): \(why)")
            }
        }
        return .ok(.alternatives([outcomes]))
    }

    /// A forked child running one step, and the pipe its outcome comes back on.
    struct Child {
        let pid: Int32
        let fd: Int32

        /// Reads the child's result and reaps it.
        /// - Throws: ``HarnessFault`` naming `what` when the child sent none (it died, or could not
        ///   start the step), or reading or reaping it failed.
        func result(of what: String) throws(HarnessFault) -> StepResult {
            let bytes = try harness("\(what): read the child's result") { () throws(SysError) in try FileDescriptors.readToEnd(fd) }
            try harness("\(what): close the result pipe") { () throws(SysError) in try FileDescriptors.close(fd) }
            let status = try harness("\(what): waitpid") { () throws(SysError) in try Processes.wait(pid) }
            guard let result = try? JSONDecoder().decode(StepResult.self, from: Data(bytes)) else {
                throw HarnessFault("\(what): no result from the child (wait status \(status))")
            }
            return result
        }
    }

    /// Forks a child that closes `closing`, runs `body` and sends its result back as JSON.
    func fork(closing: [Int32], _ body: () -> StepResult) throws(SysError) -> Child {
        let result = try Processes.pipe()
        let pid = try Processes.fork()
        if pid == 0 {
            Processes.closeInChild(closing + [result.read])
            Processes.exitChild(0, reporting: (try? JSONEncoder().encode(body())).map(Array.init) ?? [], to: result.write)
        }
        try FileDescriptors.close(result.write)
        return Child(pid: pid, fd: result.read)
    }
}
