/// A Linux kernel version, `major.minor.patch`, as the guest's `uname -r` reports it.
public struct KernelVersion: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major; self.minor = minor; self.patch = patch
    }

    /// Parses the leading `major.minor[.patch]` of a release string: `6.12.117+deb12-amd64`,
    /// `6.12.9-dirty`, `6.13.0-rc3`, `6.12`; a release followed by `(Debian 6.1.192-3)` (see
    /// ``guestRelease(release:version:)``) is that Debian upstream version. Nil when it does not
    /// start with two numbers.
    public init?(release: String) {
        if let debian = release.firstRange(of: "(Debian "), let v = KernelVersion(release: String(release[debian.upperBound...])) {
            self = v
            return
        }
        let head = release.prefix { $0.isNumber || $0 == "." }
        let parts = head.split(separator: ".", omittingEmptySubsequences: false).prefix(3)
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch else { return nil }
        self.init(major, minor, patch)
    }

    /// The release a guest reports: `uname -r`, and when that hides the patch level — Debian's 6.1
    /// packages are named by the ABI, `6.1.0-57-amd64` for 6.1.192 — the upstream version that
    /// `uname -v` gives after `Debian ` (`#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)`):
    /// `6.1.0-57-amd64 (Debian 6.1.192-3)`.
    public static func guestRelease(release: String, version: String) -> String {
        guard let at = version.firstRange(of: "Debian ") else { return release }
        let debian = version[at.upperBound...].prefix { !$0.isWhitespace }
        guard let upstream = KernelVersion(release: String(debian)), upstream != KernelVersion(release: release) else { return release }
        return "\(release) (Debian \(debian))"
    }

    /// The kernel the model was learned on (Debian's 6.12.117 module): the semantics the model
    /// follows when no version is known.
    public static let reference = KernelVersion(6, 12, 117)

    /// True when `other` is of the same release line (`major.minor`, e.g. every 6.12.N).
    public func sameLine(as other: KernelVersion) -> Bool { major == other.major && minor == other.minor }

    public static func < (a: KernelVersion, b: KernelVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}
