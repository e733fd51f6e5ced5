/// `redirect_dir=` modes (R15).
public enum RedirectMode: String, Codable, Sendable, CaseIterable {
    case off, follow, nofollow, on
}

/// `xino=` modes (R16).
public enum XinoMode: String, Codable, Sendable, CaseIterable { case off, auto, on }

/// `uuid=` modes (R18).
public enum UUIDMode: String, Codable, Sendable, CaseIterable { case null, off, auto, on }

/// `verity=` modes (R82).
public enum VerityMode: String, Codable, Sendable, CaseIterable { case off, on, require }

/// The module parameters that decide every option a mount does not set
/// (`/sys/module/overlay/parameters/*`, `params.c:ovl_init_fs_context`).
public struct ModuleDefaults: Codable, Sendable, Equatable {
    public var redirectDir: Bool
    public var redirectAlwaysFollow: Bool
    public var index: Bool
    public var nfsExport: Bool
    public var xinoAuto: Bool
    public var metacopy: Bool
    /// The longest absolute redirect a directory move stores (`redirect_max`, a `ushort` parameter
    /// of `dir.c`, writable at run time, 256 unless set at load); a longer one gives EXDEV (R49, R85b).
    public var redirectMax: Int

    public init(redirectDir: Bool = false, redirectAlwaysFollow: Bool = true, index: Bool = false,
                nfsExport: Bool = false, xinoAuto: Bool = false, metacopy: Bool = false, redirectMax: Int = 256) {
        self.redirectDir = redirectDir; self.redirectAlwaysFollow = redirectAlwaysFollow; self.index = index
        self.nfsExport = nfsExport; self.xinoAuto = xinoAuto; self.metacopy = metacopy
        self.redirectMax = redirectMax
    }

    /// Debian 6.12's configuration (REDIRECT_DIR=n, REDIRECT_ALWAYS_FOLLOW=y, the rest n).
    public static let debian = ModuleDefaults()

    /// Default redirect mode (`params.c:ovl_redirect_mode_def`).
    public var redirectDefault: RedirectMode {
        redirectDir ? .on : redirectAlwaysFollow ? .follow : .nofollow
    }
    /// Default xino mode (`params.c:ovl_xino_def`).
    public var xinoDefault: XinoMode { xinoAuto ? .auto : .off }
}

/// One mount option as a case gives it, e.g. `index=on` or `userxattr`.
public struct MountOption: Codable, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var value: String?
    public init(key: String, value: String?) { self.key = key; self.value = value }
    public var description: String { value.map { "\(key)=\($0)" } ?? key }

    /// The option names a case may use, with their allowed values (empty = a flag).
    public static let known: [(key: String, values: [String])] = [
        ("redirect_dir", RedirectMode.allCases.map(\.rawValue)),
        ("index", ["on", "off"]),
        ("nfs_export", ["on", "off"]),
        ("xino", XinoMode.allCases.map(\.rawValue)),
        ("metacopy", ["on", "off"]),
        ("uuid", UUIDMode.allCases.map(\.rawValue)),
        ("verity", VerityMode.allCases.map(\.rawValue)),
        ("userxattr", []),
        ("volatile", []),
    ]
}

/// The options of one mount after `params.c:ovl_fs_params_verify` resolved them (R11).
public struct ResolvedOptions: Codable, Sendable, Equatable {
    public var redirect: RedirectMode
    public var index: Bool
    public var nfsExport: Bool
    public var xino: XinoMode
    public var metacopy: Bool
    public var uuid: UUIDMode
    public var verity: VerityMode
    public var userxattr: Bool
    public var volatile: Bool
    /// Before 6.5 (``KernelChanges/redirectModeEnum``): the `redirect_dir=` string as given, or
    /// the default one, which `super.c:ovl_show_options` compares and shows; nil from 6.5.
    public var redirectString: String? = nil
}

/// Why the kernel refuses a set of options: the errno and the log text.
public struct MountRefusal: Error, Sendable, Equatable {
    public var errno: ModelErrno
    public var message: String
    /// The log line's prefix: `overlayfs` for overlayfs' own `pr_err`, `overlay` (the fs type's
    /// name) for the VFS's `invalf` (`fs/fs_context.c:vfs_parse_fs_param`).
    public var source = "overlayfs"

    /// The kernel-log line of the refusal.
    public var logLine: String { "\(source): \(message)" }
}

extension ResolvedOptions {
    /// Resolves the options given to a mount, as `ovl_parse_param` and `ovl_fs_params_verify` do.
    ///
    /// - Rule: R11 (dependency order), R5 (no upper), R15 (redirect_dir=off), R16 (xino default).
    /// - Throws: ``MountRefusal`` for a conflicting combination (EINVAL, "conflicting options: …").
    /// - Parameters:
    ///   - hasUpper: false for a read-only overlay (no upperdir).
    ///   - kernel: the kernel whose rules apply (``KernelChanges/verityWithoutMetacopy``).
    ///   - flipped: version entries predicted the other way round (``Environment/flipped``).
    public static func resolve(_ given: [MountOption], defaults: ModuleDefaults, hasUpper: Bool = true,
                               kernel: KernelVersion = .reference, flipped: Set<String> = []) throws(MountRefusal) -> ResolvedOptions {
        var log: [String] = []
        return try resolve(given, defaults: defaults, hasUpper: hasUpper, kernel: kernel, flipped: flipped, log: &log)
    }

    /// ``resolve(_:defaults:hasUpper:kernel:)``, also collecting the `pr_info` lines
    /// `ovl_fs_params_verify` logs for each option it adjusts (without the `overlayfs: ` prefix).
    public static func resolve(_ given: [MountOption], defaults: ModuleDefaults, hasUpper: Bool,
                               kernel: KernelVersion = .reference, flipped: Set<String> = [],
                               log: inout [String]) throws(MountRefusal) -> ResolvedOptions {
        func has(_ change: KernelChange) -> Bool { change.present(in: kernel) != flipped.contains(change.name) }
        if !has(KernelChanges.redirectModeEnum) {
            return try resolveLegacy(given, defaults: defaults, hasUpper: hasUpper, log: &log)
        }
        // From 6.16 verity is independent of metacopy: no implied metacopy=on and no conflicts.
        let verityNeedsMetacopy = !has(KernelChanges.verityWithoutMetacopy)
        var o = ResolvedOptions(
            redirect: defaults.redirectDefault, index: defaults.index, nfsExport: defaults.nfsExport,
            xino: defaults.xinoDefault, metacopy: defaults.metacopy, uuid: .auto, verity: .off,
            userxattr: false, volatile: false)
        var setRedirect = false, setIndex = false, setNfs = false, setMetacopy = false
        for opt in given {
            let v = opt.value ?? ""
            switch opt.key {
            case "redirect_dir":
                setRedirect = true
                o.redirect = RedirectMode(rawValue: v) ?? o.redirect
                // params.c:ovl_parse_param: "off" means follow or nofollow per redirect_always_follow.
                if o.redirect == .off { o.redirect = defaults.redirectAlwaysFollow ? .follow : .nofollow }
            case "index": setIndex = true; o.index = v == "on"
            case "nfs_export": setNfs = true; o.nfsExport = v == "on"
            case "xino": o.xino = XinoMode(rawValue: v) ?? o.xino
            case "metacopy": setMetacopy = true; o.metacopy = v == "on"
            case "uuid": o.uuid = UUIDMode(rawValue: v) ?? o.uuid
            case "verity":
                // Before 6.6 params.c has no such key (KernelChanges.verityOption).
                guard has(KernelChanges.verityOption) else {
                    throw MountRefusal(errno: .EINVAL, message: "Unknown parameter 'verity'", source: "overlay")
                }
                o.verity = VerityMode(rawValue: v) ?? o.verity
            case "userxattr": o.userxattr = true
            case "volatile": o.volatile = true
            default: break
            }
        }
        func conflict(_ text: String) -> MountRefusal { MountRefusal(errno: .EINVAL, message: "conflicting options: \(text)") }
        if !hasUpper {
            // R5/R11 step 1: without upper, index and volatile are dropped and uuid=on falls back to null.
            if o.index && setIndex {
                log.append("option \"index=on\" is useless in a non-upper mount, ignore")
                setIndex = false
            }
            o.index = false
            if o.volatile { log.append("option \"volatile\" is meaningless in a non-upper mount, ignoring it.") }
            o.volatile = false
            if o.uuid == .on {
                log.append("option \"uuid=on\" requires an upper fs, falling back to uuid=null.")
                o.uuid = .null
            }
        }
        if verityNeedsMetacopy, o.verity != .off && !o.metacopy {
            if setMetacopy { throw conflict("metacopy=off,verity=\(o.verity.rawValue)") }
            o.metacopy = true
        }
        // "To make the logic below simpler", redirect follow becomes on without upper — which
        // mountinfo then shows as redirect_dir=on (seen on 6.12).
        if !hasUpper && o.redirect == .follow { o.redirect = .on }
        if o.metacopy && o.redirect != .on {
            if setMetacopy && setRedirect { throw conflict("metacopy=on,redirect_dir=\(o.redirect.rawValue)") }
            if verityNeedsMetacopy, o.verity != .off && setRedirect {
                throw conflict("verity=\(o.verity.rawValue),redirect_dir=\(o.redirect.rawValue)")
            }
            if setRedirect {
                log.append("disabling metacopy due to redirect_dir=\(o.redirect.rawValue)")
                o.metacopy = false
            } else {
                o.redirect = .on
            }
        }
        try o.resolveNfsExport(follows: o.redirect != .nofollow, hasUpper: hasUpper, setNfs: setNfs, setIndex: setIndex,
                               setMetacopy: setMetacopy, log: &log)
        if o.userxattr {
            if setRedirect && o.redirect != .nofollow { throw conflict("userxattr,redirect_dir=\(o.redirect.rawValue)") }
            if o.metacopy && setMetacopy { throw conflict("userxattr,metacopy=on") }
            if verityNeedsMetacopy, o.verity != .off { throw conflict("userxattr,verity=\(o.verity.rawValue)") }
            o.redirect = .nofollow
            o.metacopy = false
        }
        // super.c:ovl_fill_super: a mount without a workdir shows index=off, even when the
        // nfs_export rule above switched it on.
        if !hasUpper { o.index = false }
        return o
    }

    /// ``resolve(_:defaults:hasUpper:kernel:log:)`` before 6.5, as `super.c:ovl_parse_opt` does (seen in
    /// Debian's 6.1.192): options in order, the first unknown one refused; `redirect_dir=` kept as
    /// its string; `uuid` a bool (on, or off); no `verity=` (``KernelChanges/redirectModeEnum``,
    /// ``KernelChanges/uuidModes``, ``KernelChanges/verityOption``).
    static func resolveLegacy(_ given: [MountOption], defaults: ModuleDefaults, hasUpper: Bool,
                              log: inout [String]) throws(MountRefusal) -> ResolvedOptions {
        var redirectString = defaults.redirectDir ? "on" : "off"   // ovl_redirect_mode_def
        var o = ResolvedOptions(
            redirect: .nofollow, index: defaults.index, nfsExport: defaults.nfsExport, xino: defaults.xinoDefault,
            metacopy: defaults.metacopy, uuid: .on, verity: .off, userxattr: false, volatile: false)
        var setRedirect = false, setIndex = false, setNfs = false, setMetacopy = false
        for opt in given {
            let v = opt.value ?? ""
            switch (opt.key, v) {
            case ("redirect_dir", _): setRedirect = true; redirectString = v
            case ("index", _): setIndex = true; o.index = v == "on"
            case ("nfs_export", _): setNfs = true; o.nfsExport = v == "on"
            case ("xino", _): o.xino = XinoMode(rawValue: v) ?? o.xino
            case ("metacopy", _): setMetacopy = true; o.metacopy = v == "on"
            case ("uuid", "on"), ("uuid", "off"): o.uuid = v == "on" ? .on : .off
            case ("userxattr", _): o.userxattr = true
            case ("volatile", _): o.volatile = true
            default:
                throw MountRefusal(errno: .EINVAL, message: "unrecognized mount option \"\(opt)\" or missing value")
            }
        }
        func conflict(_ text: String) -> MountRefusal { MountRefusal(errno: .EINVAL, message: "conflicting options: \(text)") }
        if !hasUpper {
            if o.index && setIndex {
                log.append("option \"index=on\" is useless in a non-upper mount, ignore")
                setIndex = false
            }
            o.index = false
            if o.volatile { log.append("option \"volatile\" is meaningless in a non-upper mount, ignoring it.") }
            o.volatile = false
        }
        // ovl_parse_redirect_mode
        var redirectDir = false, follow = false
        switch redirectString {
        case "on": redirectDir = true; follow = true
        case "follow": follow = true
        case "off": follow = defaults.redirectAlwaysFollow
        case "nofollow": break
        default: throw MountRefusal(errno: .EINVAL, message: "bad mount option \"redirect_dir=\(redirectString)\"")
        }
        if !hasUpper && follow { redirectDir = true }
        if o.metacopy && !redirectDir {
            if setMetacopy && setRedirect { throw conflict("metacopy=on,redirect_dir=\(redirectString)") }
            if setRedirect {
                log.append("disabling metacopy due to redirect_dir=\(redirectString)")
                o.metacopy = false
            } else {
                redirectDir = true
                follow = true
            }
        }
        try o.resolveNfsExport(follows: follow, hasUpper: hasUpper, setNfs: setNfs, setIndex: setIndex,
                               setMetacopy: setMetacopy, log: &log)
        if o.userxattr {
            if follow && setRedirect { throw conflict("userxattr,redirect_dir=\(redirectString)") }
            if o.metacopy && setMetacopy { throw conflict("userxattr,metacopy=on") }
            redirectDir = false
            follow = false
            o.metacopy = false
        }
        if !hasUpper { o.index = false }
        o.redirect = redirectDir ? .on : follow ? .follow : .nofollow
        o.redirectString = redirectString
        return o
    }

    /// nfs_export against index and metacopy, as both parsers decide it (`params.c:ovl_fs_params_verify`,
    /// before 6.5 `super.c:ovl_parse_opt`, R11): an explicit pair conflicts, otherwise the
    /// explicit option wins and the other is turned off; nfs_export alone turns index on.
    /// - Parameter follows: redirects are followed (a non-upper mount then drops nfs_export).
    mutating func resolveNfsExport(follows: Bool, hasUpper: Bool, setNfs: Bool, setIndex: Bool, setMetacopy: Bool,
                                   log: inout [String]) throws(MountRefusal) {
        func conflict(_ text: String) -> MountRefusal { MountRefusal(errno: .EINVAL, message: "conflicting options: \(text)") }
        if nfsExport && !index {
            if !hasUpper && follows {
                log.append("NFS export requires \"redirect_dir=nofollow\" on non-upper mount, falling back to nfs_export=off.")
                nfsExport = false
            } else if setNfs && setIndex {
                throw conflict("nfs_export=on,index=off")
            } else if setIndex {
                log.append("disabling nfs_export due to index=off")
                nfsExport = false
            } else {
                index = true
            }
        }
        if nfsExport && metacopy {
            if setNfs && setMetacopy { throw conflict("nfs_export=on,metacopy=on") }
            if setMetacopy {
                log.append("disabling nfs_export due to metacopy=on")
                nfsExport = false
            } else if verity != .off {
                log.append("disabling nfs_export due to verity=\(verity.rawValue)")
                nfsExport = false
            } else {
                log.append("disabling metacopy due to nfs_export=on")
                metacopy = false
            }
        }
    }

    /// The private xattr prefix: `trusted.overlay.` or, with userxattr, `user.overlay.`.
    public var xattrPrefix: XattrPrefix { XattrPrefix(userxattr: userxattr) }

    /// `dir.c:ovl_allow_offline_changes` negated: features under which overlay marks new
    /// directories in merged parents opaque (R36).
    public var forbidsOfflineChanges: Bool { index || metacopy || redirect == .on || xino == .on }
}
