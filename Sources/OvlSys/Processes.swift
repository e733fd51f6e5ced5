import CLinux
import Glibc

/// Child processes and the pipes to them: fork, exec, spawn, wait, kill.
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

    /// Runs a program to its end (the guest's `mkfs.erofs`, `mksquashfs`): `posix_spawnp(argv)`
    /// with stdin from /dev/null and stdout and stderr into one temporary file, then ``wait(_:)``.
    /// - Returns: the exit status (128 + N for signal N) and what the program printed.
    /// - Throws: ``SysError`` when the program cannot be started or waited for.
    public static func spawn(_ argv: [String]) throws(SysError) -> (status: Int32, output: String) {
        var template = Array("/tmp/ovl-spawn.XXXXXX".utf8CString)
        let out = try sys("mkstemp", "/tmp") { template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) } }
        let outPath = String(cString: template)
        defer { Glibc.close(out); Glibc.unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, out, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, Glibc.environ)
        guard rc == 0 else { throw SysError(errno: rc, call: "posix_spawnp", path: argv[0]) }
        let status = try wait(pid)
        let size = lseek(out, 0, SEEK_END)
        var bytes = [UInt8](repeating: 0, count: max(0, Int(size)))
        _ = pread(out, &bytes, bytes.count, 0)
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, String(decoding: bytes, as: UTF8.self))
    }
}
