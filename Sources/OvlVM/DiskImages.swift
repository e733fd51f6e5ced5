import Foundation

/// The guest's ext4 and xfs filesystems, made once per kernel cache on the host (vm/make-images.sh)
/// and attached read-only-in-effect: QEMU's snapshot mode drops every write at power-off.
public struct DiskImages: Sendable, Equatable {
    /// `/dev/vda` in the guest.
    public var ext4: String
    /// `/dev/vdb` in the guest.
    public var xfs: String

    /// Makes (or finds) the images for `kernel`.
    /// - Throws: ``HarnessError`` (setup) when mkfs fails or is missing.
    public static func make(kernel: KernelImage, repo: RepoLayout) throws -> DiskImages {
        let r = try Shell.run("/bin/bash", [repo.path("vm/make-images.sh"), kernel.directory])
        guard r.status == 0 else { throw HarnessError(.setup, r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return DiskImages(ext4: dir + "/ext4.img", xfs: dir + "/xfs.img")
    }

    /// QEMU's `-drive` arguments, in the guest's device order (vda, vdb).
    public var qemuArguments: [String] {
        [ext4, xfs].flatMap { ["-drive", "file=\($0),format=raw,if=virtio,snapshot=on"] }
    }
}
