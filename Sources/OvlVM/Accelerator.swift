import Foundation
import OvlProtocol

/// How QEMU runs the guest: KVM when a trial boot under it reached the agent, otherwise software
/// emulation (TCG). A run decides once and says which in one line (``line``).
public enum Accelerator: Sendable, Equatable {
    /// `-accel kvm -cpu host`; the trial boot took this long to the agent's first record.
    case kvm(trialSeconds: Double)
    /// `-accel tcg`, and why not KVM.
    case tcg(reason: String)

    /// QEMU's arguments for this accelerator.
    public var qemuArguments: [String] {
        switch self {
        case .kvm: ["-accel", "kvm", "-cpu", "host"]
        case .tcg: ["-accel", "tcg"]
        }
    }

    /// `accel: kvm (trial boot 1.2 s)` or `accel: tcg (no /dev/kvm)`.
    public var line: String {
        switch self {
        case .kvm(let seconds): "accel: kvm (trial boot \(String(format: "%.1f", seconds)) s)"
        case .tcg(let reason): "accel: tcg (\(reason))"
        }
    }

    /// Decides with `probe`: no usable `/dev/kvm`, or a trial boot that does not reach the agent,
    /// means TCG.
    public static func choose(_ probe: AcceleratorProbe) -> Accelerator {
        switch probe.device() {
        case .missing: return .tcg(reason: "no /dev/kvm")
        case .unusable(let why): return .tcg(reason: "/dev/kvm: \(why)")
        case .usable:
            switch probe.trialBoot() {
            case .ready(let seconds): return .kvm(trialSeconds: seconds)
            case .failed(let why): return .tcg(reason: "kvm trial boot failed: \(why)")
            }
        }
    }

    /// The choice of this process, made on first use (a fuzz campaign's many suites share it).
    /// - Parameter probe: asked only the first time.
    public static func forRun(_ probe: @autoclosure () -> AcceleratorProbe) -> (accel: Accelerator, isNew: Bool) {
        cache.lock.withLock {
            if let made = cache.value { return (made, false) }
            let made = choose(probe())
            cache.value = made
            return (made, true)
        }
    }

    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        var value: Accelerator?
    }
    private static let cache = Cache()
}

/// What choosing an accelerator asks of the machine; tests give their own answers.
public struct AcceleratorProbe: Sendable {
    /// The state of `/dev/kvm`.
    public enum Device: Sendable, Equatable {
        case missing
        /// Present but not usable (e.g. it cannot be opened read-write).
        case unusable(String)
        case usable
    }

    /// How a trial boot under KVM ended.
    public enum Trial: Sendable, Equatable {
        /// The agent wrote its first record after this many seconds.
        case ready(seconds: Double)
        case failed(String)
    }

    public var device: @Sendable () -> Device
    public var trialBoot: @Sendable () -> Trial

    public init(device: @escaping @Sendable () -> Device, trialBoot: @escaping @Sendable () -> Trial) {
        self.device = device; self.trialBoot = trialBoot
    }

    /// This machine: `/dev/kvm` opened read-write, then `session` booted with an empty plan
    /// under KVM until its agent's first record.
    public static func machine(trial session: BootSession) -> AcceleratorProbe {
        AcceleratorProbe(device: { kvmDevice() }, trialBoot: { trial(session) })
    }

    /// Whether `/dev/kvm` exists and opens read-write (what QEMU's `-accel kvm` needs).
    static func kvmDevice(path: String = "/dev/kvm") -> Device {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return .unusable(String(cString: strerror(errno))) }
        close(fd)
        return .usable
    }

    /// Boots `session` (its folder gets the plan, records and console) with no jobs under KVM.
    static func trial(_ session: BootSession) -> Trial {
        var kvm = session
        kvm.accel = .kvm(trialSeconds: 0)
        kvm.bootTimeout = 30
        let plan = session.resultsDir + "/plan.json"
        do {
            try FileManager.default.createDirectory(atPath: session.resultsDir, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: session.resultsDir + "/records.jsonl")
            try JSONEncoder().encode(Plan(jobs: [])).write(to: URL(fileURLWithPath: plan))
            let started = Date()
            var ready: Double?
            let end = try kvm.run(planPath: plan, consoleName: "console.log") { _ in
                if ready == nil { ready = Date().timeIntervalSince(started) }
            }
            if let ready { return .ready(seconds: ready) }
            switch end {
            case .timedOut: return .failed("no agent record in 30 s")
            case .exited(let status): return .failed("QEMU exited \(status) before the agent ran (\(session.resultsDir)/console.log)")
            case .signaled(let signal): return .failed("QEMU was killed by signal \(signal) before the agent ran")
            }
        } catch {
            return .failed("\(error)")
        }
    }
}
