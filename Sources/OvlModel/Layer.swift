/// The contents of one layer directory: every object by its path, parents included.
public struct Layer: Codable, Sendable, Equatable {
    /// Every object below the layer root. The root itself is not listed; it is always a directory.
    public var entries: [RelPath: Node]
    /// The layer root directory itself.
    public var root: Node
    /// The regular files of this lower layer that have fs-verity (R82): the layer builder enables
    /// it (`FS_IOC_ENABLE_VERITY`, SHA-256, 4096-byte blocks, no salt) once their data is written.
    public var verity: Set<RelPath> = []

    public init(entries: [RelPath: Node] = [:], root: Node = Node(kind: .dir)) {
        self.entries = entries
        self.root = root
    }

    /// The node at `path`; `.root` is the layer root, which always exists.
    public subscript(path: RelPath) -> Node? {
        get { path.isRoot ? root : entries[path] }
        set {
            if path.isRoot {
                if let newValue { root = newValue }
            } else {
                entries[path] = newValue
            }
        }
    }

    /// The names directly inside directory `path`.
    public func children(of path: RelPath) -> [String] {
        entries.keys.filter { $0.parent == path }.map(\.name).sorted()
    }

    /// Removes `path` and everything below it.
    public mutating func removeTree(_ path: RelPath) {
        for key in entries.keys where key.hasPrefix(path) { entries[key] = nil }
    }

    /// Moves `from` and everything below it to `to`.
    public mutating func moveTree(_ from: RelPath, to: RelPath) {
        let moved = entries.filter { $0.key.hasPrefix(from) }
        for key in moved.keys { entries[key] = nil }
        for (key, node) in moved { entries[key.replacingPrefix(from, with: to)] = node }
    }

    /// Adds any missing parent directories of every entry (a case may list `a/b/f` alone).
    public mutating func addMissingParents() {
        for path in Array(entries.keys) {
            var p = path.parent
            while let dir = p, !dir.isRoot {
                if entries[dir] == nil { entries[dir] = Node(kind: .dir) }
                p = dir.parent
            }
        }
    }

    /// Directory `path` of this layer as a layer of its own.
    public func subtree(at path: RelPath) -> Layer {
        var out = Layer(root: self[path] ?? Node(kind: .dir))
        for (key, node) in entries where key.hasPrefix(path) && key != path {
            let inner = RelPath(components: Array(key.components.dropFirst(path.components.count)))
            out.entries[inner] = node
            if verity.contains(key) { out.verity.insert(inner) }
        }
        return out
    }

    /// True when the file at `path` has fs-verity: it is one of ``verity`` or a hard link of one.
    public func hasVerity(_ path: RelPath) -> Bool {
        if verity.contains(path) { return true }
        guard let inode = entries[path]?.inode else { return false }
        return verity.contains { entries[$0]?.inode == inode }
    }

    /// The number of subdirectories of `path` (a directory's real st_nlink is 2 + this).
    public func subdirCount(of path: RelPath) -> Int {
        entries.filter { $0.key.parent == path && $0.value.kind == .dir }.count
    }

    /// True when the root or an entry carries xattr `name` with an empty value.
    public func holdsEmpty(_ name: String) -> Bool {
        ([root] + entries.values).contains { $0.xattrs[name] == "" }
    }
}
