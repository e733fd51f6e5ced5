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

    /// The new API's reconfigure of the superblock mounted at `target`: `fspick`, then each
    /// parameter (`FSCONFIG_SET_FLAG` for a bare key, `FSCONFIG_SET_STRING` for `key=value`) up
    /// to and including the first that fails, then `FSCONFIG_CMD_RECONFIGURE` if none failed.
    /// - Returns: each call's errno (0 for success), and the reconfigure's (nil when not run).
    /// - Throws: ``SysError`` when `fspick` itself fails.
    public static func reconfigure(_ target: String, params: [String]) throws(SysError) -> (params: [Int32], reconfigure: Int32?) {
        let fd = try sys("fspick", target) { fspick(AT_FDCWD, target, UInt32(FSPICK_CLOEXEC)) }
        defer { close(fd) }
        var results: [Int32] = []
        for p in params {
            let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
            do {
                if kv.count == 2 {
                    _ = try sys("fsconfig \(kv[0])", kv[1]) { fsconfig(fd, UInt32(FSCONFIG_SET_STRING.rawValue), kv[0], kv[1], 0) }
                } else {
                    _ = try sys("fsconfig \(p)", target) { fsconfig(fd, UInt32(FSCONFIG_SET_FLAG.rawValue), p, nil, 0) }
                }
                results.append(0)
            } catch {
                results.append(error.errno)
                return (results, nil)
            }
        }
        do {
            _ = try sys("fsconfig reconfigure", target) { fsconfig(fd, UInt32(FSCONFIG_CMD_RECONFIGURE.rawValue), nil, nil, 0) }
            return (results, 0)
        } catch {
            return (results, error.errno)
        }
    }

    /// A whole mount through the new API (R3): `fsopen`, one `fsconfig` per parameter
    /// (`FSCONFIG_SET_STRING` for `key=value`, `FSCONFIG_SET_FLAG` for a bare key),
    /// `FSCONFIG_CMD_CREATE`, `fsmount` and `move_mount` onto `target`.
    /// - Returns: nil when mounted; else where it was refused (`fsconfig N`, 1-based, or `mount`) and the errno.
    /// - Throws: ``SysError`` when `fsopen` itself fails.
    public static func mount(type: String, params: [String], target: String) throws(SysError) -> (stage: String, errno: Int32)? {
        let fd = try sys("fsopen", type) { fsopen(type, UInt32(FSOPEN_CLOEXEC)) }
        defer { close(fd) }
        for (i, p) in params.enumerated() {
            let kv = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            do {
                if kv.count == 2 {
                    _ = try sys("fsconfig \(kv[0])", kv[1]) { fsconfig(fd, UInt32(FSCONFIG_SET_STRING.rawValue), kv[0], kv[1], 0) }
                } else {
                    _ = try sys("fsconfig \(p)", target) { fsconfig(fd, UInt32(FSCONFIG_SET_FLAG.rawValue), p, nil, 0) }
                }
            } catch {
                return ("fsconfig \(i + 1)", error.errno)
            }
        }
        do {
            _ = try sys("fsconfig create", target) { fsconfig(fd, UInt32(FSCONFIG_CMD_CREATE.rawValue), nil, nil, 0) }
            let mfd = try sys("fsmount", target) { fsmount(fd, UInt32(FSMOUNT_CLOEXEC), 0) }
            defer { close(mfd) }
            _ = try sys("move_mount", target) { move_mount(mfd, "", AT_FDCWD, target, UInt32(MOVE_MOUNT_F_EMPTY_PATH)) }
        } catch {
            return ("mount", error.errno)
        }
        return nil
    }
}
