import Foundation

/// How one guest boot ended.
public enum BootEnd: Sendable, Equatable {
    /// QEMU exited (guest powered off, or the kernel panicked and QEMU stopped).
    case exited(status: Int32)
    /// Something other than the watchdog killed QEMU (or the host agent) with a signal.
    case signaled(Int32)
    /// No progress before the watchdog fired: QEMU was killed.
    case timedOut
}

/// One QEMU boot that runs the guest agent over a plan and writes records into a results folder.
public struct BootSession: AgentSession {
    public var kernel: KernelImage
    public var initrd: String
    /// The ext4 and xfs disks (snapshot mode: every boot starts from the same fresh filesystems).
    public var disks: DiskImages
    /// The executable the guest runs as its agent (this very binary, seen over the 9p host root).
    public var agent: String
    /// Host folder shared read-write with the guest; the plan and records live here.
    public var resultsDir: String
    /// Kill QEMU when the records file has not grown for this long (the per-step watchdog: the
    /// guest writes a record after the mount and after every step).
    public var stallTimeout: Double
    /// Kill QEMU when no record at all has appeared this long after the start (boot, module load,
    /// loop filesystems): booting takes longer than a step, and longer still when guests share cores.
    public var bootTimeout: Double
    /// KVM or software emulation (see ``Accelerator/choose(_:)``).
    public var accel: Accelerator

    public init(kernel: KernelImage, initrd: String, disks: DiskImages, agent: String, resultsDir: String,
                stallTimeout: Double, bootTimeout: Double = 180, accel: Accelerator = .tcg(reason: "not chosen")) {
        self.kernel = kernel; self.initrd = initrd; self.disks = disks; self.agent = agent; self.resultsDir = resultsDir
        self.stallTimeout = stallTimeout; self.bootTimeout = bootTimeout; self.accel = accel
    }

    /// The QEMU command line: the accelerator, one vCPU, no network, host root over 9p, two disks.
    public func qemuArguments(planPath: String) -> [String] {
        let append = [
            "console=ttyS0", "quiet", "panic=-1", "oops=panic", "softlockup_panic=1", "sysrq_always_enabled=1",
            "ovl.agent=\(agent)", "ovl.results=/mnt/results", "ovl.plan=/mnt/results/\((planPath as NSString).lastPathComponent)",
        ].joined(separator: " ")
        return ["-m", "2G", "-smp", "1"] + accel.qemuArguments + [
            "-nographic", "-no-reboot", "-net", "none",
            "-kernel", kernel.vmlinuz, "-initrd", initrd, "-append", append,
            "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
            "-virtfs", "local,path=\(resultsDir),mount_tag=results,security_model=none",
            // The human monitor on two FIFOs (monitor.in/.out): after a stall the host asks the
            // guest for its blocked tasks (SysRq-w) before killing it.
            "-monitor", "pipe:\(resultsDir)/monitor",
        ] + disks.qemuArguments
    }

    /// Boots, waits until QEMU exits or the records stall, and returns how it ended.
    /// The serial console is appended to `console.log` in the results folder.
    public func run(planPath: String, consoleName: String, onProgress: (Int) -> Void = { _ in }) throws -> BootEnd {
        // QEMU's pipe chardev opens monitor.in/.out while it starts (a plain `monitor` file when
        // they are missing): they must exist before it does.
        let monitor = resultsDir + "/monitor"
        defer { for end in [".in", ".out"] { unlink(monitor + end) } }
        for end in [".in", ".out"] {
            unlink(monitor + end)
            guard mkfifo(monitor + end, 0o600) == 0 else {
                throw HarnessError(.setup, "cannot make the QEMU monitor FIFO \(monitor + end) (errno \(errno))")
            }
        }
        let (p, console) = try startWithConsole("/usr/bin/qemu-system-x86_64", qemuArguments(planPath: planPath),
                                                consolePath: resultsDir + "/" + consoleName, install: "qemu-system-x86")
        defer { try? console.close() }
        return RecordWatch.wait(for: p, records: resultsDir + "/records.jsonl", bootTimeout: bootTimeout,
                                stallTimeout: stallTimeout, onStall: { started in if started { dumpBlockedTasks(monitor: monitor + ".in") } },
                                onProgress: onProgress)
    }

    /// Presses SysRq keys through the QEMU monitor: 8 (every message to the serial console, which
    /// the kernel writes from the interrupt even when a task spins), w (the stacks of blocked
    /// tasks) and l (a backtrace of the CPU: a task spinning in the kernel). `vm/init` also
    /// streams them to `kmsg.log`. Then waits a moment for them to arrive.
    func dumpBlockedTasks(monitor: String) {
        // O_NONBLOCK: never wait on a monitor that is gone; QEMU holds the FIFO open read-write.
        let fd = open(monitor, O_WRONLY | O_NONBLOCK)
        guard fd >= 0 else { return }
        let command = Array("sendkey alt-sysrq-8\nsendkey alt-sysrq-w\nsendkey alt-sysrq-l\n".utf8)
        _ = command.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        Thread.sleep(forTimeInterval: 2)
    }
}
