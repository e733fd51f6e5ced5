/// An upper or a workdir that is a directory of a lower layer (``Scenario/upperInLower``,
/// ``Scenario/workInLower``, R7).
extension OverlayModel {
    /// The lower directories that are trap inodes of this mount, as (layer, path): the upper root
    /// (`super.c:ovl_get_upper` → `ovl_setup_trap`), the workdir and its `work/`
    /// (`ovl_get_workdir`, `ovl_make_workdir`) when they lie inside a lower. The mount does not
    /// refuse them (`ovl_check_layer` looks for traps above lowers only), but
    /// `namei.c:ovl_lookup_single` meets them when a lookup reaches such a directory through the
    /// lower: ELOOP "Caught in a trap of overlapping layers" (the same on 6.1.192, 6.12.118 and
    /// 6.18.44).
    var lowerTraps: [(layer: Int, path: RelPath)] {
        guard upper != nil else { return [] }
        var traps: [(layer: Int, path: RelPath)] = []
        if let at = upperInLower { traps.append((at.host, at.path)) }
        if let at = workInLower { traps += [(at.host, at.path), (at.host, at.path.appending("work"))] }
        return traps
    }

    /// Lower layer `k` as it is on disk with the upper or the workdir inside it: the upper's
    /// current contents at its place (the overlay writes them there); in the workdir the `work/`
    /// the mount made (mode 0, R8), which also gives the workdir a new mtime and link.
    func withFoldersInside(_ k: Int, _ view: TreeView) -> TreeView {
        var out = view
        if let at = upperInLower, at.host == k, let upper {
            out = out.filter { !$0.key.hasPrefix(at.path) }
            for (path, var v) in layerView(upper) {
                let there = RelPath(components: at.path.components + path.components)
                // The upper's objects keep their own inodes; reading them through the overlay may
                // touch their atimes, which R75 does not cover.
                v.ino = view[there]?.ino
                v.atime = nil
                out[there] = v
            }
        }
        if let at = workInLower, at.host == k, workMade, lowers[k][at.path.appending("work")] == nil {
            out[at.path]?.mtime = nil
            out[at.path]?.atime = nil
            if let n = out[at.path]?.nlink { out[at.path]?.nlink = n + 1 }
            out[at.path.appending("work")] = EntryView(type: .dir, perm: 0, uid: 0, gid: 0, nlink: 2, xattrs: [:])
        }
        return out
    }
}
