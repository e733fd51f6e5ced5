import OvlModel
import OvlProtocol
import OvlSys

/// The read-only lower filesystems of one job (``LayerFilesystem/sealing``): made read-only after
/// the layers are built and the case's fsck has run, writable again for an offline change and at
/// the job's end.
final class SealedLayers {
    /// Layer folders with an image or an overlay mounted over them.
    private var imageMounts: [String] = []
    /// Filesystem roots remounted read-only.
    private var readOnlyRoots: [String] = []

    /// Seals every lower folder of `job` whose filesystem asks for it: remounts its filesystem
    /// read-only, packs the folder with the filesystem's mkfs and mounts the image over it, or
    /// mounts a read-only overlay of the folder (over an empty folder) over it.
    /// - Throws: ``HarnessFault`` when mkfs fails; ``SysError`` when the kernel refuses a mount
    ///   (ENODEV: the kernel lacks the filesystem, which ``GuestAgent/unsupported(_:_:)`` reports).
    func seal(_ job: Job, dirs: [String]) throws {
        for (k, dir) in dirs.enumerated() where !job.scenario.nestedLowers.contains(where: { $0.layer == k }) {
            let fs = LayerFilesystem.named(job.config.lower(k))
            switch fs.sealing {
            case nil: continue
            case .remountReadOnly:
                let root = "\(GuestAgent.fsRoot)/\(fs.name)"
                guard !readOnlyRoots.contains(root) else { continue }
                try Mount.remountSuperblock(root, readOnly: true)
                readOnlyRoots.append(root)
            case .image(let packer):
                let image = dir + ".img"
                if (try? Files.stat(image)) != nil { try Files.unlink(image) }
                let argv = packer.arguments(folder: dir, image: image)
                let (status, output) = try Processes.spawn(argv)
                guard status == 0 else {
                    throw HarnessFault("\(argv.joined(separator: " ")) exited \(status): \(output.suffix(400))")
                }
                try Mount.mount(type: fs.driver, source: image, target: dir, options: "loop", readOnly: true)
                imageMounts.append(dir)
            case .overlay:
                // Without an upper overlayfs wants two lowers ("at least 2 lowerdir are needed while
                // upperdir nonexistent"): the folder over an empty one next to it.
                let empty = dir + ".empty"
                if (try? Files.stat(empty)) == nil { try Files.mkdir(empty, mode: 0o755) }
                try Mount.mount(type: fs.driver, source: "overlay", target: dir, options: "lowerdir=\(dir):\(empty)", readOnly: true)
                imageMounts.append(dir)
            }
        }
    }

    /// Unmounts the images (their loop devices go with them: autoclear) and overlays, and makes the remounted
    /// filesystems writable again.
    func unseal() throws(SysError) {
        for dir in imageMounts.reversed() { try Mount.unmount(dir) }
        imageMounts = []
        for root in readOnlyRoots { try Mount.remountSuperblock(root, readOnly: false) }
        readOnlyRoots = []
    }
}
