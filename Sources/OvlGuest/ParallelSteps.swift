import CLinux
import Foundation
import Glibc
import OvlModel
import OvlSys

extension StepExecutor {
    /// Runs `ops` at once, one child process each, all released by closing one gate pipe; each
    /// child sends its step's outcome back as JSON. The outcome is the vector in step order.
    /// - Throws: ``HarnessFault`` when a child does not report, or reports one.
    func runParallel(_ ops: [OvlModel.Operation]) throws -> Outcome {
        let gate = try Self.pipe()
        var children: [Child] = []
        for op in ops {
            children.append(try fork(closing: [gate.write]) {
                var byte: UInt8 = 0
                _ = Glibc.read(gate.read, &byte, 1)  // returns 0 once the parent closes the gate
                return run(op)
            })
        }
        Glibc.close(gate.read)
        Glibc.close(gate.write)
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
        let pid: pid_t
        let fd: Int32

        /// Reads the child's result and reaps it.
        /// - Throws: ``HarnessFault`` naming `what` when the child sent none (it died, or could not
        ///   start the step), or reading or reaping it failed.
        func result(of what: String) throws(HarnessFault) -> StepResult {
            let bytes = try harness("\(what): read the child's result") { () throws(SysError) in try FileDescriptors.readToEnd(fd) }
            Glibc.close(fd)
            var status: Int32 = 0
            _ = try harness("\(what): waitpid") { () throws(SysError) in try sys("waitpid") { waitpid(pid, &status, 0) } }
            guard let result = try? JSONDecoder().decode(StepResult.self, from: Data(bytes)) else {
                throw HarnessFault("\(what): no result from the child (wait status \(status))")
            }
            return result
        }
    }

    /// Forks a child that closes `closing`, runs `body` and sends its result back as JSON.
    func fork(closing: [Int32], _ body: () -> StepResult) throws(SysError) -> Child {
        let result = try Self.pipe()
        let pid = try sys("fork") { clinux_fork() }
        if pid == 0 {
            for fd in closing + [result.read] { Glibc.close(fd) }
            if let data = try? JSONEncoder().encode(body()) {
                try? FileDescriptors.write(result.write, Array(data))
            }
            _exit(0)
        }
        Glibc.close(result.write)
        return Child(pid: pid, fd: result.read)
    }

    /// `pipe2(O_CLOEXEC)`.
    static func pipe() throws(SysError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try sys("pipe2") { pipe2(&fds, O_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
