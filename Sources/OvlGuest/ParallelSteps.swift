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
        var children: [(pid: pid_t, fd: Int32)] = []
        for op in ops {
            let result = try Self.pipe()
            let pid = try sys("fork") { clinux_fork() }
            if pid == 0 {
                Glibc.close(gate.write)
                Glibc.close(result.read)
                var byte: UInt8 = 0
                _ = Glibc.read(gate.read, &byte, 1)  // returns 0 once the parent closes the gate
                let bytes = Array((try? JSONEncoder().encode(run(op))) ?? Data())
                try? FileDescriptors.write(result.write, bytes)
                _exit(0)
            }
            Glibc.close(result.write)
            children.append((pid, result.read))
        }
        Glibc.close(gate.read)
        Glibc.close(gate.write)
        var outcomes: [Outcome] = []
        for child in children {
            let bytes = try FileDescriptors.readToEnd(child.fd)
            Glibc.close(child.fd)
            var status: Int32 = 0
            _ = try sys("waitpid") { waitpid(child.pid, &status, 0) }
            guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(bytes)) else {
                throw SysError(errno: EIO, call: "parallel step \(outcomes.count + 1): no outcome from child", path: nil)
            }
            outcomes.append(outcome)
        }
        return .ok(.alternatives([outcomes]))
    }

    /// `pipe2(O_CLOEXEC)`.
    static func pipe() throws(SysError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try sys("pipe2") { pipe2(&fds, O_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
