/// Which folder of an overlay a finding is in.
public enum LayerRole: Codable, Sendable, Hashable, CustomStringConvertible {
    case upper
    /// Lower layer N, top first (`lowerdir=L0:L1:…`).
    case lower(Int)
    /// The workdir (`work/`, `index/`).
    case workdir

    public var description: String {
        switch self {
        case .upper: "upper"
        case .lower(let i): "lower\(i)"
        case .workdir: "workdir"
        }
    }
}

/// The kinds of damage the layer checker knows, each an invariant the kernel keeps (issue 9).
public enum ProblemClass: String, Codable, Sendable, CaseIterable {
    /// A whiteout in any layer that hides nothing below it (R33): the kernel only whites out
    /// names a lower still has (`namei.c:ovl_lower_positive`); one inside an opaque directory is
    /// what a directory whose removal was interrupted leaves (R34, `dir.c:ovl_clear_empty`); one
    /// in the lowest layer hides nothing by definition.
    case orphanWhiteout
    /// An `X.redirect` lookup refuses with EINVAL (R50, `namei.c:ovl_check_redirect`), or whose
    /// target is no directory in the layers below the redirect's own (fsck.overlay's "invalid
    /// redirect directory"), or that is in the lowest layer.
    case invalidRedirect
    /// Two directories (in any layers) whose redirects lead to the same lower directory, or a
    /// redirect whose target is also merged by a plain directory at its own path (R49, R70): one
    /// of them merges with the wrong lower.
    case duplicateRedirect
    /// A valid redirect whose origin path holds nothing in the redirect's own layer (R48: a
    /// rename leaves a whiteout at the old name), so the lower directory shows twice.
    case missingWhiteout
    /// An upper directory without `X.impure` holding an entry with `X.origin`, a redirect
    /// subdirectory or a merge subdirectory (R46): readdir would report such an entry's real d_ino
    /// instead of its st_ino (R59). A directory whose only reason is merge subdirectories is no
    /// error when checking only (a new image; the kernel sets it itself), but `-p`/`-y` set it.
    case missingImpure
    /// An `X.origin` that is not an `ovl_fb` (R45, `namei.c:ovl_check_fb_len` gives EINVAL).
    case badOrigin
    /// An index entry that does not belong to its upper inode (R62, `namei.c:ovl_verify_index`).
    case staleIndex
    /// An upper file marked metacopy whose data no lower has, or whose `X.metacopy` is malformed
    /// (R81: lookup fails with EIO).
    case metacopyWithoutData

    /// True for the classes of fsck.overlay's first pass (redirects), which are checked and
    /// repaired before the others (``LayerSet/run(policy:read:repair:)``).
    public var isRedirectPass: Bool { self == .invalidRedirect || self == .duplicateRedirect || self == .missingWhiteout }

    /// The rule of the semantics doc the damage breaks.
    public var rule: String {
        switch self {
        case .orphanWhiteout: "R33"
        case .invalidRedirect: "R50"
        case .duplicateRedirect: "R49"
        case .missingWhiteout: "R48"
        case .missingImpure: "R46"
        case .badOrigin: "R45"
        case .staleIndex: "R62"
        case .metacopyWithoutData: "R81"
        }
    }
}

/// How much a fsck run may change (fsck.overlay's `-n`, `-p`, `-y`).
public enum FixPolicy: String, Codable, Sendable, CaseIterable {
    /// `-n`: check only, change nothing.
    case none = "n"
    /// `-p` (`ovl-conform fsck --fix`): make every repair that is safe (each question's default).
    case safe = "p"
    /// `-y`: answer yes to every question: also remove a duplicated redirect.
    case yes = "y"
}

/// One change a repair makes to a layer. None of them removes anything a user wrote: only
/// whiteouts and overlay's private xattrs.
public enum Repair: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Remove the whiteout (a 0:0 character device) at the finding's path.
    case removeWhiteout
    /// Make a whiteout (a 0:0 character device) at this path of the finding's layer.
    case addWhiteout(RelPath)
    /// Remove the xattr with this (full) name.
    case removeXattr(String)
    /// Set the xattr with this (full) name to this value.
    case setXattr(String, String)

    public var description: String {
        switch self {
        case .removeWhiteout: "remove the whiteout"
        case .addWhiteout(let p): "add a whiteout at \(p)"
        case .removeXattr(let n): "remove \(n)"
        case .setXattr(let n, let v): "set \(n)=\(v)"
        }
    }
}

/// One problem found in a set of layers.
public struct Finding: Codable, Sendable, Hashable, CustomStringConvertible {
    public var problem: ProblemClass
    public var layer: LayerRole
    public var path: RelPath
    /// The entry or xattr involved (`whiteout`, `trusted.overlay.redirect`, …).
    public var subject: String
    /// What is wrong, in a few words.
    public var detail: String
    /// What `-p` (`--fix`) does, in order; empty when the damage is left for a person to decide.
    public var repairs: [Repair]
    /// What `-y` does when it differs from ``repairs`` (nil: the same).
    public var yesRepairs: [Repair]?

    public init(problem: ProblemClass, layer: LayerRole, path: RelPath, subject: String, detail: String,
                repairs: [Repair] = [], yesRepairs: [Repair]? = nil) {
        self.problem = problem; self.layer = layer; self.path = path; self.subject = subject
        self.detail = detail; self.repairs = repairs; self.yesRepairs = yesRepairs
    }

    /// The rule broken (``ProblemClass/rule``).
    public var rule: String { problem.rule }
    /// True when `-p` (`--fix`) repairs this finding.
    public var fixable: Bool { !repairs.isEmpty }

    /// The repairs `policy` makes: none under `-n`.
    public func repairs(under policy: FixPolicy) -> [Repair] {
        switch policy {
        case .none: []
        case .safe: repairs
        case .yes: yesRepairs ?? repairs
        }
    }

    /// `upper:d/x whiteout: hides nothing below (R33); fix: remove the whiteout`.
    public var description: String {
        var fix = repairs.isEmpty ? "left by -p" : "-p: " + repairs.map(\.description).joined(separator: ", ")
        if let yes = yesRepairs, yes != repairs {
            fix += yes.isEmpty ? ", left by -y" : "; -y: " + yes.map(\.description).joined(separator: ", ")
        }
        return "\(layer):\(path) \(subject): \(detail) (\(rule) \(problem.rawValue)); \(fix)"
    }
}
