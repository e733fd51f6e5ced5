import Foundation
import OvlModel
import OvlProtocol
import OvlSys

/// The guest side of a run: executes every job of a plan on real overlay mounts and streams
/// ``GuestRecord``s to the results share. It records only; the host judges.
public enum GuestAgent {
    /// Where the VM harness mounted the per-boot ext4 and xfs loop filesystems.
    static let fsRoot = "/mnt"

    /// Runs the plan at `planPath`, writing `records.jsonl` into `outDir`.
    /// - Returns: 0 when the plan ran (whatever the verdicts), 1 when the agent could not start.
    public static func run(planPath: String, outDir: String) -> Int32 {
        Files.setUmask(0)
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: Data(contentsOf: URL(fileURLWithPath: planPath)))
        } catch {
            print("ovl-conform guest: cannot read plan \(planPath): \(error)")
            return 1
        }
        let writer: RecordWriter
        let kmsg: KernelLog
        do {
            writer = try RecordWriter(path: outDir + "/records.jsonl")
            kmsg = try KernelLog()
        } catch {
            print("ovl-conform guest: \(error)")
            return 1
        }
        writer.write(.boot(defaults: moduleDefaults(), kernel: kernelRelease(), sysctls: sysctls()))
        let clock = PhaseClock()
        writer.clock = clock
        for job in plan.jobs {
            clock.reset()
            writer.write(.begin(job: job.index))
            let taintBefore = tainted()
            // The newline ends the record: without it the kernel keeps it open for a continuation
            // and no reader sees it until the next message is logged.
            kmsg.mark("ovl-conform: begin job \(job.index) \(job.caseID) [\(job.config)]\n")
            let slice = JobKernelLog()
            do {
                try JobRunner(job: job, kmsg: kmsg, writer: writer, slice: slice, clock: clock).run()
            } catch let error as SysError {
                if let why = unsupported(error, job.scenario) {
                    writer.write(.unsupported(job: job.index, reason: why))
                } else {
                    writer.write(.error(job: job.index, message: error.description))
                }
            } catch {
                writer.write(.error(job: job.index, message: "\(error)"))
            }
            slice.add(kmsg.drain())
            if let kept = slice.kept(taintBefore: taintBefore, taintAfter: tainted()) {
                writer.write(.kernel(job: job.index, kept))
            }
            writer.write(.end(job: job.index, phases: clock.finish()))
        }
        writer.write(.done)
        return 0
    }

    /// The reason a job's layers cannot be made on this kernel, when the failure says the kernel
    /// lacks what they need: fs-verity (`FS_IOC_ENABLE_VERITY` is EOPNOTSUPP without
    /// CONFIG_FS_VERITY) or an empty `security.capability` in a layer (copyup/017, metacopy/017),
    /// which 6.12 stores and the 6.18.44 here refuses with EINVAL, or a read-only lower filesystem
    /// (erofs, squashfs) the kernel lacks. Nil for any other failure: a
    /// harness error.
    static func unsupported(_ error: SysError, _ scenario: Scenario) -> String? {
        if error.call == "ioctl FS_IOC_ENABLE_VERITY", error.errno == EOPNOTSUPP {
            return "the kernel has no fs-verity (FS_IOC_ENABLE_VERITY: EOPNOTSUPP, CONFIG_FS_VERITY not set)"
        }
        if error.call.hasPrefix("mount "), error.errno == ENODEV,
           let fs = LayerFilesystem.all.first(where: { $0.sealing != nil && error.call == "mount " + $0.driver }) {
            return "the kernel has no \(fs.driver) filesystem (mount: ENODEV), which layer_fs \(fs.name) needs"
        }
        if error.call == "lsetxattr", error.errno == EINVAL, error.path?.hasSuffix(" security.capability") == true,
           (scenario.lowers + [scenario.upper].compactMap { $0 }).contains(where: { $0.holdsEmpty("security.capability") }) {
            return "the kernel refuses to store an empty security.capability (lsetxattr: EINVAL), so these layers cannot be made"
        }
        return nil
    }

    /// `/sys/module/overlay/parameters/*` as the model needs them.
    static func moduleDefaults() -> ModuleDefaults {
        func flag(_ name: String) -> Bool {
            let text = (try? Files.read("/sys/module/overlay/parameters/" + name)).map { String(decoding: $0, as: UTF8.self) }
            return text?.hasPrefix("Y") ?? false
        }
        // dir.c: `ushort` redirect_max; 256 (its default) if the file cannot be read.
        let redirectMax = (try? Files.read("/sys/module/overlay/parameters/redirect_max"))
            .flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 256
        return ModuleDefaults(redirectDir: flag("redirect_dir"), redirectAlwaysFollow: flag("redirect_always_follow"),
                              index: flag("index"), nfsExport: flag("nfs_export"), xinoAuto: flag("xino_auto"),
                              metacopy: flag("metacopy"), redirectMax: redirectMax)
    }

    /// The link protections under `/proc/sys/fs` (Debian's value for one that cannot be read).
    static func sysctls() -> Sysctls {
        func value(_ name: String, _ fallback: Int) -> Int {
            (try? Files.read("/proc/sys/fs/" + name)).flatMap {
                Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            } ?? fallback
        }
        let d = Sysctls.debian
        return Sysctls(protectedSymlinks: value("protected_symlinks", d.protectedSymlinks),
                       protectedHardlinks: value("protected_hardlinks", d.protectedHardlinks),
                       protectedFifos: value("protected_fifos", d.protectedFifos),
                       protectedRegular: value("protected_regular", d.protectedRegular))
    }

    /// `/proc/sys/kernel/tainted` (a bit mask; 0 when unreadable).
    static func tainted() -> UInt64 {
        let text = (try? Files.read("/proc/sys/kernel/tainted")).map { String(decoding: $0, as: UTF8.self) }
        return UInt64(text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// `uname -r`, with Debian's upstream version when the release hides it (``KernelVersion/guestRelease(release:version:)``).
    static func kernelRelease() -> String {
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let version = withUnsafeBytes(of: &u.version) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return KernelVersion.guestRelease(release: release, version: version)
    }
}


/// The kernel log lines of one job, gathered while it runs.
final class JobKernelLog {
    private var lines: [String] = []

    func add(_ more: [String]) { lines += more }

    /// What the host needs to judge the kernel during the job, or nil when the kernel logged
    /// nothing beyond the job's own begin marker and the taint did not change.
    func kept(taintBefore: UInt64, taintAfter: UInt64) -> KernelSlice? {
        let own = lines.filter { !$0.hasPrefix("ovl-conform: begin job ") }
        guard !own.isEmpty || taintBefore != taintAfter else { return nil }
        return KernelSlice(taintBefore: taintBefore, taintAfter: taintAfter, lines: lines)
    }
}
