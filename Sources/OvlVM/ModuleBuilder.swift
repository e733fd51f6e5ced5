import Foundation

/// Builds `overlay.ko` from a source folder against a cached kernel's headers (kmod/build-module.sh).
public enum ModuleBuilder {
    /// - Returns: the path of the built module.
    /// - Throws: ``HarnessError`` `.untestable` when the source does not compile, `.setup` otherwise.
    public static func build(source: String, kernel: KernelImage, repo: RepoLayout) throws -> String {
        let r = try Shell.run("/bin/bash", [repo.path("kmod/build-module.sh"), source, kernel.directory])
        switch r.status {
        case 0?: return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        case 125?: throw HarnessError(.untestable, r.failure)
        default: throw HarnessError(.setup, r.failure)
        }
    }
}
