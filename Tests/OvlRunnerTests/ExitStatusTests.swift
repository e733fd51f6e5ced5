import OvlVM
import Testing
@testable import OvlRunner

@Suite("Exit status of runs the harness could not finish")
struct ExitStatusTests {
    static let noLoadConsole = "ovl-init: insmod crc32c-intel.ko failed\r\n"
        + "insmod: can't insert '/overlay.ko': Invalid argument\r\novl-init: MODULE-LOAD-FAILED\r\n[    4.40] reboot: Power down\r\n"

    @Test("overlay.ko that does not load is untestable: exit 125, and the message says why")
    func moduleDoesNotLoad() {
        let e = BootFailure.diagnose(console: Self.noLoadConsole, end: .exited(status: 0), bootDir: "/r/boot1")
        #expect(e.kind == .untestable)
        #expect(ExitStatus.of(e) == .untestable)
        #expect(ExitStatus.of(e).rawValue == 125)
        #expect(e.message.hasPrefix("overlay.ko did not load in the guest"))
        #expect(e.message.contains("insmod: can't insert '/overlay.ko': Invalid argument"))
    }

    @Test("a guest that never reaches its agent is a broken setup: exit 128")
    func agentNeverStarts() {
        let e = BootFailure.diagnose(console: "ovl-init: 9p host root failed\r\n", end: .exited(status: 0), bootDir: "/r/boot1")
        #expect(ExitStatus.of(e) == .broken)
        #expect(e.message.contains("ovl-init: 9p host root failed"))
        let stalled = BootFailure.diagnose(console: "", end: .timedOut, bootDir: "/r/boot1")
        #expect(ExitStatus.of(stalled).rawValue == 128)
        #expect(stalled.message.contains("no record before the boot timeout"))
    }

    @Test("a --kernel-tree kernel that does not boot to the agent is untestable: exit 125 (bisect skips the commit)")
    func treeDoesNotBoot() {
        let panic = "[    0.51] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n"
        for end in [BootEnd.exited(status: 0), .timedOut] {
            let e = BootFailure.diagnose(console: panic, end: end, bootDir: "/r/boot1", kernelTree: true)
            #expect(ExitStatus.of(e).rawValue == 125)
            #expect(e.message.hasPrefix("the kernel tree's kernel did not boot to the agent"))
        }
        #expect(ExitStatus.of(BootFailure.diagnose(console: panic, end: .timedOut, bootDir: "/r/boot1")).rawValue == 128)
    }

    @Test("a module that does not compile is untestable: exit 125")
    func moduleDoesNotBuild() {
        #expect(ExitStatus.of(HarnessError(.untestable, "overlay.ko did not build")).rawValue == 125)
    }
}
