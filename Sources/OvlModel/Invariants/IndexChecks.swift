extension LayerSet {
    /// Index entries `namei.c:ovl_verify_index` would fail (R62): a name that is not the hex of
    /// an `ovl_fb`, a non-directory entry whose `X.origin` is not that handle, a directory entry
    /// without `X.upper`. Whiteouts (nfs_export's stale-handle markers, R68) and `#` leftovers
    /// are fine. A mount with index=on cleans these up itself; fsck leaves them uncorrected.
    func staleIndexEntries() -> [Finding] {
        guard let workdir else { return [] }
        let index = RelPath(components: ["index"])
        var out: [Finding] = []
        for name in workdir.children(of: index) where !name.hasPrefix("#") {
            let path = index.appending(name)
            guard let node = workdir[path], node.kind != .whiteout else { continue }
            var why: String?
            if let fb = FileHandleShape.hexBytes(name), !fb.isEmpty {
                if let bad = FileHandleShape.invalidReason(fb) {
                    why = "name is not an ovl_fb: " + bad
                } else if node.kind.isDir {
                    if node.xattrs[prefix[.upper]] == nil { why = "directory entry without \(prefix[.upper])" }
                } else if let origin = node.xattrs[prefix[.origin]] {
                    if origin != XattrPattern.fileHandle, FileHandleShape.bytes(ofRendered: origin) != fb {
                        why = "\(prefix[.origin]) \(origin) is not the handle its name encodes"
                    }
                } else {
                    why = "no \(prefix[.origin])"
                }
            } else {
                why = "name is not the hex of an ovl_fb"
            }
            if let why {
                out.append(Finding(problem: .staleIndex, layer: .workdir, path: path, subject: "index entry", detail: why))
            }
        }
        return out
    }
}
