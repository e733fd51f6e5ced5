import Foundation
import OvlModel
import Yams

/// Turns the `layers:` section of a case into ``OvlModel/Layer`` values.
struct LayerParser {
    let reader: NodeReader

    static let entryKeys = ["type", "data", "mode", "uid", "gid", "mtime", "xattrs", "target", "major", "minor", "opaque", "hole", "host_file", "verity"]
    static let rootKeys = ["type", "mode", "uid", "gid", "mtime", "xattrs", "opaque"]
    static let types = ["file", "dir", "symlink", "whiteout", "fifo", "chardev", "blockdev", "hardlink"]

    /// Parses `layers:` into the lowers (top first, data-only layers last), the upper (nil for
    /// `upper: none`), the lowers given as `@N/path` (directory `path` of lower layer N:
    /// overlapping layers), the workdir's contents (`index/…`, `work/…`; nil when not given) and
    /// how many data-only layers `data:` listed, and where the upper lies when given as `@N/path`
    /// (directory `path` of lower layer N, which then holds the upper's contents); likewise the
    /// workdir, whose contents leave out an upper at or inside its folder.
    func parseLayers(_ node: YNode) throws(CaseError) -> (lowers: [Layer], upper: Layer?, nested: [NestedLayer], workdir: Layer?,
                                                         dataLayers: Int, upperSpot: LayerSpot?, workSpot: LayerSpot?) {
        let fields = try reader.fields(node, allowed: ["lower", "upper", "workdir", "data"])
        let lowerNode = try fields.required("lower")
        let items = try reader.sequence(lowerNode)
        guard !items.isEmpty else {
            throw reader.error("'lower' needs at least one layer", at: lowerNode)
        }
        var lowers: [Layer] = []
        var references: [(index: Int, node: YNode, text: String)] = []
        for (index, item) in items.enumerated() {
            if case let .scalar(scalar) = item, scalar.string.hasPrefix("@") {
                references.append((index, item, String(scalar.string.dropFirst())))
                lowers.append(Layer())
            } else {
                lowers.append(try parseLayer(item))
            }
        }
        var nested: [NestedLayer] = []
        for (index, refNode, text) in references {
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let host = Int(parts[0]), lowers.indices.contains(host),
                  !references.contains(where: { $0.index == host }),
                  let path = RelPath(parsing: parts[1])?.withoutTrailingSlash, !path.isRoot,
                  lowers[host][path]?.kind == .dir else {
                throw reader.error("'@\(text)' should name a dir of another listed lower layer, like '@0/sub'", at: refNode)
            }
            lowers[index] = lowers[host].subtree(at: path)
            nested.append(NestedLayer(layer: index, host: host, path: path))
        }
        // `data:` lists data-only layers (R83), mounted after `::`, appended to the lowers.
        var dataLayers = 0
        if let dataNode = fields["data"] {
            for item in try reader.sequence(dataNode) {
                lowers.append(try parseLayer(item))
                dataLayers += 1
            }
        }
        var upper: Layer? = Layer()
        var upperSpot: LayerSpot?
        if let upperNode = fields["upper"] {
            if case let .scalar(scalar) = upperNode, scalar.string == "none" {
                upper = nil
            } else if case let .scalar(scalar) = upperNode, scalar.string.hasPrefix("@") {
                let spot = try spotInLower(scalar.string, lowers: lowers, dataLayers: dataLayers, at: upperNode)
                upper = lowers[spot.host].subtree(at: spot.path)
                upperSpot = spot
            } else if case .mapping = upperNode {
                upper = try parseLayer(upperNode)
                try refuseVerity(upper, in: upperNode, layer: "the upper layer")
            } else {
                throw reader.error("expected a mapping or 'none', found \(reader.kindName(upperNode))", at: upperNode)
            }
        }
        var workSpot: LayerSpot?
        let workdir = try fields["workdir"].map { (n) throws(CaseError) in
            if case let .scalar(scalar) = n, scalar.string.hasPrefix("@") {
                let spot = try spotInLower(scalar.string, lowers: lowers, dataLayers: dataLayers, at: n)
                workSpot = spot
                var w = lowers[spot.host].subtree(at: spot.path)
                // An upper at or inside the workdir's folder is the upper's contents, not the
                // workdir's: `ovl_workdir_ok` refuses that mount before anything is made (R6).
                if let u = upperSpot, u.host == spot.host, u.path.hasPrefix(spot.path) {
                    let inner = RelPath(components: Array(u.path.components.dropFirst(spot.path.components.count)))
                    w.entries = w.entries.filter { !$0.key.hasPrefix(inner) }
                }
                return w
            }
            let w = try parseLayer(n)
            try refuseVerity(w, in: n, layer: "the workdir")
            return w
        }
        if let w = fields["workdir"], upper == nil {
            throw reader.error("a workdir needs an upper layer", at: w)
        }
        if upperSpot != nil || workSpot != nil, !nested.isEmpty, let n = fields["upper"] ?? fields["workdir"] {
            throw reader.error("an upper or workdir inside a lower ('@N/dir') goes with no lower inside another", at: n)
        }
        return (lowers, upper, nested, workdir, dataLayers, upperSpot, workSpot)
    }

    /// `@N/path`: directory `path` of listed lower layer N (not a data-only layer).
    private func spotInLower(_ text: String, lowers: [Layer], dataLayers: Int, at node: YNode) throws(CaseError) -> LayerSpot {
        let parts = text.dropFirst().split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let host = Int(parts[0]), host >= 0, host < lowers.count - dataLayers,
              let path = RelPath(parsing: parts[1])?.withoutTrailingSlash, !path.isRoot,
              lowers[host][path]?.kind == .dir else {
            throw reader.error("'\(text)' should name a dir of a listed lower layer, like '@0/sub'", at: node)
        }
        return LayerSpot(host: host, path: path)
    }

    /// `verity: true` belongs to lower and data layers: overlayfs never gives an upper file
    /// fs-verity, so the model has no upper file with it.
    private func refuseVerity(_ layer: Layer?, in node: YNode, layer name: String) throws(CaseError) {
        guard let first = layer?.verity.sorted().first else { return }
        throw reader.error("'\(first)': 'verity' is only for files of lower and data layers, not \(name)", at: node)
    }

    /// One layer: a mapping from paths to entries; `.` describes the layer root.
    func parseLayer(_ node: YNode) throws(CaseError) -> Layer {
        var layer = Layer()
        var seen: [RelPath: SourceLocation] = [:]
        var hardlinks: [(path: RelPath, target: RelPath, at: YNode)] = []
        for (_, keyNode, value) in try reader.pairs(node) {
            let path = try reader.path(keyNode).withoutTrailingSlash
            if let first = seen[path] {
                throw reader.error("path '\(path)' is listed twice in this layer (first at \(first.line):\(first.column))", at: keyNode)
            }
            seen[path] = reader.location(of: keyNode)
            if path.isRoot {
                layer.root = try parseRoot(value)
            } else if let target = try hardlinkTarget(value) {
                hardlinks.append((path, target, value))
            } else {
                layer.entries[path] = try parseEntry(value)
                if try wantsVerity(value) { layer.verity.insert(path) }
            }
        }
        // A hardlink is one more name of a non-directory of the same layer: one inode (R61, R64).
        var nextGroup = 1
        for link in hardlinks {
            guard var node = layer.entries[link.target], !node.kind.isDir else {
                throw reader.error("hardlink target '\(link.target)' must be a non-directory listed in this layer", at: link.at)
            }
            if node.inode == nil {
                node.inode = nextGroup
                nextGroup += 1
                layer.entries[link.target] = node
            }
            layer.entries[link.path] = node
        }
        // An explicit entry may only sit inside an explicit directory.
        for (path, _) in layer.entries.sorted(by: { $0.key < $1.key }) {
            var ancestor = path.parent
            while let dir = ancestor, !dir.isRoot {
                if let parent = layer.entries[dir], parent.kind != .dir, let keyLocation = seen[path] {
                    throw reader.error("'\(path)' is inside '\(dir)', which is a \(Self.typeName(parent.kind)), not a dir", at: keyLocation)
                }
                ancestor = dir.parent
            }
        }
        layer.addMissingParents()
        return layer
    }

    /// The target of a `{type: hardlink, target: P}` entry, or nil for any other entry.
    func hardlinkTarget(_ node: YNode) throws(CaseError) -> RelPath? {
        guard case .mapping = node else { return nil }
        let fields = try reader.fields(node, allowed: Self.entryKeys)
        guard let typeNode = fields["type"], try reader.text(typeNode) == "hardlink" else { return nil }
        for key in Self.entryKeys where key != "type" && key != "target" && fields.has(key) {
            throw reader.error("a hardlink takes only 'target' (it shares the target's inode and metadata)", at: fields.keyNode(key) ?? node)
        }
        return try reader.path(try fields.required("target", missing: "a hardlink needs 'target'"))
    }

    /// `verity: true` on a file entry: the layer builder enables fs-verity on it (R82). Not for a
    /// file of a host's bytes or one held sparse (the model computes the digest from the bytes).
    func wantsVerity(_ node: YNode) throws(CaseError) -> Bool {
        guard case .mapping = node else { return false }
        let fields = try reader.fields(node, allowed: Self.entryKeys)
        guard let flag = fields["verity"], try reader.bool(flag) else { return false }
        let why = "'verity' needs the file's bytes in the case: not with 'host_file' or a 'hole' over 1 MiB"
        if let host = fields.keyNode("host_file") { throw reader.error(why, at: host) }
        if let hole = fields["hole"], try reader.integer(hole, in: 0...(1 << 40)) > 1_048_576 { throw reader.error(why, at: hole) }
        return true
    }

    static func typeName(_ kind: NodeKind) -> String {
        switch kind {
        case .file: "file"
        case .dir: "dir"
        case .symlink: "symlink"
        case .whiteout: "whiteout"
        case .fifo: "fifo"
        case .chardev: "chardev"
        case .blockdev: "blockdev"
        }
    }

    /// The metadata shared by entries and the root.
    private struct Meta {
        var perm: UInt32?
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var mtime: Int64 = OvlModel.Node.layerMtime
        var xattrs: [String: String] = [:]
    }

    private func parseMeta(_ fields: Fields, isDir: Bool) throws(CaseError) -> Meta {
        var meta = Meta()
        if let mode = fields["mode"] { meta.perm = try reader.mode(mode) }
        if let uid = fields["uid"] { meta.uid = try reader.uint32(uid) }
        if let gid = fields["gid"] { meta.gid = try reader.uint32(gid) }
        if let mtime = fields["mtime"] { meta.mtime = try reader.int64(mtime) }
        if let xattrs = fields["xattrs"] {
            for (name, keyNode, value) in try reader.pairs(xattrs) {
                guard !name.isEmpty else { throw reader.error("an xattr name may not be empty", at: keyNode) }
                meta.xattrs[name] = try reader.text(value)
            }
        }
        if let opaque = fields["opaque"] {
            guard isDir else {
                throw reader.error("'opaque' is only valid for type dir", at: fields.keyNode("opaque") ?? opaque)
            }
            if try reader.bool(opaque) { meta.xattrs[XattrPrefix.trusted[.opaque]] = "y" }
        }
        return meta
    }

    /// `.`: the layer root, always a directory.
    func parseRoot(_ node: YNode) throws(CaseError) -> OvlModel.Node {
        let fields = try reader.fields(node, allowed: Self.rootKeys)
        if let type = fields["type"], try reader.text(type) != "dir" {
            throw reader.error("the layer root '.' is always a dir, found type '\(try reader.text(type))'", at: type)
        }
        let meta = try parseMeta(fields, isDir: true)
        return OvlModel.Node(kind: .dir, perm: meta.perm, uid: meta.uid, gid: meta.gid, xattrs: meta.xattrs, mtime: meta.mtime)
    }

    /// One entry: a scalar (a file with that content) or a mapping with `type` and metadata.
    func parseEntry(_ node: YNode) throws(CaseError) -> OvlModel.Node {
        if case let .scalar(scalar) = node {
            return OvlModel.Node(kind: .file(data: scalar.string))
        }
        let fields = try reader.fields(node, allowed: Self.entryKeys)
        let type: String
        if let typeNode = fields["type"] {
            type = try reader.text(typeNode)
            guard Self.types.contains(type) else {
                throw reader.error("unknown type '\(type)'; expected one of: \(Self.types.joined(separator: ", "))", at: typeNode)
            }
        } else if fields.has("data") {
            type = "file"
        } else {
            throw reader.error("an entry needs 'type' (one of: \(Self.types.joined(separator: ", "))) or 'data'; valid keys: \(Self.entryKeys.sorted().joined(separator: ", "))", at: node)
        }
        let only: [(key: String, type: String)] = [("data", "file"), ("hole", "file"), ("host_file", "file"), ("verity", "file"), ("target", "symlink"), ("opaque", "dir")]
        for rule in only where fields.has(rule.key) && type != rule.type {
            throw reader.error("'\(rule.key)' is only valid for type \(rule.type), not \(type)", at: fields.keyNode(rule.key) ?? node)
        }
        for key in ["major", "minor"] where fields.has(key) && type != "chardev" && type != "blockdev" {
            throw reader.error("'\(key)' is only valid for type chardev or blockdev, not \(type)", at: fields.keyNode(key) ?? node)
        }
        let kind: NodeKind
        switch type {
        case "dir": kind = .dir
        case "symlink":
            kind = .symlink(target: try reader.text(try fields.required("target", missing: "a symlink needs 'target'")))
        case "whiteout": kind = .whiteout
        case "fifo": kind = .fifo
        case "chardev":
            let major = try reader.uint32(try fields.required("major", missing: "a chardev needs 'major'"))
            let minor = try reader.uint32(try fields.required("minor", missing: "a chardev needs 'minor'"))
            guard major != 0 || minor != 0 else {
                throw reader.error("a chardev 0:0 is a whiteout; write {type: whiteout}", at: node)
            }
            kind = .chardev(major: major, minor: minor)
        case "blockdev":
            let major = try reader.uint32(try fields.required("major", missing: "a blockdev needs 'major'"))
            let minor = try reader.uint32(try fields.required("minor", missing: "a blockdev needs 'minor'"))
            kind = .blockdev(major: major, minor: minor)
        default:
            var data = ""
            if let dataNode = fields["data"] { data = try reader.text(dataNode) }
            kind = .file(data: data)
        }
        let meta = try parseMeta(fields, isDir: kind == .dir)
        var out = OvlModel.Node(kind: kind, perm: meta.perm, uid: meta.uid, gid: meta.gid, xattrs: meta.xattrs, mtime: meta.mtime)
        // `hole: N`: the file starts with an N-byte hole, then `data` (R75 SEEK_DATA/SEEK_HOLE);
        // past 16 MiB the model holds it as a sparse file (R44), e.g. 5 GiB of hole and a tail.
        if let holeNode = fields["hole"], case .file(let data) = kind {
            let hole = try reader.integer(holeNode, in: 4096...(1 << 40))
            guard hole % 4096 == 0 else { throw reader.error("'hole' must be a multiple of 4096 (a block)", at: holeNode) }
            if hole > 1_048_576 {
                out.setContent(SparseFile(size: hole + Int64(data.utf8.count), extents: [.init(offset: hole, bytes: Array(data.utf8))]))
            } else {
                out.kind = .file(data: String(repeating: "\u{0}", count: Int(hole)) + data)
                out.leadingHole = hole
            }
        }
        // `host_file: /bin/sleep`: the bytes of that file (R76 runs it from a layer).
        if let hostNode = fields["host_file"] {
            let host = try reader.nonEmptyText(hostNode)
            guard host.hasPrefix("/"), let bytes = FileManager.default.contents(atPath: host) else {
                throw reader.error("'host_file' must be an absolute path of a readable file; '\(host)' is not", at: hostNode)
            }
            if fields.has("data") || fields.has("hole") {
                throw reader.error("'host_file' gives the data; it takes no 'data' or 'hole'", at: hostNode)
            }
            out.kind = .file(data: String(decoding: bytes, as: UTF8.self))
            out.hostFile = host
        }
        return out
    }
}
