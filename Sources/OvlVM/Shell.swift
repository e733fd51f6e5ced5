import Foundation

/// Runs a helper program (no shell, arguments as an array) and collects its output.
enum Shell {
    /// How a program ended: its exit status, or the signal that killed it.
    enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited \(status)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    struct Result {
        var termination: Termination
        var stdout: String
        var stderr: String

        /// The exit status; nil when a signal killed the program.
        var status: Int32? { if case .exited(let s) = termination { s } else { nil } }

        /// What went wrong, for an error message: stderr, and how the program ended when a signal killed it.
        var failure: String {
            let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            guard case .signaled = termination else { return text }
            return text.isEmpty ? "\(termination)" : "\(text) (\(termination))"
        }
    }

    /// The most of each stream kept (16 MiB); the rest is read and dropped, so the program never
    /// blocks on a full pipe.
    static let outputLimit = 16 << 20

    /// Runs `executable` and reads its stdout and stderr at the same time, each up to `limit`
    /// bytes, until both close; then waits for it.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    limit: Int = outputLimit) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let captures = [Capture(out.fileHandleForReading, limit: limit), Capture(err.fileHandleForReading, limit: limit)]
        let group = DispatchGroup()
        for c in captures { DispatchQueue.global().async(group: group) { c.drain() } }
        group.wait()
        p.waitUntilExit()
        let termination: Termination = p.terminationReason == .uncaughtSignal ? .signaled(p.terminationStatus) : .exited(p.terminationStatus)
        return Result(termination: termination, stdout: captures[0].text, stderr: captures[1].text)
    }

    /// One stream read to its end on its own thread: the first `limit` bytes kept, the rest counted.
    final class Capture: @unchecked Sendable {
        private let handle: FileHandle
        private let limit: Int
        private var data = Data()
        private var dropped = 0

        init(_ handle: FileHandle, limit: Int) { self.handle = handle; self.limit = limit }

        func drain() {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                let keep = min(n, limit - data.count)
                if keep > 0 { data.append(contentsOf: buffer[..<keep]) }
                dropped += n - keep
            }
            try? handle.close()
        }

        /// The kept bytes as text, with a note of how many were dropped.
        var text: String {
            String(decoding: data, as: UTF8.self) + (dropped > 0 ? "\n[\(dropped) more bytes not kept]" : "")
        }
    }
}
