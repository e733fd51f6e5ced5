import OvlModel

extension Checker {
    /// A dumped tree with the names the kernel makes up renamed to the placeholders a prediction
    /// gives them: in a workdir that lies inside a lower (``OvlModel/OverlayModel/workdirFolders``)
    /// an index entry is named by a handle in hex (`00fb…`) and a spare whiteout `#<hex>`
    /// (`util.c:ovl_lookup_temp`). In each folder the predicted placeholders and the observed names
    /// of the same kind that the prediction lacks are paired in the order of their type and data.
    static func withPlaceholderNames(_ observed: TreeView, as predicted: TreeView) -> TreeView {
        var out = observed
        let placeholders = predicted.keys.filter { Self.placeholderKind($0.components.last ?? "") != nil }
        for parent in Set(placeholders.map(\.parent)) {
            for kind in [XattrPattern.fileHandle, XattrPattern.tempName] {
                let order: (RelPath, RelPath, TreeView) -> Bool = { a, b, t in
                    let ka = "\(t[a]?.type.rawValue ?? "") \(t[a]?.data ?? "") \(a)", kb = "\(t[b]?.type.rawValue ?? "") \(t[b]?.data ?? "") \(b)"
                    return ka < kb
                }
                let named = placeholders.filter { $0.parent == parent && Self.placeholderKind($0.components.last ?? "") == kind }
                    .sorted { order($0, $1, predicted) }
                let made = observed.keys.filter { $0.parent == parent && predicted[$0] == nil && Self.madeUpKind($0.components.last ?? "") == kind }
                    .sorted { order($0, $1, observed) }
                for (p, o) in zip(named, made) {
                    out[o] = nil
                    out[p] = observed[o]
                }
            }
        }
        return out
    }

    /// Which placeholder a predicted name is, if any.
    static func placeholderKind(_ name: String) -> String? {
        name == XattrPattern.tempName ? XattrPattern.tempName : name.hasPrefix(XattrPattern.fileHandle) ? XattrPattern.fileHandle : nil
    }

    /// Which placeholder an observed name made up by the kernel stands for, if any.
    static func madeUpKind(_ name: String) -> String? {
        if name.hasPrefix("#") { return XattrPattern.tempName }
        return name.hasPrefix("00fb") && name.allSatisfy(\.isHexDigit) ? XattrPattern.fileHandle : nil
    }
}
