import Foundation

/// One run of the agent over a plan — a QEMU boot (``BootSession``) or the machine's own kernel
/// (``HostSession``) — writing records into a results folder.
public protocol AgentSession: Sendable {
    /// Runs the plan, waits until the agent's process ends or its records stall, and says how it
    /// ended; the process's console goes to `consoleName` in the results folder.
    /// - Parameter onProgress: called about every quarter second while the records file grows.
    func run(planPath: String, consoleName: String, onProgress: (Int) -> Void) throws -> BootEnd
}

/// Starts `executable` with `arguments`, its stdout and stderr going to a new `consolePath` and no
/// stdin; returns the running process and the console's handle, for the caller to close.
/// - Throws: ``HarnessError`` (setup) when the console cannot be written or the program not started
///   (`install` says which package brings it).
func startWithConsole(_ executable: String, _ arguments: [String], consolePath: String,
                      install: String) throws -> (Process, FileHandle) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    _ = FileManager.default.createFile(atPath: consolePath, contents: nil)
    guard let console = FileHandle(forWritingAtPath: consolePath) else {
        throw HarnessError(.setup, "cannot write \(consolePath)")
    }
    p.standardOutput = console
    p.standardError = console
    p.standardInput = FileHandle.nullDevice
    do { try p.run() } catch {
        try? console.close()
        throw HarnessError(.setup, "cannot start \(executable) (apt-get install \(install)): \(error)")
    }
    return (p, console)
}

/// The watchdog both sessions share: polls `records` until `process` exits; a file that has not
/// grown for `stallTimeout` seconds (`bootTimeout` before the first record) ends it.
enum RecordWatch {
    /// - Parameter onStall: runs before the process is killed (e.g. SysRq through QEMU's monitor).
    static func wait(for process: Process, records: String, bootTimeout: Double, stallTimeout: Double,
                     onStall: (_ started: Bool) -> Void, onProgress: (Int) -> Void) -> BootEnd {
        let clock = ContinuousClock()
        var lastSize = 0
        var lastChange = clock.now
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.25)
            let size = (try? FileManager.default.attributesOfItem(atPath: records)[.size] as? Int) ?? 0
            let limit = lastSize == 0 ? bootTimeout : stallTimeout
            if size != lastSize {
                lastSize = size
                lastChange = clock.now
                onProgress(size)
            } else if clock.now - lastChange > .seconds(limit) {
                onStall(lastSize > 0)
                process.terminate()
                Thread.sleep(forTimeInterval: 1)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return .timedOut
            }
        }
        return process.terminationReason == .uncaughtSignal ? .signaled(process.terminationStatus)
            : .exited(status: process.terminationStatus)
    }
}
