import OvlVM

/// Why a guest boot produced no records at all, as a harness error with its exit status.
enum BootFailure {
    /// The console line `vm/init` prints when `insmod overlay.ko` fails.
    static let moduleLoadFailed = "ovl-init: MODULE-LOAD-FAILED"

    /// overlay.ko that does not load makes the commit untestable (exit 125, `git bisect run` skips
    /// it), and so does a developer's kernel tree that does not boot to the agent (`--kernel-tree`:
    /// the commit's kernel is at fault); any other failure to reach the agent is a broken setup (exit 128).
    static func diagnose(console: String, end: BootEnd, bootDir: String, kernelTree: Bool = false, host: Bool = false) -> HarnessError {
        if host {
            let how = switch end {
            case .timedOut: "no record before the start timeout"
            case .signaled(let signal): "unshare was killed by signal \(signal)"
            case .exited: "vm/host-init exited"
            }
            return HarnessError(.setup, "the host run did not start the agent (\(how)); console: \(bootDir)/console.log\n"
                                + console.split(separator: "\n").suffix(20).joined(separator: "\n"))
        }
        if console.contains(moduleLoadFailed) {
            return HarnessError(.untestable, "overlay.ko did not load in the guest (insmod failed); console: "
                                + "\(bootDir)/console.log\n" + ConsoleLog.excerpt(console))
        }
        let how = switch end {
        case .timedOut: "no record before the boot timeout"
        case .signaled(let signal): "QEMU was killed by signal \(signal)"
        case .exited: "the guest powered off"
        }
        if kernelTree {
            return HarnessError(.untestable, "the kernel tree's kernel did not boot to the agent (\(how)); console: "
                                + "\(bootDir)/console.log\n" + ConsoleLog.excerpt(console))
        }
        return HarnessError(.setup, "the guest did not start the agent (\(how)); console: \(bootDir)/console.log\n"
                            + ConsoleLog.excerpt(console))
    }
}
