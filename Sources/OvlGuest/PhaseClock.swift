import Glibc
import OvlModel
import OvlProtocol

/// Charges the guest's monotonic time to the phases of the job in progress (``JobPhases``): the
/// time between two switches goes to the phase that was current.
final class PhaseClock {
    private var phases = JobPhases()
    private var current: WritableKeyPath<JobPhases, Double> = \.layers
    private var mark = PhaseClock.now()

    /// Charges the time so far to the current phase and makes `phase` current.
    func enter(_ phase: WritableKeyPath<JobPhases, Double>) {
        let t = Self.now()
        phases[keyPath: current] += t - mark
        mark = t
        current = phase
    }

    /// Runs `body` charged to `phase`, then goes back to the phase that was current.
    func during<T>(_ phase: WritableKeyPath<JobPhases, Double>, _ body: () -> T) -> T {
        let before = current
        enter(phase)
        defer { enter(before) }
        return body()
    }

    /// Starts a new job: every phase at zero, `layers` current.
    func reset() {
        phases = JobPhases()
        current = \.layers
        mark = Self.now()
    }

    /// The phases so far, the current one charged up to now.
    func finish() -> JobPhases {
        enter(current)
        return phases
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
