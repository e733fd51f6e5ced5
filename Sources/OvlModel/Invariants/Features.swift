/// Which overlay features a set of layers uses, grouped by what a mount without them does
/// (the seed's ext4-like scheme): compatible features can be ignored, read-only-compatible ones
/// only matter when writing, incompatible ones change what a reader sees.
public struct LayerFeatures: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `origin` (R45), `impure` (R46).
    public var compatible: [String] = []
    /// `index` (R61, W/index entries), `nfs_export` (directory index entries or index whiteouts, R66–R68).
    public var readOnlyCompatible: [String] = []
    /// `redirect_dir` (R48–R51), `metacopy` (R77–R81).
    public var incompatible: [String] = []

    /// No feature in use.
    public init() {}

    /// The mount options a writable mount of these layers needs to show what they hold.
    public var neededOptions: [String] {
        var o: [String] = []
        if incompatible.contains("redirect_dir") { o.append("redirect_dir=on") }
        if incompatible.contains("metacopy") { o.append("metacopy=on") }
        if readOnlyCompatible.contains("index") { o.append("index=on") }
        if readOnlyCompatible.contains("nfs_export") { o.append("nfs_export=on") }
        return o
    }

    public var description: String {
        func line(_ title: String, _ names: [String]) -> String { "\(title): \(names.isEmpty ? "-" : names.joined(separator: " "))" }
        return [line("compatible", compatible), line("ro-compatible", readOnlyCompatible),
                line("incompatible", incompatible), line("mount options needed", neededOptions)].joined(separator: "\n")
    }
}

extension LayerSet {
    /// The features these layers use: the private xattrs present in the upper (and lowers, for
    /// metacopy and redirect: a lower may be a former upper) and the index entries.
    public func features() -> LayerFeatures {
        var names = Set<String>()
        for layer in [upper].compactMap({ $0 }) + lowers {
            for node in [layer.root] + Array(layer.entries.values) { names.formUnion(node.xattrs.keys) }
        }
        var f = LayerFeatures()
        if names.contains(prefix[.origin]) { f.compatible.append("origin") }
        if names.contains(prefix[.impure]) { f.compatible.append("impure") }
        let index = RelPath(components: ["index"])
        if let w = workdir, !w.children(of: index).isEmpty {
            f.readOnlyCompatible.append("index")
            let entries = w.children(of: index).compactMap { w[index.appending($0)] }
            if entries.contains(where: { $0.kind.isDir || $0.kind == .whiteout }) { f.readOnlyCompatible.append("nfs_export") }
        }
        if names.contains(prefix[.redirect]) { f.incompatible.append("redirect_dir") }
        if names.contains(prefix[.metacopy]) { f.incompatible.append("metacopy") }
        return f
    }
}
