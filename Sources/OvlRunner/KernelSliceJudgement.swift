import OvlModel
import OvlProtocol

/// How the host judges what the kernel said during one job: a WARNING, a non-fatal BUG or a new
/// taint bit fails the job.
extension KernelSlice {
    /// Taint bits set during the job.
    public var newTaint: UInt64 { taintAfter & ~taintBefore }

    /// The lines that report a kernel problem (`WARNING:`, `BUG:` without a crash).
    public var warnings: [String] { lines.filter { $0.contains("WARNING:") || $0.contains("BUG:") } }

    /// The difference that fails the job, or nil when the kernel stayed clean.
    public var difference: Difference? {
        guard newTaint != 0 || !warnings.isEmpty else { return nil }
        var observed: [String] = []
        if newTaint != 0 {
            observed.append("taint \(Self.letters(taintBefore)) -> \(Self.letters(taintAfter)) (new: \(Self.letters(newTaint)))")
        }
        observed += warnings
        return Difference(step: nil, kind: .kernelLog, subject: "kernel log", expected: "no WARNING, no new taint (\(Self.letters(taintBefore)))",
                          observed: observed.joined(separator: "; "))
    }

    /// The kernel's taint letters (`print_tainted`, kernel/panic.c: taint_flags) for a mask, e.g. `WE`; `0` for none.
    public static func letters(_ mask: UInt64) -> String {
        let flags: [Character] = ["P", "F", "S", "R", "M", "B", "U", "D", "A", "W", "C", "I", "O", "E", "L", "K", "X", "T", "N"]
        let set = flags.enumerated().filter { mask & (1 << UInt64($0.offset)) != 0 }.map(\.element)
        return set.isEmpty ? "0" : String(set)
    }
}
