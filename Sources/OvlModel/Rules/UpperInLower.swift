/// An upper that is a directory of a lower layer (``Scenario/upperInLower``, R7).
extension OverlayModel {
    /// The lower directories that are trap inodes of this mount, as (layer, path): the upper root
    /// when it lies inside a lower (`super.c:ovl_get_upper` → `ovl_setup_trap`). The mount does
    /// not refuse it (`ovl_check_layer` looks for traps above lowers only), but
    /// `namei.c:ovl_lookup_single` meets it when a lookup reaches that directory through the
    /// lower: ELOOP "Caught in a trap of overlapping layers" (the same on 6.1.192, 6.12.118 and
    /// 6.18.44).
    var lowerTraps: [(layer: Int, path: RelPath)] {
        guard let at = upperInLower, upper != nil else { return [] }
        return [(at.host, at.path)]
    }

    /// Lower layer `k` as it is on disk with the upper inside it: the upper's current contents
    /// at its place (the overlay writes them there), the lower's own entries elsewhere.
    func withUpperInside(_ k: Int, _ view: TreeView) -> TreeView {
        guard let at = upperInLower, at.host == k, let upper else { return view }
        var out = view.filter { !$0.key.hasPrefix(at.path) }
        for (path, var v) in layerView(upper) {
            let there = RelPath(components: at.path.components + path.components)
            // The upper's objects keep their own inodes; reading them through the overlay may
            // touch their atimes, which R75 does not cover.
            v.ino = view[there]?.ino
            v.atime = nil
            out[there] = v
        }
        return out
    }
}
