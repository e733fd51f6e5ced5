/// The contents of a regular file too large to hold as text (R44: a file of several GiB that is
/// mostly hole): its size and the bytes written, by offset. Bytes no extent covers are a hole and
/// read as zeros. The model keeps a file this way once it is larger than ``threshold``; the guest
/// dumps such a file the same way (``rendering``), from `SEEK_DATA`/`SEEK_HOLE`, never reading
/// its holes.
public struct SparseFile: Codable, Sendable, Equatable {
    /// Bytes written at one offset.
    public struct Extent: Codable, Sendable, Equatable {
        public var offset: Int64
        public var bytes: [UInt8]
        public init(offset: Int64, bytes: [UInt8]) { self.offset = offset; self.bytes = bytes }
        /// One past the last byte.
        public var end: Int64 { offset + Int64(bytes.count) }
    }

    /// st_size.
    public var size: Int64
    /// Written bytes, sorted by offset, disjoint, all below ``size``.
    public private(set) var extents: [Extent]

    /// Files larger than this are held and dumped as a ``SparseFile``; smaller ones as text.
    public static let threshold: Int64 = 16 << 20
    /// The block size of the suite's ext4 and xfs filesystems: holes and data come in whole blocks.
    public static let blockSize: Int64 = 4096
    /// The most bytes of one data segment a rendering shows (the guest reads no more).
    public static let shownBytes = 65536

    /// A file of `size` bytes holding `extents` (any order, possibly overlapping: later ones win).
    public init(size: Int64, extents: [Extent] = []) {
        self.size = size
        self.extents = []
        for e in extents { write(e.bytes, at: e.offset) }
        self.size = max(size, self.size)
    }

    /// `pwrite(2)`: the bytes replace what was there; the file grows to cover them.
    public mutating func write(_ bytes: [UInt8], at offset: Int64) {
        guard !bytes.isEmpty else { return }
        let new = Extent(offset: offset, bytes: bytes)
        var merged = new
        var kept: [Extent] = []
        for e in extents {
            if e.end < new.offset || e.offset > new.end {
                kept.append(e)
                continue
            }
            // Touching or overlapping: one extent, the new bytes on top.
            let start = min(e.offset, merged.offset)
            let end = max(e.end, merged.end)
            var out = [UInt8](repeating: 0, count: Int(end - start))
            for (i, b) in e.bytes.enumerated() { out[Int(e.offset - start) + i] = b }
            for (i, b) in merged.bytes.enumerated() { out[Int(merged.offset - start) + i] = b }
            merged = Extent(offset: start, bytes: out)
        }
        kept.append(merged)
        extents = kept.sorted { $0.offset < $1.offset }
        size = max(size, new.end)
    }

    /// `truncate(2)`: cuts the bytes past `newSize`; growing adds a hole.
    public mutating func truncate(to newSize: Int64) {
        extents = extents.compactMap { e in
            guard e.offset < newSize else { return nil }
            return Extent(offset: e.offset, bytes: Array(e.bytes.prefix(Int(newSize - e.offset))))
        }
        size = newSize
    }

    /// `pread(2)` of up to `count` bytes at `offset`: holes read as zeros.
    public func read(at offset: Int64, count: Int64) -> [UInt8] {
        let end = min(size, offset + count)
        guard offset < end else { return [] }
        var out = [UInt8](repeating: 0, count: Int(end - offset))
        for e in extents where e.end > offset && e.offset < end {
            let from = max(e.offset, offset)
            let to = min(e.end, end)
            for p in from..<to { out[Int(p - offset)] = e.bytes[Int(p - e.offset)] }
        }
        return out
    }

    /// The data segments as the filesystem reports them: every extent widened to whole blocks
    /// (cut at EOF), touching ones merged — what `SEEK_DATA`/`SEEK_HOLE` find.
    public var segments: [(offset: Int64, length: Int64)] {
        var out: [(offset: Int64, length: Int64)] = []
        for e in extents {
            let start = e.offset / Self.blockSize * Self.blockSize
            let end = min(size, (e.end + Self.blockSize - 1) / Self.blockSize * Self.blockSize)
            if let last = out.last, last.offset + last.length >= start {
                out[out.count - 1].length = max(last.offset + last.length, end) - last.offset
            } else {
                out.append((start, end - start))
            }
        }
        return out
    }

    /// `lseek(SEEK_DATA)` from `offset`: the start of the next data segment, nil (ENXIO) when none.
    public func dataOffset(from offset: Int64) -> Int64? {
        guard offset < size else { return nil }
        for s in segments where s.offset + s.length > offset { return max(s.offset, offset) }
        return nil
    }

    /// `lseek(SEEK_HOLE)` from `offset`: the start of the next hole (EOF counts), nil (ENXIO) past EOF.
    public func holeOffset(from offset: Int64) -> Int64? {
        guard offset < size else { return nil }
        for s in segments where s.offset + s.length > offset && s.offset <= offset { return s.offset + s.length }
        return offset
    }

    /// How a dump shows the file: its size, then each data segment's offset, length and first
    /// ``shownBytes`` bytes without their trailing zeros, e.g. `sparse 5368709124: @5368709120+4 "tail"`.
    public var rendering: String {
        Self.rendering(size: size, segments: segments.map {
            ($0.offset, $0.length, read(at: $0.offset, count: min($0.length, Int64(Self.shownBytes))))
        })
    }

    /// The rendering of a file of `size` bytes whose data segments (offset, first bytes) the
    /// guest found with `SEEK_DATA`/`SEEK_HOLE`.
    public static func rendering(size: Int64, segments: [(offset: Int64, length: Int64, bytes: [UInt8])]) -> String {
        "sparse \(size):" + segments.map { s in
            let shown = s.bytes[..<(s.bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0)]
            return " @\(s.offset)+\(s.length) \"" + String(decoding: shown, as: UTF8.self) + "\""
        }.joined()
    }
}
