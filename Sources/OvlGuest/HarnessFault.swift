import OvlModel
import OvlSys

/// A failure of the harness around a step — a child that never reported, a label no earlier step
/// gave, a helper write that failed — as opposed to the kernel's answer to the step. The job is an
/// `error` with the reason; it is never recorded as an observed errno.
struct HarnessFault: Error, CustomStringConvertible {
    var reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

/// What running one step gave: the kernel's answer, or a harness failure around it.
enum StepResult: Codable, Sendable, Equatable {
    case observed(Outcome)
    case harness(String)
}

/// Runs `body`, part of the harness's own work around a step, turning a failed call into a
/// ``HarnessFault`` that names `what`.
func harness<T>(_ what: String, _ body: () throws(SysError) -> T) throws(HarnessFault) -> T {
    do { return try body() } catch { throw HarnessFault("\(what): \(error)") }
}
