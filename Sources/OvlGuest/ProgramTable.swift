import CLinux
import Glibc
import OvlSys

/// Programs one job's `exec` steps started from the overlay (R76), ended before any unmount.
final class ProgramTable {
    var pids: [pid_t] = []

    /// fork + `execv(path, [path, "30"])`. A close-on-exec pipe tells the parent when the exec
    /// happened (end of file) or why it failed (the child's errno).
    func start(_ path: String) throws(SysError) {
        let report = try StepExecutor.pipe()
        let pid = try sys("fork", path) { clinux_fork() }
        if pid == 0 {
            Glibc.close(report.read)
            var argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup("30"), nil]
            execv(path, &argv)
            var err = clinux_errno()
            _ = Glibc.write(report.write, &err, 4)
            _exit(127)
        }
        Glibc.close(report.write)
        var err: Int32 = 0
        let n = try sys("read", path) { Glibc.read(report.read, &err, 4) }
        Glibc.close(report.read)
        if n == 4 {
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            throw SysError(errno: err, call: "execve", path: path)
        }
        pids.append(pid)
    }

    /// SIGKILL and reap every program.
    func endAll() {
        for pid in pids {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        pids = []
    }
}
