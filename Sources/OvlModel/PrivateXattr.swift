/// The private xattrs overlayfs keeps on its layers (`overlayfs.h:enum ovl_xattr`; names in
/// `xattrs.c:ovl_xattr_table`), written `X.<name>` in the docs.
public enum OvlXattr: String, CaseIterable, Sendable {
    case opaque, redirect, origin, impure, nlink, upper, uuid, metacopy, protattr, whiteout
}

/// The namespace the private xattrs live in, chosen once by the mount options: `trusted.overlay.`,
/// or `user.overlay.` with `userxattr` (`overlayfs.h:ovl_xattr`, R16).
public enum XattrPrefix: String, Codable, Sendable, CustomStringConvertible {
    case trusted = "trusted.overlay."
    case user = "user.overlay."

    public init(userxattr: Bool) { self = userxattr ? .user : .trusted }

    /// The prefix of a mount given `options`.
    public init(options: [MountOption]) { self.init(userxattr: options.contains { $0.key == "userxattr" }) }

    /// The prefix itself, `trusted.overlay.` or `user.overlay.`.
    public var text: String { rawValue }

    /// `X.overlay.`: where a user's own `X.*` xattr is stored, escaped (`OVL_XATTR_ESCAPE_PREFIX`,
    /// R91, 6.7).
    public var escaped: String { text + "overlay." }

    /// Whether `name` lies in this namespace.
    public func holds(_ name: String) -> Bool { name.hasPrefix(text) }

    /// The full name of `xattr` in this namespace.
    public subscript(_ xattr: OvlXattr) -> String { text + xattr.rawValue }

    public var description: String { text }
}
