/// Which filesystem each layer of a job lives on.
public struct FSConfig: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Filesystem of every lower layer (`ext4` or `xfs`); of lower layer 0 when ``layers`` is given.
    public var lower: String
    /// Filesystem of the upper and work dirs.
    public var upper: String
    /// The filesystem of each lower layer, top first, when they are not all on ``lower``
    /// (`layer_fs: {lowers: […]}`); nil: every lower on ``lower``.
    public var layers: [String]?
    public init(lower: String, upper: String, layers: [String]? = nil) {
        self.lower = lower; self.upper = upper; self.layers = layers
    }
    /// The filesystem of lower layer `k`.
    public func lower(_ k: Int) -> String { layers.map { k < $0.count ? $0[k] : lower } ?? lower }
    /// True when upper and lowers share one filesystem (R54).
    public var samefs: Bool { lower == upper && (layers ?? []).allSatisfy { $0 == upper } }
    /// `ext4` for samefs, else `ext4/xfs` (lower/upper); per-layer lowers are joined with `+`
    /// (`ext4+ext4-twin/xfs`).
    public var description: String {
        samefs ? lower : "\((layers ?? [lower]).joined(separator: "+"))/\(upper)"
    }
    /// The configurations a suite runs: each fs alone, and upper on the other fs than the lowers.
    public static let matrix: [FSConfig] = [
        FSConfig(lower: "ext4", upper: "ext4"), FSConfig(lower: "xfs", upper: "xfs"),
        FSConfig(lower: "ext4", upper: "xfs"), FSConfig(lower: "xfs", upper: "ext4"),
    ]
}
