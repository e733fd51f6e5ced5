import Foundation

/// A developer's own built kernel tree (`--kernel-tree DIR`): its bzImage, its release, and where
/// overlayfs is — built in, or `fs/overlayfs/overlay.ko`.
public struct KernelTree: Sendable, Equatable {
    /// How the tree provides overlayfs.
    public enum Overlay: Sendable, Equatable {
        /// `CONFIG_OVERLAY_FS=y`: nothing to load.
        case builtIn
        /// `CONFIG_OVERLAY_FS=m`: the built module.
        case module(String)
    }

    public var root: String
    public var bzImage: String
    /// `include/config/kernel.release`, e.g. `6.12.9-dirty`.
    public var release: String
    public var overlay: Overlay
    /// `CONFIG_MODULES=y`: the guest's other modules (9p, ext4, xfs…) come from `modules_install`.
    public var hasModules: Bool

    /// Finds the artifacts of a built tree.
    /// - Throws: ``HarnessError`` (setup) naming what is missing and how to get it.
    public static func locate(_ path: String) throws -> KernelTree {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        func read(_ relative: String) -> String? {
            (try? String(contentsOfFile: root + "/" + relative, encoding: .utf8))
        }
        guard let config = read(".config") else {
            throw HarnessError(.setup, "\(root) is not a configured kernel tree (no .config)")
        }
        let bzImage = root + "/arch/x86/boot/bzImage"
        guard fm.fileExists(atPath: bzImage) else {
            throw HarnessError(.setup, "\(root) has no arch/x86/boot/bzImage: build the tree first (make -j$(nproc))")
        }
        guard let release = read("include/config/kernel.release")?.trimmingCharacters(in: .whitespacesAndNewlines),
              !release.isEmpty else {
            throw HarnessError(.setup, "\(root) has no include/config/kernel.release: build the tree first")
        }
        let options = Set(config.split(separator: "\n").map(String.init))
        let overlay: Overlay
        if options.contains("CONFIG_OVERLAY_FS=y") {
            overlay = .builtIn
        } else if options.contains("CONFIG_OVERLAY_FS=m") {
            let ko = root + "/fs/overlayfs/overlay.ko"
            guard fm.fileExists(atPath: ko) else {
                throw HarnessError(.setup, "\(root): CONFIG_OVERLAY_FS=m but fs/overlayfs/overlay.ko is not built (make modules)")
            }
            overlay = .module(ko)
        } else {
            throw HarnessError(.setup, "\(root): overlayfs is not configured (set CONFIG_OVERLAY_FS=y or m)")
        }
        return KernelTree(root: root, bzImage: bzImage, release: release, overlay: overlay,
                          hasModules: options.contains("CONFIG_MODULES=y"))
    }

    /// Lays the tree out as a kernel cache folder (`kver`, `root/boot/vmlinuz-<release>`, its
    /// installed modules) so the initramfs and disk images are made as for a Debian kernel.
    /// - Throws: ``HarnessError`` (setup) when `modules_install` fails.
    public func prepare(repo: RepoLayout) throws -> KernelImage {
        let r = try Shell.run("/bin/bash", [repo.path("vm/prepare-kernel-tree.sh"), root, bzImage, release, hasModules ? "1" : "0"])
        guard r.status == 0 else { throw HarnessError(.setup, r.failure) }
        return KernelImage(directory: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), release: release)
    }

    /// The module to append to the initramfs (nil when overlay is built in).
    public var moduleFile: String? {
        if case .module(let ko) = overlay { return ko }
        return nil
    }
}
