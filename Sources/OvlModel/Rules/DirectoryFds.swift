/// Where getdents64 on a named directory fd stands (R26).
///
/// `readdir.c`: a merged directory's fd reads from a cache of the merged entries
/// (`ovl_cache_get`), kept per open file (`od->cache`, `od->cursor`) with the directory's version
/// (`util.c:ovl_dir_modified` bumps it on every create, remove and rename through the overlay).
/// Only a read (or lseek) at offset 0 looks at the version again (`ovl_dir_reset`): the stale
/// cache is dropped and the next read builds it anew.
struct DirectoryPosition: Sendable, Equatable {
    /// A read ran to the end of the listing; nothing was seeked since.
    var atEnd = false
    /// The last read at offset 0 went straight to the real upper directory (`od->is_real` with an
    /// upper): what a read past its end shows after a change is the upper fs's business.
    var readsRealUpper = false

    /// `lseek(SEEK_SET, …)` on the directory: the fd's offset says where the next read starts.
    mutating func seeked() {
        atEnd = false
    }
}

extension OverlayModel {
    /// `getdents64` on named fd `fd` from its offset to the end.
    ///
    /// - Rule: R26. `readdir.c:ovl_iterate`: at offset 0 `ovl_dir_reset` drops a cache whose
    ///   version is older than the directory's and switches a real directory that has since been
    ///   copied up to the merged read, so the read shows the directory as it is now (the same
    ///   listing a fresh `readdir` shows). At the end of the listing the cursor stays at the end of
    ///   the fd's own cache (`od->cursor`), so a second read without a rewind shows nothing — also
    ///   for entries created since. A read from another offset serves the rest of the fd's cached
    ///   list in the layers' readdir order (`ovl_seek_cursor`), which the model does not follow.
    mutating func readdirFd(_ fd: String, _ file: OpenFile) -> Outcome {
        guard file.flags.reads else { return .failed(.EBADF) }
        let now: Resolution
        switch lookup(file.path) {
        case .success(let r): now = r
        case .failure(let e):
            unpredicted = unpredicted ?? "fd_readdir of \(file.path), a directory removed or renamed since open"
            return .failed(e)
        }
        guard now.node.kind.isDir else { return .failed(.ENOTDIR) }
        if file.dir.atEnd {
            if file.dir.readsRealUpper {
                unpredicted = unpredicted ?? "fd_readdir past the end of \(file.path), read from its real upper directory: the upper fs decides"
            }
            return .ok(.dirents([:]))
        }
        if file.offset != 0 {
            unpredicted = unpredicted ?? "fd_readdir of \(file.path) from offset \(file.offset): the cached entries' order is the layers' readdir order"
            return .ok(.dirents([:]))
        }
        let realUpper = readsReal(file.path, now) && now.inUpper
        openFiles[fd]?.dir = DirectoryPosition(atEnd: true, readsRealUpper: realUpper)
        return readdir(file.path)
    }
}
