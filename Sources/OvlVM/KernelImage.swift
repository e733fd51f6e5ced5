import Foundation

/// One cached Debian kernel: vmlinuz, headers, modules and the overlayfs source tarball.
public struct KernelImage: Sendable {
    /// The cache folder (`~/.cache/ovl-conform/kernel/<release>`).
    public var directory: String
    /// The kernel release, e.g. `6.12.117+deb12-amd64`, `6.1.0-57-amd64` (Debian 6.1.192-3).
    public var release: String
    /// Path of the bootable image.
    public var vmlinuz: String { "\(directory)/root/boot/vmlinuz-\(release)" }

    /// The cache folder of every kernel (`OVL_CACHE`, default `~/.cache/ovl-conform`), as
    /// `scripts/fetch-kernel.sh` has it.
    public static var cacheRoot: String {
        ProcessInfo.processInfo.environment["OVL_CACHE"] ?? NSHomeDirectory() + "/.cache/ovl-conform"
    }

    /// Fetches (or finds in the cache) the Debian kernel `version`, 6.12.N or 6.1.N, or a line's newest (`6.12`, `6.1`; nil: the newest 6.12).
    /// - Throws: ``HarnessError`` (setup) naming the package that is not available.
    public static func fetch(version: String?, repo: RepoLayout) throws -> KernelImage {
        let r = try Shell.run("/bin/bash", [repo.path("scripts/fetch-kernel.sh")] + (version.map { [$0] } ?? []))
        guard r.status == 0 else {
            throw HarnessError(.setup, r.failure)
        }
        let dir = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let release = (try? String(contentsOfFile: dir + "/kver", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !release.isEmpty else { throw HarnessError(.setup, "kernel cache \(dir) is incomplete") }
        return KernelImage(directory: dir, release: release)
    }

    /// The overlayfs source extracted from the cached `linux-source` tarball.
    public func stockModuleSource(repo: RepoLayout) throws -> String {
        let r = try Shell.run("/bin/bash", [repo.path("kmod/extract-source.sh"), directory])
        guard r.status == 0 else { throw HarnessError(.setup, r.failure) }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
