import Foundation
import Testing
@testable import OvlVM

/// Helper programs: both pipes read at once, a limit on what is kept, a signal told from an exit.
@Suite struct ShellTests {
    final class Box: @unchecked Sendable { var value: Shell.Result? }

    /// Runs `body` on another thread; nil when it has not returned within `seconds` (a hang).
    func within(_ seconds: Int, _ body: @escaping @Sendable () throws -> Shell.Result) -> Shell.Result? {
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.value = try? body()
            done.signal()
        }
        return done.wait(timeout: .now() + .seconds(seconds)) == .success ? box.value : nil
    }

    /// A child that writes 1 MiB to stderr before its stdout closes: reading stdout to its end
    /// before stderr blocks the child on the full stderr pipe forever.
    @Test func megabyteOnStderrDoesNotHang() throws {
        let r = within(60) { try Shell.run("/bin/sh", ["-c", "head -c 1048576 /dev/zero | tr '\\0' w >&2; echo out"]) }
        let result = try #require(r, "Shell.run did not return within 60 s")
        #expect(result.termination == .exited(0))
        #expect(result.stdout == "out\n")
        #expect(result.stderr.utf8.count == 1_048_576)
    }

    @Test func keepsOnlyTheLimit() throws {
        let r = try Shell.run("/bin/sh", ["-c", "head -c 5000 /dev/zero | tr '\\0' x; echo e >&2"], limit: 1000)
        #expect(r.stdout == String(repeating: "x", count: 1000) + "\n[4000 more bytes not kept]")
        #expect(r.stderr == "e\n")
    }

    @Test func signalIsNotAnExitStatus() throws {
        let killed = try Shell.run("/bin/sh", ["-c", "echo dying >&2; kill -KILL $$"])
        #expect(killed.termination == .signaled(SIGKILL))
        #expect(killed.status == nil)
        #expect(killed.failure == "dying (killed by signal \(SIGKILL))")
        let exited = try Shell.run("/bin/sh", ["-c", "exit 15"])
        #expect(exited.termination == .exited(15))
        #expect(exited.status == 15)
    }
}
