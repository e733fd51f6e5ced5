/// An `st_blocks`: observed (a number) or predicted (a number, or the allocation of a lower file
/// the guest recorded before the mount, which depends on the filesystem).
public enum BlocksValue: Codable, Sendable, Hashable, CustomStringConvertible {
    /// A number of 512-byte units.
    case number(UInt64)
    /// st_blocks of that lower object as the guest recorded it (``LayerInodes/lowerBlocks``).
    case of(InodeRef)

    public var description: String {
        switch self {
        case .number(let n): "\(n)"
        case .of(let ref): "blocks of \(ref)"
        }
    }
}
