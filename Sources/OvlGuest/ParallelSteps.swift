import CLinux
import Foundation
import Glibc
import OvlModel
import OvlSys

extension StepExecutor {
    /// Runs `ops` at once, one child process each, all released by closing one gate pipe; each
    /// child sends its step's outcome back as JSON. The outcome is the vector in step order.
    func runParallel(_ ops: [OvlModel.Operation]) throws(SysError) -> Outcome {
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
            outcomes.append(try child.outcome(of: "parallel step \(outcomes.count + 1)"))
        }
        return .ok(.alternatives([outcomes]))
    }

    /// A forked child running one step, and the pipe its outcome comes back on.
    struct Child {
        let pid: pid_t
        let fd: Int32

        /// Reads the child's outcome and reaps it.
        /// - Throws: EIO naming `what` when the child sent no outcome (it died, or could not start the step).
        func outcome(of what: String) throws(SysError) -> Outcome {
            let bytes = try FileDescriptors.readToEnd(fd)
            Glibc.close(fd)
            var status: Int32 = 0
            _ = try sys("waitpid") { waitpid(pid, &status, 0) }
            guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(bytes)) else {
                throw SysError(errno: EIO, call: "\(what): no outcome from child", path: nil)
            }
            return outcome
        }
    }

    /// Forks a child that closes `closing`, runs `body` and sends its outcome back as JSON;
    /// `body` returning nil sends nothing (the parent then reports EIO).
    func fork(closing: [Int32], _ body: () -> Outcome?) throws(SysError) -> Child {
        let result = try Self.pipe()
        let pid = try sys("fork") { clinux_fork() }
        if pid == 0 {
            for fd in closing + [result.read] { Glibc.close(fd) }
            if let outcome = body(), let data = try? JSONEncoder().encode(outcome) {
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
