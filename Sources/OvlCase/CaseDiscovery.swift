import Foundation

/// Finds case files on disk.
public enum CaseDiscovery {
    /// Expands files and folders (recursively, `*.yaml`) into a sorted list of file paths
    /// without duplicates. A file given by name is kept whatever its extension.
    /// - Throws: ``CaseError`` at line 1, column 1 of a path that does not exist.
    public static func files(in paths: [String]) throws(CaseError) -> [String] {
        let manager = FileManager.default
        var found: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CaseError(location: SourceLocation(file: path, line: 1, column: 1), message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                found.insert(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let enumerator = manager.enumerator(atPath: path) else {
                throw CaseError(location: SourceLocation(file: path, line: 1, column: 1), message: "cannot list the directory")
            }
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".yaml") else { continue }
                let full = base.isEmpty ? "/" + relative : base + "/" + relative
                var isDir: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                    found.insert(full)
                }
            }
        }
        return found.sorted()
    }
}
