import Foundation

/// Names the module under test for reports: the source's git revision when it is in a git work
/// tree (with `-dirty` when fs/overlayfs has uncommitted edits), and the built module's content hash.
public enum ModuleRevision {
    /// `git 3f2a1c4e9b0d-dirty, overlay.ko sha256 0123456789abcdef`, or only the hash outside git
    /// (the kernel image's hash when overlay is built into a kernel tree).
    public static func describe(source: String, module: String) -> String {
        var parts: [String] = []
        if let head = try? Shell.run("/usr/bin/git", ["-C", source, "rev-parse", "--short=12", "HEAD"]), head.status == 0 {
            let dirty = (try? Shell.run("/usr/bin/git", ["-C", source, "status", "--porcelain", "--", "."]))
                .map { $0.status == 0 && !$0.stdout.isEmpty } ?? false
            parts.append("git " + head.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + (dirty ? "-dirty" : ""))
        }
        if let sum = try? Shell.run("/usr/bin/sha256sum", [module]), sum.status == 0 {
            parts.append((module as NSString).lastPathComponent + " sha256 " + String(sum.stdout.prefix(16)))
        }
        return parts.joined(separator: ", ")
    }
}
