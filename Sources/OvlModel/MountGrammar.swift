/// Where a directory a mount parameter names lies, in the model's symbolic namespace
/// (``MountGrammar/dirToken`` stands for the job's folder).
public enum LayerPlace: Sendable, Equatable {
    case lower(Int), upper, work, spare(Int)
    /// A directory inside one of the above (`{u}/d`).
    indirect case inside(LayerPlace, RelPath)
    /// The same directory reached through a bind mount on a spare folder (``MountSpec/binds``).
    indirect case bound(LayerPlace)
    /// The root of the holder overlay's mount (``MountSpec/holder``, `{h}`).
    case holder

    /// True for a folder inside an overlay's mount: its dentries have `d_real`
    /// (`DCACHE_OP_REAL`, `super.c:ovl_dentry_operations`). The root alone is left out: the model
    /// does not say whether the root dentry has it.
    var insideOverlay: Bool {
        switch self {
        case .inside(.holder, _): true
        case .inside(let p, _), .bound(let p): p.insideOverlay
        case .upper, .work, .lower, .spare, .holder: false
        }
    }

    /// The mount a place is reached through: the bind mount for a bound place, else the upper
    /// filesystem's for the upper and work folders and the lowers' for the lowers and spare
    /// folders, one mount when `samefs`.
    func mount(samefs: Bool) -> String {
        switch self {
        case .upper, .work: "upper"
        case .lower, .spare: samefs ? "upper" : "lower"
        case .inside(let p, _): p.mount(samefs: samefs)
        case .bound(let p): "bind of \(p)"
        case .holder: "holder"
        }
    }
}

/// What a path names: a directory, a non-directory, or nothing.
public enum PathLookup: Sendable, Equatable {
    case dir(LayerPlace), notDir, missing
}

/// The layers and options a mount's parameters give once the kernel parsed them.
public struct ParsedMount: Sendable, Equatable {
    /// The lower stack in order, each by the place it resolved to and whether it is data-only.
    public var lowers: [(place: LayerPlace, data: Bool)] = []
    /// `lowerdir=` as given (the last one), which mountinfo shows; nil when none is in force.
    public var lowerdirAll: String?
    /// From 6.8 the `lowerdir+`/`datadir+` values as given, shown one by one without `lowerdir=`.
    public var added: [(key: String, value: String)] = []
    public var upper: (given: String, place: LayerPlace)?
    public var work: (given: String, place: LayerPlace)?
    /// Before 6.5 the layer strings stay unresolved until `fill_super` (``MountGrammar/legacy``).
    var upperString: String?
    var workString: String?
    public var options: [MountOption] = []
    public var defaultPermissions = false
    /// Lines logged while parsing (with their `overlayfs: ` / `overlay: ` prefix).
    public var log: [String] = []

    public static func == (a: ParsedMount, b: ParsedMount) -> Bool {
        a.lowers.map(\.place) == b.lowers.map(\.place) && a.lowers.map(\.data) == b.lowers.map(\.data)
            && a.lowerdirAll == b.lowerdirAll && a.added.map(\.key) == b.added.map(\.key) && a.added.map(\.value) == b.added.map(\.value)
            && a.upper?.given == b.upper?.given && a.work?.given == b.work?.given && a.options == b.options
            && a.defaultPermissions == b.defaultPermissions && a.log == b.log
    }
}

/// A mount the kernel refuses while reading its parameters or setting up its layers.
public struct GrammarRefusal: Error, Sendable, Equatable {
    public var errno: ModelErrno
    /// Every line logged up to and with the refusal.
    public var log: [String]
    /// Where it was refused: `fsconfig N` (the Nth parameter's call, 1-based), or `mount`
    /// (`mount(2)`, or `FSCONFIG_CMD_CREATE` of the new API).
    public var stage: String
    /// True when `fill_super` had made `workdir/work` already (before 6.5 a lower is resolved after it).
    public var workMade = false
}

/// The mount grammar per kernel line (R3, R2, R4, R6, R83): how the parameters of `mount(2)`'s
/// data string or of `fsconfig` calls become layers and options, and what each refuses.
public enum MountGrammar {
    /// What the guest writes for the job's folders in paths it reports, and what the model's
    /// symbolic paths start with.
    public static let dirToken = "$DIR"
    /// `OVL_MAX_STACK` (params.h; super.c before 6.5): 500 lower layers.
    public static let maxStack = 500
    /// `fs/namespace.c:copy_mount_options` copies one page of `mount(2)` data.
    public static let pageSize = 4096
    /// `fs/fsopen.c:fsconfig`: `strndup_user(_value, 256)` — a longer value is EINVAL.
    public static let maxValue = 256

    /// `params.c`/`super.c:ovl_next_opt`: the data string split at each `,` not after a `\`
    /// (the `\` stays); empty options are skipped by both parsers.
    public static func splitOptions(_ data: String) -> [String] {
        var out: [String] = [], cur = "", escaped = false
        for c in data {
            if escaped { cur.append(c); escaped = false; continue }
            if c == "\\" { cur.append(c); escaped = true; continue }
            if c == "," { out.append(cur); cur = ""; continue }
            cur.append(c)
        }
        out.append(cur)
        return out.filter { !$0.isEmpty }
    }

    /// `params.c:ovl_unescape`: every `\` dropped, the character after it kept.
    public static func unescape(_ s: String) -> String {
        var out = "", escaped = false
        for c in s {
            if !escaped && c == "\\" { escaped = true; continue }
            escaped = false
            out.append(c)
        }
        return out
    }

    /// `seq_file.h:seq_show_option`'s escape of a value: `,`, space, tab, newline and `\` as
    /// `\ooo` octal (`seq_escape`), everything else, `:` and `=` included, as it is.
    public static func showEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\\")].contains(b) {
                let o = String(b, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - o.count) + o
            } else {
                out += String(decoding: [b], as: UTF8.self)
            }
        }
        return out
    }

    /// The options of `mount(2)` data or of `fsconfig` calls as (key, value) pairs: a `mount(2)`
    /// option is split at its first `=` (`fs_context.c:vfs_parse_monolithic_sep`; one starting
    /// with `=` is skipped); an `fsconfig` parameter is a string when it has `=`, else a flag.
    static func pairs(_ options: [String], monolithic: Bool) -> [(key: String, value: String?)] {
        options.compactMap { o in
            guard let eq = o.firstIndex(of: "=") else { return (o, nil) }
            if monolithic && eq == o.startIndex { return nil }
            return (String(o[..<eq]), String(o[o.index(after: eq)...]))
        }
    }

    /// `params.c:ovl_parse_param_split_lowerdirs` (6.5+): the `lowerdir=` value split at single
    /// `:` (escapes kept), `::` starting a data-only layer; the log line for `:::` or a trailing `:`.
    static func splitLowerdirs(_ value: String) -> Result<[(name: String, data: Bool)], RefusalText> {
        var parts: [(String, Bool)] = [], cur = "", data = false
        var chars = Array(value)[...]
        while let c = chars.popFirst() {
            if c == "\\" {
                cur.append(c)
                if let n = chars.popFirst() { cur.append(n) }
                continue
            }
            if c == ":" {
                if chars.first == ":" {
                    chars.removeFirst()
                    if chars.first == ":" {
                        return .failure(RefusalText("only single ':' or double '::' sequences of unescaped colons in lowerdir mount option allowed."))
                    }
                    parts.append((cur, data)); cur = ""; data = true
                } else {
                    parts.append((cur, data)); cur = ""; data = false
                }
                if chars.isEmpty { return .failure(RefusalText("unescaped trailing colons in lowerdir mount option.")) }
                continue
            }
            cur.append(c)
        }
        parts.append((cur, data))
        return .success(parts)
    }

    /// A log text as an error value.
    struct RefusalText: Error { var text: String; init(_ t: String) { text = t } }
}
