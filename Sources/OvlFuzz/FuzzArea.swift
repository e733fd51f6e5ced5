import OvlModel

/// A part of the model beyond the generator's first vocabulary that a campaign may exercise.
///
/// Each area adds its own random draws after the ones the first vocabulary makes, so a generator
/// with no areas makes exactly the scenarios it made before areas existed (`--areas none`
/// reproduces an old seed), and any set of areas stays deterministic for a seed.
public enum FuzzArea: String, CaseIterable, Sendable, Comparable {
    /// Steps run `as:` an unprivileged caller (R90), over layers with owned and open modes.
    case callers
    /// metacopy=on option sets and upper metacopy files over lower files (R78, R79).
    case metacopy
    /// Data-only lower layers (`lowerdir=L::D`) with lower metacopy files redirected into them (R83).
    case dataLayers = "data-layers"
    /// The upper or the lowers on ramfs or on ext4 without d_type (`layer_fs:`, R10, R12, R28), or
    /// the lowers on a read-only filesystem (erofs, squashfs, ext4-ro, xfs-ro).
    case layerFS = "layer-fs"
    /// `mount(2)` MS_REMOUNT to read-only and back (R20, R84).
    case readOnly = "ro-remount"
    /// Named fds held across the other steps — opened, read, written, seeked, fstat'ed and closed
    /// while their names are copied up, renamed and removed (R72–R75).
    case fds
    /// The steps split into 2–4 stages (`stages:`), each a fresh upper over the last one's: the
    /// kernel reads what it wrote as a lower layer (redirects, whiteouts, opaque dirs, origin).
    case stages

    public static func < (a: FuzzArea, b: FuzzArea) -> Bool { a.rawValue < b.rawValue }

    /// Reads `all`, `none` or a comma-separated list of area names.
    /// - Returns: nil when a name is unknown.
    public static func parse(_ text: String) -> Set<FuzzArea>? {
        switch text {
        case "all": return Set(allCases)
        case "none", "": return []
        default:
            var out = Set<FuzzArea>()
            for name in text.split(separator: ",") {
                guard let area = FuzzArea(rawValue: String(name)) else { return nil }
                out.insert(area)
            }
            return out
        }
    }
}

/// Callers a generated step may run as: a plain user, one with a umask, a second user, and one
/// whose only group is `users` (100), the group the generator's chown steps give.
let fuzzCallers: [Caller] = [
    Caller(uid: 1000, gid: 1000),
    Caller(uid: 1000, gid: 1000, umask: 0o022),
    Caller(uid: 2000, gid: 2000, umask: 0o077),
    Caller(uid: 1000, gid: 100),
]
