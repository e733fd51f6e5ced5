/// A path inside one overlay or layer, relative to its root: never absolute, never `..` or `.`.
///
/// Case files may only name paths inside their own layers; ``RelPath/init(parsing:)`` is the one
/// gate that enforces it, so nothing downstream can be pointed outside a case's directories.
public struct RelPath: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The path's components; empty for the root.
    public let components: [String]
    /// True when a step names the path with a terminal `/` (`d/`): the VFS then wants a
    /// directory. Layer entries never carry one; ``withoutTrailingSlash`` drops it.
    public let trailingSlash: Bool

    /// The root of a layer or of the merged view.
    public static let root = RelPath(components: [])

    /// Wraps already-validated components.
    public init(components: [String], trailingSlash: Bool = false) {
        self.components = components
        self.trailingSlash = trailingSlash && !components.isEmpty
    }

    /// Parses `a/b/c` (a trailing `/` is allowed and kept in ``trailingSlash``). Returns nil for an
    /// absolute path, an empty component, `.` or `..`, or a NUL byte. (Over-long names are
    /// allowed: R29 tests them.)
    public init?(parsing text: String) {
        if text == "." || text == "" { self.init(components: []); return }
        if text.hasPrefix("/") || text.contains("\0") { return nil }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let slash = parts.last == ""
        if slash { parts.removeLast() }
        for part in parts where part.isEmpty || part == "." || part == ".." {
            return nil
        }
        self.init(components: parts, trailingSlash: slash)
    }

    /// The same path without a terminal `/`.
    public var withoutTrailingSlash: RelPath { RelPath(components: components) }

    /// The last component, or `.` for the root.
    public var name: String { components.last ?? "." }
    /// The containing directory, or nil for the root.
    public var parent: RelPath? { components.isEmpty ? nil : RelPath(components: Array(components.dropLast())) }
    /// True for the root.
    public var isRoot: Bool { components.isEmpty }
    /// This path with one more component.
    public func appending(_ name: String) -> RelPath { RelPath(components: components + [name]) }
    /// True when `self` is `other` or lies below it.
    public func hasPrefix(_ other: RelPath) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }
    /// Replaces the leading `old` part of this path by `new`.
    public func replacingPrefix(_ old: RelPath, with new: RelPath) -> RelPath {
        RelPath(components: new.components + components.dropFirst(old.components.count))
    }
    public var description: String {
        components.isEmpty ? "." : components.joined(separator: "/") + (trailingSlash ? "/" : "")
    }
    public static func < (a: RelPath, b: RelPath) -> Bool {
        a.components == b.components ? !a.trailingSlash && b.trailingSlash : a.components.lexicographicallyPrecedes(b.components)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let path = RelPath(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad path \(text)"))
        }
        self = path
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
