import CLinux
import Glibc

/// The new mount API's filesystem context (`fsopen(2)`, `fsconfig(2)`), for parameter checks.
public enum FsContext {
    /// Opens a context for filesystem `type` and sets each string parameter in turn
    /// (`FSCONFIG_SET_STRING`), creating nothing: the errno of each call (0 for success), up to
    /// and including the first that fails.
    /// - Throws: ``SysError`` when `fsopen` itself fails.
    public static func setStrings(type: String, _ params: [(key: String, value: String)]) throws(SysError) -> [Int32] {
        let fd = try sys("fsopen", type) { fsopen(type, 0) }
        defer { close(fd) }
        var results: [Int32] = []
        for p in params {
            do {
                _ = try sys("fsconfig \(p.key)", p.value) { fsconfig(fd, UInt32(FSCONFIG_SET_STRING.rawValue), p.key, p.value, 0) }
                results.append(0)
            } catch {
                results.append(error.errno)
                break
            }
        }
        return results
    }
}
