import Foundation

/// One run of the agent on the machine's own kernel (`run --host`): `vm/host-init` in a private
/// mount and PID namespace, with the machine's root read-only and fresh copies of the guest's disk
/// images on loop devices, so the jobs see what a guest's would and change nothing outside their
/// layers. A kernel oops here is the machine's: nothing reboots it.
public struct HostSession: AgentSession {
    /// The executable the agent runs as (this very binary, copied into the namespace).
    public var agent: String
    /// Where the plan is and the records, `console.log` and `kmsg.log` go.
    public var resultsDir: String
    /// The folder holding the disk images (``DiskImages``).
    public var images: String
    public var stallTimeout: Double
    /// Before the first record: the namespace, copying the images, mounting them.
    public var startTimeout: Double
    public var repo: RepoLayout

    public init(agent: String, resultsDir: String, images: String, stallTimeout: Double, startTimeout: Double = 120,
                repo: RepoLayout) {
        self.agent = agent; self.resultsDir = resultsDir; self.images = images
        self.stallTimeout = stallTimeout; self.startTimeout = startTimeout; self.repo = repo
    }

    /// `unshare` starts `vm/host-init` as PID 1 of new mount and PID namespaces: when the watchdog
    /// kills unshare, `--kill-child` kills that init and with it every process of the namespace.
    public func arguments(stage: String) -> [String] {
        ["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL",
         "/bin/bash", repo.path("vm/host-init"), stage, agent, resultsDir, images]
    }

    public func run(planPath: String, consoleName: String, onProgress: (Int) -> Void = { _ in }) throws -> BootEnd {
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("ovl-host-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let (p, console) = try startWithConsole("/usr/bin/unshare", arguments(stage: stage),
                                                consolePath: resultsDir + "/" + consoleName, install: "util-linux")
        defer { try? console.close() }
        return RecordWatch.wait(for: p, records: resultsDir + "/records.jsonl", bootTimeout: startTimeout,
                                stallTimeout: stallTimeout, onStall: { started in if started { Self.dumpBlockedTasks() } },
                                onProgress: onProgress)
    }

    /// Refuses a machine the host run cannot use: not root, no loop devices, no `unshare`, or a
    /// kernel without overlay, ext4 or xfs (after `modprobe`).
    /// - Throws: ``HarnessError`` (setup, exit 128) saying what is missing.
    public static func checkMachine() throws {
        guard geteuid() == 0 else { throw HarnessError(.setup, "--host needs root (mounts, loop devices, /dev/kmsg)") }
        guard FileManager.default.fileExists(atPath: "/dev/loop-control") else {
            throw HarnessError(.setup, "--host needs loop devices: /dev/loop-control is missing (modprobe loop)")
        }
        for tool in ["/usr/bin/unshare", "/usr/bin/perl"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw HarnessError(.setup, "--host needs \(tool) (apt-get install util-linux perl-base)")
        }
        for fs in ["overlay", "ext4", "xfs"] where !kernelHas(fs) {
            _ = try? Shell.run("/usr/sbin/modprobe", [fs])
            guard kernelHas(fs) else {
                throw HarnessError(.setup, "--host needs the running kernel (\(ProcessInfo.processInfo.operatingSystemVersionString)) "
                                   + "to have \(fs): not in /proc/filesystems and modprobe \(fs) failed")
            }
        }
    }

    /// True when `/proc/filesystems` lists `fs`.
    static func kernelHas(_ fs: String) -> Bool {
        let text = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").contains { $0.split(whereSeparator: \.isWhitespace).last.map(String.init) == fs }
    }

    /// SysRq w through `/proc/sysrq-trigger`: the stacks of blocked tasks go to the kernel log,
    /// where the namespace's log follower copies them into `kmsg.log` before it is killed.
    static func dumpBlockedTasks() {
        let fd = open("/proc/sysrq-trigger", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "w", 1)
        close(fd)
        Thread.sleep(forTimeInterval: 2)
    }
}
