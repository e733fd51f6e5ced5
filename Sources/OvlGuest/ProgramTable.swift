import OvlSys

/// Programs one job's `exec` steps started from the overlay (R76), ended before any unmount.
final class ProgramTable {
    var pids: [Int32] = []

    /// fork + `execv(path, [path, "30"])`. A close-on-exec pipe tells the parent when the exec
    /// happened (end of file) or why it failed (the child's errno).
    func start(_ path: String) throws(SysError) {
        let report = try Processes.pipe()
        let pid = try Processes.fork()
        if pid == 0 {
            Processes.closeInChild([report.read])
            let err = Processes.exec(path, ["30"])
            Processes.exitChild(127, reporting: withUnsafeBytes(of: err) { Array($0) }, to: report.write)
        }
        try FileDescriptors.close(report.write)
        let reply = try FileDescriptors.readToEnd(report.read)
        try FileDescriptors.close(report.read)
        if reply.count == 4 {
            try Processes.wait(pid)
            throw SysError(errno: reply.withUnsafeBytes { $0.load(as: Int32.self) }, call: "execve", path: path)
        }
        pids.append(pid)
    }

    /// SIGKILL and reap every program (one that cannot be killed or reaped is already gone).
    func endAll() {
        for pid in pids { try? Processes.killAndReap(pid) }
        pids = []
    }
}
