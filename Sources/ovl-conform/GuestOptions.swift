import ArgumentParser
import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import OvlRunner

/// What every command that boots the guest shares: the kernel and module to boot, the
/// filesystem configurations, where results go, the watchdog and the number of guests.
struct GuestOptions: ParsableArguments {
    @Option(help: "A folder holding fs/overlayfs (a kernel tree or an extracted copy); default: the Debian source.")
    var moduleSrc: String?

    @Option(help: "Debian kernel to boot: 6.12.N or 6.1.N, or a line (6.12, 6.1: its newest that apt has in full; default: the newest 6.12).")
    var kernel: String?

    @Option(help: "Boot a built kernel tree (arch/x86/boot/bzImage, its modules; overlay built in or fs/overlayfs/overlay.ko) instead of a Debian kernel.")
    var kernelTree: String?

    @Option(name: .customLong("fs"), help: "Filesystem configurations: ext4, xfs, ext4/xfs, xfs/ext4 (lower/upper). Repeatable.")
    var filesystems: [String] = []

    @Option(help: "Results folder (default: a new folder under results/).")
    var results: String?

    @Option(help: "Seconds without guest progress (a record after the mount and after every step) before a hang is declared.")
    var stepTimeout: Double = 60

    @Option(help: "Guests to run in parallel (one vCPU and 2 GiB each); the jobs are dealt out among them (default: one per CPU, as memory allows).")
    var jobs: Int?

    /// `--jobs`, or one guest per online CPU while each can have 2 GiB and the host keeps 2 GiB.
    var guests: Int {
        if let jobs { return jobs }
        let info = ProcessInfo.processInfo
        let byMemory = Int(info.physicalMemory >> 30) / 2 - 1
        return max(1, min(info.activeProcessorCount, byMemory))
    }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if kernelTree != nil, moduleSrc != nil || kernel != nil {
            throw ValidationError("--kernel-tree boots the tree's own kernel and overlay; it excludes --module-src and --kernel")
        }
        _ = try configs()
    }

    /// `--fs` values as configurations; none given means all four.
    func configs() throws -> [FSConfig] {
        if filesystems.isEmpty { return FSConfig.matrix }
        return try filesystems.map { text in
            let parts = text.split(separator: "/").map(String.init)
            guard (1...2).contains(parts.count), parts.allSatisfy({ ["ext4", "xfs"].contains($0) }) else {
                throw ValidationError("bad --fs '\(text)'; expected one of: ext4, xfs, ext4/xfs, xfs/ext4")
            }
            return FSConfig(lower: parts[0], upper: parts.last ?? parts[0])
        }
    }

    /// A suite that runs `jobs` with these options, keeping everything in `resultsDir`.
    func suite(_ jobList: [(Job, Case)], host: Bool = false, resultsDir: String, reporter: ProgressReporter) -> Suite {
        Suite(jobs: jobList, moduleSource: moduleSrc, kernelVersion: kernel, kernelTree: kernelTree, host: host, resultsDir: resultsDir,
              stallTimeout: stepTimeout, guests: guests, reporter: reporter)
    }
}
