import Foundation

/// One run of the agent over a plan — a QEMU boot (``BootSession``) or the machine's own kernel
/// (``HostSession``) — writing records into a results folder.
public protocol AgentSession: Sendable {
    /// Runs the plan, waits until the agent's process ends or its records stall, and says how it
    /// ended; the process's console goes to `consoleName` in the results folder.
    /// - Parameter onProgress: called about every quarter second while the records file grows.
    func run(planPath: String, consoleName: String, onProgress: (Int) -> Void) throws -> BootEnd
}

/// The watchdog both sessions share: polls `records` until `process` exits; a file that has not
/// grown for `stallTimeout` seconds (`bootTimeout` before the first record) ends it.
enum RecordWatch {
    /// - Parameter onStall: runs before the process is killed (e.g. SysRq through QEMU's monitor).
    static func wait(for process: Process, records: String, bootTimeout: Double, stallTimeout: Double,
                     onStall: (_ started: Bool) -> Void, onProgress: (Int) -> Void) -> BootEnd {
        var lastSize = 0
        var lastChange = Date()
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.25)
            let size = (try? FileManager.default.attributesOfItem(atPath: records)[.size] as? Int) ?? 0
            let limit = lastSize == 0 ? bootTimeout : stallTimeout
            if size != lastSize {
                lastSize = size
                lastChange = Date()
                onProgress(size)
            } else if Date().timeIntervalSince(lastChange) > limit {
                onStall(lastSize > 0)
                process.terminate()
                Thread.sleep(forTimeInterval: 1)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return .timedOut
            }
        }
        return .exited(status: process.terminationStatus)
    }
}
