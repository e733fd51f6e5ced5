/// Whether a regular file's blocks are shared with another file by a reflink clone (R44).
public enum ExtentSharing: Codable, Sendable, Equatable {
    /// A copy-up cloned this upper file from that lower data file, so it shares all its blocks,
    /// except, with `lastBlockCopied`, its last partial block, which the copy-up rewrote since.
    case clonedFrom(InodeRef, lastBlockCopied: Bool)
    /// Data was written into a clone of that lower file since: some blocks may be its own now.
    case diverged(from: InodeRef)

    /// The lower file the blocks came from.
    var source: InodeRef {
        switch self {
        case .clonedFrom(let ref, _), .diverged(let ref): ref
        }
    }
}

extension OverlayModel {
    /// True when a data copy-up clones: `copy_up.c:ovl_copy_up_file` calls `vfs_clone_file_range`
    /// first, which works within one filesystem that can remap blocks — xfs, whose mkfs makes
    /// `reflink=1` by default — and is EXDEV across filesystems and EOPNOTSUPP on ext4; then the
    /// data is copied with `do_splice_direct`, skipping holes (6.12 has no `copy_file_range` step).
    var copyUpClones: Bool { environment.samefs && environment.upperLayerFS.reflinks }

    /// The lower file a resolution reads its data from: the last regular file that is not a
    /// metacopy file (R78), nil for an upper or non-regular object.
    func lowerDataFile(_ r: Resolution) -> (layer: Int, path: RelPath)? {
        r.lowers.last { l in
            guard let n = lowers[l.layer][l.path], case .file = n.kind else { return false }
            return !isMetacopy(n)
        }
    }

    /// R44: the data of `r` was just copied into upper `path`: cloned, so sharing the lower's
    /// blocks, where ``copyUpClones``.
    /// - Parameter setsSize: the copy-up then sets the upper file's size (a full copy-up:
    ///   `copy_up.c:ovl_copy_up_metadata` calls `ovl_set_size` for every regular file in 6.12).
    ///   Setting even the same size makes xfs zero the rest of the last block past EOF
    ///   (`xfs_setattr_size` → `xfs_truncate_page`), a write that copies that shared block: a
    ///   file whose size is not a multiple of the block size keeps its last block to itself
    ///   (seen on 6.12). The data copy-up of a metacopy file clones into a file already sized
    ///   (`ovl_copy_up_meta_inode_data`) and shares every block.
    mutating func noteDataCopy(_ path: RelPath, from r: Resolution, setsSize: Bool) {
        guard let u = upper?[path], case .file = u.kind, !isMetacopy(u) else { return }
        let source = copyUpClones ? lowerDataFile(r).map { ExtentSharing.clonedFrom(lowerRef($0.layer, $0.path), lastBlockCopied: setsSize) } : nil
        upper?[path]?.extentSharing = source
        syncInode(from: path)
    }

    /// Data written into upper `path` (`truncatedToZero`: the file was emptied first, so it owns
    /// every block it has then): a clone's written blocks are copied on write, no longer shared.
    mutating func noteDataWrite(_ path: RelPath, truncatedToZero: Bool) {
        guard let sharing = upper?[path]?.extentSharing else { return }
        upper?[path]?.extentSharing = truncatedToZero ? nil : .diverged(from: sharing.source)
    }

    /// True when two lower refs name one real inode: one path, or two hard links of one layer.
    func sameLowerInode(_ a: InodeRef, _ b: InodeRef) -> Bool {
        if a == b { return true }
        guard case .lower(let la, let pa) = a, case .lower(let lb, let pb) = b, la == lb,
              let ia = lowers[la][pa]?.inode, let ib = lowers[lb][pb]?.inode else { return false }
        return ia == ib
    }

    /// `fiemap_shared`: `inode.c:ovl_fiemap` maps the real *data* inode (`ovl_inode_realdata`:
    /// the upper file, or the lower data file of a lower or metacopy file); the step reports
    /// whether its extents carry `FIEMAP_EXTENT_SHARED`.
    ///
    /// - Rule: R44. An upper file cloned at copy-up shares its blocks (but see
    ///   ``noteDataCopy(_:from:setsSize:)``) with its lower data file, whose blocks are shared
    ///   as long as a clone of them exists (an upper name or an index entry); a copied or newly
    ///   written file owns its blocks. A file with no data blocks (empty, all hole, a metacopy
    ///   upper) has no extents. Once data was written into a clone, which blocks are still
    ///   shared is the filesystem's business: not predicted.
    mutating func fiemapShared(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            // Only regular files have `fiemap` in overlayfs' inode operations (ioctl_fiemap).
            guard case .file = r.node.kind else { return .failed(.EOPNOTSUPP) }
            let dataInUpper = r.inUpper && !(upper?[p].map(isMetacopy) ?? false)
            let dataBlocks: Set<Int64>
            var shared = Set<Int64>()
            var clones: [Node] = []
            if dataInUpper, let u = upper?[p] {
                dataBlocks = Self.blocks(u)
                clones = [u]
            } else if let l = lowerDataFile(r), let node = lowers[l.layer][l.path] {
                dataBlocks = Self.blocks(node)
                let ref = lowerRef(l.layer, l.path)
                clones = (Array(upper?.entries.values ?? [:].values) + Array(index.values)).filter {
                    $0.extentSharing.map { sameLowerInode($0.source, ref) } ?? false
                }
            } else {
                unpredicted = "fiemap_shared of \(p): its data file is not known"
                return .failed(.EIO)
            }
            for clone in clones {
                switch clone.extentSharing {
                case nil: break
                case .diverged:
                    unpredicted = "fiemap_shared of \(p), a clone written to since: which blocks it still shares is the filesystem's choice"
                    return .failed(.EIO)
                case .clonedFrom(_, let lastBlockCopied):
                    var own = Self.blocks(clone)
                    let size = clone.size ?? 0
                    if lastBlockCopied, size % SparseFile.blockSize != 0 { own.remove((size - 1) / SparseFile.blockSize) }
                    shared.formUnion(own)
                }
            }
            if dataBlocks.isEmpty { return .ok(.text("no extents")) }
            if dataBlocks.isSubset(of: shared) { return .ok(.text("shared")) }
            return .ok(.text(dataBlocks.isDisjoint(with: shared) ? "unshared" : "partly shared"))
        }
    }

    /// The numbers of the blocks that hold data of regular file `node`.
    static func blocks(_ node: Node) -> Set<Int64> {
        var out = Set<Int64>()
        for s in node.content?.segments ?? [] {
            let first = s.offset / SparseFile.blockSize
            let last = (s.offset + s.length - 1) / SparseFile.blockSize
            out.formUnion(first...last)
        }
        return out
    }
}
