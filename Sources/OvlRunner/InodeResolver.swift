import OvlModel

/// Turns the model's symbolic st_ino / st_dev / d_ino values into numbers using what the guest
/// recorded (the layer inode table before the mount, the final upper dump, the overlay's st_dev per
/// mount), and checks the symbols no record fixes (counter inos, pseudo devices) for consistency:
/// one symbol, one number; two symbols of one mount, two numbers.
struct InodeResolver {
    let layers: LayerInodes?
    /// The layers' inode numbers recorded again after each offline change (change 1 first).
    let laterLayers: [LayerInodes]
    let overlayDevs: [Int: UInt64]
    /// The upper layer as the guest dumped it after the run.
    let finalUpper: TreeView?
    /// Where the model's final upper layer holds each numbered upper inode.
    let upperPaths: [Int: RelPath]
    /// Numbers observed for symbols that have no recorded number.
    private var bound: [String: UInt64] = [:]
    /// Per injectivity group (one mount's counter inos, one mount's pseudo devs): number → symbol.
    private var groups: [String: [UInt64: String]] = [:]

    init(layers: LayerInodes?, laterLayers: [LayerInodes] = [], overlayDevs: [Int: UInt64], finalUpper: TreeView?,
         upperPaths: [Int: RelPath]) {
        self.layers = layers; self.laterLayers = laterLayers; self.overlayDevs = overlayDevs
        self.finalUpper = finalUpper; self.upperPaths = upperPaths
    }

    /// The real inode number of `ref`, when the records hold it.
    func realIno(_ ref: InodeRef) -> UInt64? {
        switch ref {
        case .lower(let layer, let path):
            guard let layers, layer < layers.lowers.count else { return nil }
            return layers.lowers[layer][path]
        case .replacedLower(let layer, let path, let version):
            guard version >= 1, version <= laterLayers.count, layer < laterLayers[version - 1].lowers.count else { return nil }
            return laterLayers[version - 1].lowers[layer][path]
        case .upper(let serial):
            guard let path = upperPaths[serial], case .number(let n)? = finalUpper?[path]?.ino else { return nil }
            return n
        }
    }

    /// The st_blocks the guest recorded for lower object `ref`.
    func realBlocks(_ ref: InodeRef) -> UInt64? {
        switch ref {
        case .lower(let layer, let path):
            guard let blocks = layers?.lowerBlocks, layer < blocks.count else { return nil }
            return blocks[layer][path]
        case .replacedLower(let layer, let path, let version):
            guard version >= 1, version <= laterLayers.count, let blocks = laterLayers[version - 1].lowerBlocks,
                  layer < blocks.count else { return nil }
            return blocks[layer][path]
        case .upper: return nil
        }
    }

    /// Checks an observed st_blocks against the prediction.
    /// - Returns: nil when it matches, else the expectation in words (with the number it resolved to).
    func check(blocks expected: BlocksValue, observed: BlocksValue?) -> String? {
        guard case .number(let got)? = observed else { return "\(expected) (none observed)" }
        switch expected {
        case .number(let n): return n == got ? nil : "\(n)"
        case .of(let ref):
            guard let want = realBlocks(ref) else { return "\(expected) (not recorded)" }
            return want == got ? nil : "\(expected) (\(want))"
        }
    }

    /// Checks an observed ino against the prediction.
    /// - Returns: nil when it matches, else the expectation in words (with the number it resolved to).
    mutating func check(ino expected: InoValue, observed: InoValue?) -> String? {
        guard case .number(let got)? = observed else { return "\(expected) (none observed)" }
        switch expected {
        case .number(let n), .counter(let n):
            return n == got ? nil : "\(expected)"
        case .real(let ref, let fsid, let bits):
            guard let raw = realIno(ref) else {
                return bind("\(expected)", got, group: nil)
            }
            let want = bits > 0 && fsid > 0 ? raw | UInt64(fsid) << UInt64(64 - bits + 1) : raw
            if want == got { return nil }
            return bits > 0 && fsid > 0 ? "\(expected) (\(raw)|\(fsid)<<\(64 - bits + 1) = \(want))" : "\(expected) (\(want))"
        case .volatile(_, let generation):
            return bind("\(expected)", got, group: "counter inos of mount \(generation)")
        }
    }

    /// Checks an observed st_dev against the prediction.
    mutating func check(dev expected: DevValue, observed: DevValue?) -> String? {
        guard case .number(let got)? = observed else { return "\(expected) (none observed)" }
        switch expected {
        case .number(let n): return n == got ? nil : "\(n)"
        case .overlay(let g):
            guard let dev = overlayDevs[g] else { return "\(expected) (not recorded)" }
            return dev == got ? nil : "\(expected) (\(dev))"
        case .pseudo(_, let g):
            var real = layers?.lowerDevs ?? []
            if let u = layers?.upperDev { real.append(u) }
            if let o = overlayDevs[g] { real.append(o) }
            if real.contains(got) { return "\(expected): not the overlay's nor a layer fs's device \(real)" }
            return bind("\(expected)", got, group: "pseudo devs of mount \(g)")
        }
    }

    /// Binds `symbol` to `number` on first sight; later sights must agree, and within `group` no
    /// two symbols may share a number.
    private mutating func bind(_ symbol: String, _ number: UInt64, group: String?) -> String? {
        if let had = bound[symbol] {
            return had == number ? nil : "\(symbol) (earlier seen as \(had))"
        }
        if let group {
            if let other = groups[group]?[number], other != symbol {
                return "\(symbol) (a number of its own, but \(number) is already \(other))"
            }
            groups[group, default: [:]][number] = symbol
        }
        bound[symbol] = number
        return nil
    }

    /// An observed number with what it is, e.g. `5678 (= upper:a/b)` or `1234|1<<63 (= lower0:f)`.
    func describe(ino value: InoValue?) -> String {
        guard case .number(let n)? = value else { return value.map { "\($0)" } ?? "-" }
        func names(_ x: UInt64) -> [String] {
            var out: [String] = []
            for (k, table) in (layers?.lowers ?? []).enumerated() {
                out += table.filter { $0.value == x }.keys.sorted().map { "lower\(k):\($0)" }
            }
            for (path, v) in finalUpper ?? [:] where v.ino == .number(x) { out.append("upper:\(path)") }
            return out.sorted()
        }
        if let known = names(n).first { return "\(n) (= \(known))" }
        for bits in [2, 32] {
            let low = n & (UInt64.max >> UInt64(bits))
            let high = n ^ low
            if high != 0, let known = names(low).first {
                return "\(low)|\(high >> UInt64(high.trailingZeroBitCount))<<\(high.trailingZeroBitCount) (= \(known))"
            }
        }
        return "\(n)"
    }
}
