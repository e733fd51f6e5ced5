import Foundation
import Testing
@testable import OvlVM

/// Counts the trial boots a probe was asked for.
private final class TrialCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

private func probe(_ device: AcceleratorProbe.Device, _ trial: AcceleratorProbe.Trial, count: TrialCount) -> AcceleratorProbe {
    AcceleratorProbe(device: { device }, trialBoot: { count.add(); return trial })
}

@Suite("Accelerator: KVM after a trial boot, otherwise TCG, said in one line")
struct AcceleratorTests {
    @Test("no /dev/kvm: TCG, and no trial boot is tried")
    func missing() {
        let count = TrialCount()
        let accel = Accelerator.choose(probe(.missing, .ready(seconds: 1), count: count))
        #expect(accel == .tcg(reason: "no /dev/kvm"))
        #expect(accel.line == "accel: tcg (no /dev/kvm)")
        #expect(accel.qemuArguments == ["-accel", "tcg"])
        #expect(count.value == 0)
    }

    @Test("/dev/kvm that does not open: TCG with the reason, no trial boot")
    func unusable() {
        let count = TrialCount()
        let accel = Accelerator.choose(probe(.unusable("Permission denied"), .ready(seconds: 1), count: count))
        #expect(accel.line == "accel: tcg (/dev/kvm: Permission denied)")
        #expect(count.value == 0)
    }

    @Test("a trial boot that reaches the agent: KVM with -cpu host and the trial's time")
    func kvm() {
        let count = TrialCount()
        let accel = Accelerator.choose(probe(.usable, .ready(seconds: 1.234), count: count))
        #expect(accel == .kvm(trialSeconds: 1.234))
        #expect(accel.line == "accel: kvm (trial boot 1.2 s)")
        #expect(accel.qemuArguments == ["-accel", "kvm", "-cpu", "host"])
        #expect(count.value == 1)
    }

    @Test("a trial boot that fails: TCG, saying why")
    func trialFails() {
        let count = TrialCount()
        let accel = Accelerator.choose(probe(.usable, .failed("no agent record in 60 s"), count: count))
        #expect(accel.line == "accel: tcg (kvm trial boot failed: no agent record in 60 s)")
        #expect(accel.qemuArguments == ["-accel", "tcg"])
    }

    @Test("the device check: a missing path, and one that does not open read-write")
    func device() {
        #expect(AcceleratorProbe.kvmDevice(path: "/nonexistent/kvm") == .missing)
        #expect(AcceleratorProbe.kvmDevice(path: "/") == .unusable(String(cString: strerror(EISDIR))))
    }

    @Test("the QEMU command line carries the accelerator before the kernel")
    func commandLine() {
        let kernel = KernelImage(directory: "/k", release: "6.12.117+deb12-amd64")
        var session = BootSession(kernel: kernel, initrd: "/i", disks: DiskImages(ext4: "/e", xfs: "/x", ext4NoDType: "/n", ext4Twin: "/t", ext4RO: "/er", xfsRO: "/xr"), agent: "/a",
                                  resultsDir: "/r", stallTimeout: 60, accel: .kvm(trialSeconds: 1))
        let args = session.qemuArguments(planPath: "/r/plan.json")
        let accelAt = args.firstIndex(of: "-accel") ?? args.count
        #expect(Array(args[accelAt...].prefix(4)) == ["-accel", "kvm", "-cpu", "host"])
        #expect(accelAt < (args.firstIndex(of: "-kernel") ?? 0))
        // vda … vdf in the guest's order (vm/init mounts them by name).
        #expect(args.filter { $0.hasPrefix("file=") }.map { $0.split(separator: ",")[0] }
                == ["file=/e", "file=/x", "file=/n", "file=/t", "file=/er", "file=/xr"])
        session.accel = .tcg(reason: "no /dev/kvm")
        #expect(!session.qemuArguments(planPath: "/r/plan.json").contains("-cpu"))
    }
}
