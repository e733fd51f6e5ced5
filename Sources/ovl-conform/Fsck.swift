import ArgumentParser
import OvlFsck
import OvlLayerDisk
import OvlModel

/// `ovl-conform fsck`: the offline layer checker. Reads the layer folders while nothing is
/// mounted and checks them against the model's invariants (``LayerSet/findings()``).
struct Fsck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check (and repair) overlay layers offline.",
        discussion: """
            Each finding prints the layer and path, the entry or xattr, the rule it breaks and what \
            -p and -y do. --fix (--policy p) makes the safe repairs, --policy y also removes a \
            duplicated redirect. Repairs only add or remove whiteouts and set or remove overlay's \
            private xattrs; they never delete user data, and the run lists what it left. \
            Exit status (fsck(8)): 0 clean, 1 errors corrected, 4 errors left uncorrected, 8 operational error.
            """)

    @Option(help: "Lower layers, top first, separated by ':'.")
    var lower: String

    @Option(help: "The upper layer.")
    var upper: String?

    @Option(help: "The workdir (its index/ entries are checked).")
    var work: String?

    @Flag(help: "The layers belong to a userxattr mount: overlay's xattrs are user.overlay.*.")
    var userxattr = false

    @Flag(help: "Repair what can be repaired safely (--policy p).")
    var fix = false

    @Option(help: "Repair as fsck.overlay's -p (safe repairs) or -y (also remove duplicated redirects).")
    var policy: PolicyChoice?

    enum PolicyChoice: String, ExpressibleByArgument, CaseIterable { case p, y }

    /// -n without --fix or --policy.
    var chosenPolicy: FixPolicy {
        switch policy {
        case .p: .safe
        case .y: .yes
        case nil: fix ? .safe : .none
        }
    }

    @Flag(help: "Report which overlay features the layers use and the mount options they need.")
    var features = false

    func validate() throws {
        if lower.split(separator: ":").isEmpty { throw ValidationError("--lower needs at least one folder") }
        if (upper == nil) != (work == nil) { throw ValidationError("--upper and --work go together") }
        if fix && policy != nil { throw ValidationError("--fix is --policy p: give one of them") }
    }

    func run() throws {
        let folders = LayerFolders(lowers: lower.split(separator: ":").map(String.init), upper: upper, work: work,
                                   prefix: XattrPrefix(userxattr: userxattr))
        let report: FsckReport
        do {
            report = try folders.check(policy: chosenPolicy)
            if features { print(try folders.read().features()) }
        } catch {
            print("fsck: \(error)")
            throw ExitCode(8)
        }
        for f in report.found { print(f) }
        if chosenPolicy != .none {
            let left = Set(report.left.map(\.key))
            let fixed = report.found.filter { !left.contains($0.key) }
            print("fixed \(fixed.count), left \(report.left.count)")
            for f in report.left { print("left: \(f)") }
        } else {
            print("\(report.found.count) problem\(report.found.count == 1 ? "" : "s")")
        }
        throw ExitCode(report.exitCode)
    }
}
