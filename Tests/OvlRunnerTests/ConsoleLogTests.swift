import Testing
@testable import OvlRunner

@Suite("Guest console and kernel log excerpts")
struct ConsoleLogTests {
    /// A serial console as QEMU writes it: CRLF line ends and firmware escapes.
    static let crashConsole = "\u{1b}c\u{1b}[2JSeaBIOS (version 1.16.2)\r\nBooting from ROM...\r\n"
        + "ovl-init: running agent\r\n[   19.75] kernel BUG at fs/overlayfs/dir.c:946!\r\n"
        + "[   19.75] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\r\n[   19.75] RIP: 0010:ovl_unlink+0x4/0x10 [overlay]\r\n"
        + "[   19.76] RSP: 0018:ffffce2d005f3af8 EFLAGS: 00000246\r\n[   19.76] Kernel panic - not syncing: Fatal exception\r\n"

    @Test("a crash excerpt keeps the BUG/Oops/RIP/panic lines, one per line, without firmware noise")
    func crashExcerpt() {
        let lines = ConsoleLog.excerpt(Self.crashConsole).split(separator: "\n").map(String.init)
        #expect(lines == [
            "[   19.75] kernel BUG at fs/overlayfs/dir.c:946!", "[   19.75] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
            "[   19.75] RIP: 0010:ovl_unlink+0x4/0x10 [overlay]", "[   19.76] Kernel panic - not syncing: Fatal exception",
        ])
    }

    @Test("kmsg.log: the slice of one job runs from its begin marker to the next job's")
    func kmsgSlice() {
        let raw = """
            6,1,100,-;EXT4-fs (loop0): mounted
            12,2,200,-;ovl-conform: begin job 4 a/b [ext4]
            4,3,300,-;overlayfs: fs on '/mnt/ext4/j4/l0' does not support file handles
             SUBSYSTEM=overlay
            12,4,400,-;ovl-conform: begin job 40 a/c [ext4]
            4,5,500,-;later
            """
        #expect(KernelLogFile.slice(raw, job: 4) == [
            "ovl-conform: begin job 4 a/b [ext4]", "overlayfs: fs on '/mnt/ext4/j4/l0' does not support file handles",
        ])
        #expect(KernelLogFile.slice(raw, job: 40) == ["ovl-conform: begin job 40 a/c [ext4]", "later"])
        #expect(KernelLogFile.slice(raw, job: 5).isEmpty)
    }

    @Test("kmsg.log: a job's time runs from its marker to the next job's, in kernel time")
    func jobTimes() {
        let raw = "12,2,2000000,-;ovl-conform: begin job 4 a/b [ext4]\n4,3,2100000,-;overlayfs: x\n"
            + "12,4,2250000,-;ovl-conform: begin job 40 a/c [ext4]\n12,5,2300000,-;ovl-conform: begin job 7 a/d [xfs]\n"
        #expect(KernelLogFile.jobSeconds(raw) == [4: 0.25, 40: 0.05])
    }

    @Test("after a stall, the console from the first SysRq line on is the hang's evidence")
    func sysrq() {
        let console = "ovl-init: running agent\r\n[   16.68] sysrq: Changing Loglevel\r\n"
            + "[   16.82] sysrq: Show backtrace of all active CPUs\r\n[   16.82] RIP: 0010:ovl_rmdir+0xb/0x10 [overlay]\r\n"
        #expect(ConsoleLog.sysrqDump(console) == [
            "[   16.68] sysrq: Changing Loglevel", "[   16.82] sysrq: Show backtrace of all active CPUs",
            "[   16.82] RIP: 0010:ovl_rmdir+0xb/0x10 [overlay]",
        ])
        #expect(ConsoleLog.sysrqDump("ovl-init: running agent\n").isEmpty)
    }
}
