import Foundation

/// The guest's ext4 and xfs filesystems (and, for `layer_fs:` cases, a small ext4 without d_type and
/// one with the ext4 disk's UUID),
/// made once per kernel cache on the host (vm/make-images.sh) and attached read-only-in-effect:
/// QEMU's snapshot mode drops every write at power-off.
public struct DiskImages: Sendable, Equatable {
    /// `/dev/vda` in the guest.
    public var ext4: String
    /// `/dev/vdb` in the guest.
    public var xfs: String
    /// `/dev/vdc` in the guest: ext4 made without the filetype feature (R28).
    public var ext4NoDType: String
    /// `/dev/vdd` in the guest: a small ext4 with ext4.img's UUID (R12, `super.c:ovl_lower_uuid_ok`).
    public var ext4Twin: String
    /// `/dev/vde` and `/dev/vdf` in the guest: an ext4 and an xfs that hold lower layers and are
    /// remounted read-only while the overlay is mounted (`layer_fs: {lower: ext4-ro}`).
    public var ext4RO: String
    public var xfsRO: String

    /// Makes (or finds) the images for `kernel`.
    /// - Throws: ``HarnessError`` (setup) when mkfs fails or is missing.
    public static func make(kernel: KernelImage, repo: RepoLayout) throws -> DiskImages {
        try make(cacheDir: kernel.directory, repo: repo)
    }

    /// Makes (or finds) the images in `cacheDir/images/<stamp>` (``make(kernel:repo:)``).
    public static func make(cacheDir: String, repo: RepoLayout) throws -> DiskImages {
        let r = try Shell.run("/bin/bash", [repo.path("vm/make-images.sh"), cacheDir])
        guard r.status == 0 else { throw HarnessError(.setup, r.failure) }
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return DiskImages(ext4: dir + "/ext4.img", xfs: dir + "/xfs.img", ext4NoDType: dir + "/ext4-nodtype.img",
                          ext4Twin: dir + "/ext4-twin.img", ext4RO: dir + "/ext4-ro.img", xfsRO: dir + "/xfs-ro.img")
    }

    /// The folder holding the images.
    public var folder: String { (ext4 as NSString).deletingLastPathComponent }

    /// QEMU's `-drive` arguments, in the guest's device order (vda … vdf).
    public var qemuArguments: [String] {
        [ext4, xfs, ext4NoDType, ext4Twin, ext4RO, xfsRO].flatMap { ["-drive", "file=\($0),format=raw,if=virtio,snapshot=on"] }
    }
}
