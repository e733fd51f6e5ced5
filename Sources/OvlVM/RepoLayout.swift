import Foundation

/// Where the project's own scripts (kmod/, vm/, scripts/) are: found from the executable's path
/// (`.build/<config>/ovl-conform`) or the working directory.
public struct RepoLayout: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    /// Finds the checkout that holds `kmod/build-module.sh`.
    public static func locate() throws -> RepoLayout {
        var candidates: [URL] = []
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in candidates {
            var dir = start
            for _ in 0..<6 {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("kmod/build-module.sh").path) {
                    return RepoLayout(root: dir.path)
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw HarnessError(.setup, "cannot find the ovl-conform checkout (kmod/build-module.sh); run from the repository")
    }

    /// An absolute path inside the checkout.
    public func path(_ relative: String) -> String { root + "/" + relative }
}
