import Foundation

/// The guest's initramfs: the cached base archive plus a second cpio holding the fresh overlay.ko.
public enum Initramfs {
    /// Writes `<dir>/initrd` and returns its path.
    /// - Parameter module: the overlay.ko under test; nil when the kernel has overlay built in.
    public static func make(kernel: KernelImage, module: String?, in dir: String, repo: RepoLayout) throws -> String {
        let base = try Shell.run("/bin/bash", [repo.path("vm/make-initramfs.sh"), kernel.directory])
        guard base.status == 0 else { throw HarnessError(.setup, base.failure) }
        let basePath = base.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let initrd = dir + "/initrd"
        guard let module else {
            try? FileManager.default.removeItem(atPath: initrd)
            try FileManager.default.copyItem(atPath: basePath, toPath: initrd)
            return initrd
        }
        let stage = dir + "/module-stage"
        try? FileManager.default.removeItem(atPath: stage)
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: module, toPath: stage + "/overlay.ko")
        let cpio = try Shell.run("/bin/bash", ["-c", "cd \"$1\" && echo overlay.ko | cpio -o -H newc --quiet > ../module.cpio", "sh", stage])
        guard cpio.status == 0 else { throw HarnessError(.setup, "cpio failed: \(cpio.failure) (apt-get install cpio)") }
        var data = try Data(contentsOf: URL(fileURLWithPath: basePath))
        data.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/module.cpio")))
        try data.write(to: URL(fileURLWithPath: initrd))
        try? FileManager.default.removeItem(atPath: stage)
        return initrd
    }
}
