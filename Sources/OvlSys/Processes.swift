import CLinux
import Glibc

/// Child processes and the pipes to them: fork, exec, wait, kill.
public enum Processes {
    /// `pipe2(O_CLOEXEC)`.
    public static func pipe() throws(SysError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try sys("pipe2") { pipe2(&fds, O_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// `fork(2)`: 0 in the child, the child's pid in the parent.
    public static func fork() throws(SysError) -> pid_t {
        try sys("fork") { clinux_fork() }
    }

    /// `waitpid(2)` for `pid`, retried on EINTR.
    /// - Returns: the wait status.
    @discardableResult
    public static func wait(_ pid: pid_t) throws(SysError) -> Int32 {
        var status: Int32 = 0
        try sys("waitpid") { waitpid(pid, &status, 0) }
        return status
    }

    /// SIGKILLs `pid` and reaps it.
    public static func killAndReap(_ pid: pid_t) throws(SysError) {
        try sys("kill") { kill(pid, SIGKILL) }
        try wait(pid)
    }

    /// In a forked child: `execv(path, [path] + arguments)`.
    /// - Returns: the errno execv failed with (it returns only on failure).
    public static func exec(_ path: String, _ arguments: [String]) -> Int32 {
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, &argv)
        return clinux_errno()
    }

    /// In a forked child: closes `fds`, ignoring errors (a child has no one to tell).
    public static func closeInChild(_ fds: [Int32]) {
        for fd in fds { _ = Glibc.close(fd) }
    }

    /// In a forked child: writes `bytes` to `fd` whole if it can, then `_exit(status)`.
    public static func exitChild(_ status: Int32, reporting bytes: [UInt8] = [], to fd: Int32 = -1) -> Never {
        if !bytes.isEmpty { try? FileDescriptors.write(fd, bytes) }
        _exit(status)
    }
}
