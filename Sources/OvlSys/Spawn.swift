import CLinux
import Glibc

/// Runs a program to its end, for the few tools the guest needs (`mkfs.erofs`, `mksquashfs`).
public enum Spawn {
    /// `posix_spawnp(argv)` with stdin from /dev/null and stdout and stderr into one temporary file,
    /// then `waitpid`.
    /// - Returns: the exit status (128 + N for signal N) and what the program printed.
    /// - Throws: ``SysError`` when the program cannot be started or waited for.
    public static func run(_ argv: [String]) throws(SysError) -> (status: Int32, output: String) {
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
        var status: Int32 = 0
        try sys("waitpid", argv[0]) { waitpid(pid, &status, 0) }
        let size = lseek(out, 0, SEEK_END)
        var bytes = [UInt8](repeating: 0, count: max(0, Int(size)))
        _ = pread(out, &bytes, bytes.count, 0)
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, String(decoding: bytes, as: UTF8.self))
    }
}
