import OvlModel

/// fsck.overlay's command line (overlayfs-progs), parsed without side effects:
/// `fsck.overlay -o lowerdir=L1:L2,upperdir=U,workdir=W [-o ...] [-p | -n | -y] [-v] [-V] [-h]`.
public enum FsckOverlayCommandLine {
    /// What the command line asks for.
    public enum Command: Equatable, Sendable {
        /// `-V`/`--version`: print the version, exit 0.
        case version
        /// Check (and maybe repair) these layers.
        case check(Options)
    }

    /// The layers and how to treat them.
    public struct Options: Equatable, Sendable {
        /// Lower layers of the namespace, top first.
        public var lowers: [String] = []
        /// Data-only lower layers (`lowerdir=L::D`), after the others.
        public var dataLowers: [String] = []
        public var upper: String?
        public var work: String?
        /// `-o userxattr`: overlay's xattrs are `user.overlay.*`.
        public var userxattr = false
        /// `-n` (and no flag: check only, never a question on stdin), `-p`, `-y`.
        public var policy: FixPolicy = .none
        /// True when `-n` was given (only then is a mounted layer scanned).
        public var explicitNo = false
        /// `-v`.
        public var verbose = false
        /// `-o` keys accepted and ignored (`index=on`, `xino=on`, …), in order.
        public var ignored: [String] = []

        public init() {}
    }

    /// A usage error: fsck.overlay prints its usage and exits 16.
    public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// fsck.overlay's limit on lower layers.
    public static let maxLowers = 500
    /// Usage errors exit with this (fsck(8)'s FSCK_USAGE).
    public static let usageExit: Int32 = 16

    public static let usage = """
        Usage:
        \tfsck.overlay -o lowerdir=L1[:L2...],upperdir=U,workdir=W [-o ...] [-p | -n | -y] [-v] [-V] [-h]

        Options:
        -o,                   specify underlying directories of overlayfs:
                              lowerdir=<lowers>,upperdir=<upper>,workdir=<work>
                              (other mount options are accepted and ignored; userxattr
                              checks user.overlay.* xattrs; ',' and ':' in a path as '\\,' '\\:')
        -p,                   automatic repair (no questions)
        -n,                   make no changes to the filesystem
        -y,                   assume "yes" to all questions
        -v, --verbose         print more messages of overlayfs
        -h, --help            display this usage of overlayfs
        -V, --version         display version information
        """

    /// Parses the arguments after the program name, as getopt(3) with "o:apnyvVh" and the long
    /// options `--verbose`, `--version`, `--help` would: short options may be grouped (`-pv`),
    /// `-o` takes the rest of its word or the next word; `--` ends the options; other words are
    /// ignored, as fsck.overlay ignores them.
    public static func parse(_ args: [String]) -> Result<Command, UsageError> {
        var o = Options()
        var chosen: [Character] = []
        var i = 0
        func setPolicy(_ c: Character) {
            chosen.append(c)
            switch c {
            case "p": o.policy = .safe
            case "y": o.policy = .yes
            default: o.policy = .none; o.explicitNo = true
            }
        }
        while i < args.count {
            let a = args[i]
            i += 1
            if a == "--" { break }
            if a.hasPrefix("--") {
                switch a {
                case "--verbose": o.verbose = true
                case "--version": return .success(.version)
                case "--help": return .failure(UsageError("help"))
                default: return .failure(UsageError("unrecognized option '\(a)'"))
                }
                continue
            }
            guard a.hasPrefix("-"), a.count > 1 else { continue }
            var rest = Substring(a.dropFirst())
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "o":
                    let value: String
                    if !rest.isEmpty {
                        value = String(rest)
                        rest = ""
                    } else if i < args.count {
                        value = args[i]
                        i += 1
                    } else {
                        return .failure(UsageError("option requires an argument -- 'o'"))
                    }
                    if let e = apply(mountOptions: value, to: &o) { return .failure(e) }
                case "p", "n", "y": setPolicy(c)
                case "v": o.verbose = true
                case "V": return .success(.version)
                case "h": return .failure(UsageError("help"))
                default: return .failure(UsageError("invalid option -- '\(c)'"))
                }
            }
        }
        if o.lowers.isEmpty || (o.upper == nil && o.lowers.count + o.dataLowers.count == 1) {
            return .failure(UsageError("Please specify correct lowerdirs and upperdir!"))
        }
        if o.upper != nil && o.work == nil { return .failure(UsageError("Please specify correct workdir!")) }
        if Set(chosen).count > 1 { return .failure(UsageError("Only one of the options -p/-a, -n or -y can be specified!")) }
        return .success(.check(o))
    }

    /// Applies one `-o` value: `key=value` items split on `,` (`\,` escapes one).
    static func apply(mountOptions value: String, to o: inout Options) -> UsageError? {
        for item in splitEscaped(value, on: ",") where !item.isEmpty {
            let (key, val) = item.firstIndex(of: "=").map { (String(item[..<$0]), String(item[item.index(after: $0)...])) }
                ?? (item, "")
            switch key {
            case "lowerdir":
                let parts = splitEscaped(val, on: ":", keepEmpty: true)
                // `L1:L2::D1::D2`: an empty part starts the data-only layers (R83).
                var normal: [String] = [], data: [String] = []
                var inData = false
                for part in parts {
                    if part.isEmpty { inData = true; continue }
                    if inData { data.append(part) } else { normal.append(part) }
                }
                if normal.count + data.count > maxLowers {
                    return UsageError("too many lower directories (\(normal.count + data.count)), at most \(maxLowers)")
                }
                o.lowers = normal
                o.dataLowers = data
            case "upperdir": o.upper = unescape(val)
            case "workdir": o.work = unescape(val)
            case "userxattr": o.userxattr = true
            default: o.ignored.append(item)
            }
        }
        return nil
    }

    /// Splits `text` on `separator`; a backslash makes the next character literal.
    static func splitEscaped(_ text: String, on separator: Character, keepEmpty: Bool = false) -> [String] {
        var out: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped {
                if c != separator && c != "\\" { current.append("\\") }
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == separator {
                out.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if escaped { current.append("\\") }
        out.append(current)
        return keepEmpty ? out : out.filter { !$0.isEmpty }
    }

    /// A path with its remaining `\:` and `\,` escapes undone.
    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\:", with: ":").replacingOccurrences(of: "\\,", with: ",")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
