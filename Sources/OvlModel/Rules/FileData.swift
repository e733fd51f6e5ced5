extension Node {
    /// The contents of this regular file as a ``SparseFile`` (a text file's leading hole is a hole,
    /// the rest one extent); nil for other kinds.
    public var content: SparseFile? {
        if let sparse { return sparse }
        guard case .file(let data) = kind else { return nil }
        let bytes = Array(data.utf8)
        let hole = Int(leadingHole ?? 0)
        return SparseFile(size: Int64(bytes.count), extents: [.init(offset: Int64(hole), bytes: Array(bytes.dropFirst(hole)))])
    }

    /// Makes this regular file hold `content`: as a ``SparseFile`` above its threshold, else as
    /// text; ``leadingHole`` becomes the hole before the first data segment (R44: holes are kept).
    public mutating func setContent(_ content: SparseFile) {
        let firstData = content.segments.first?.offset ?? content.size
        leadingHole = firstData > 0 ? firstData : nil
        if content.size > SparseFile.threshold {
            sparse = content
            kind = .file(data: content.rendering)
        } else {
            sparse = nil
            kind = .file(data: String(decoding: content.read(at: 0, count: content.size), as: UTF8.self))
        }
    }

    /// True when this file is held as a ``SparseFile``, or writing `count` bytes at `offset` makes
    /// it one: such changes go through ``content``.
    func needsSparse(writing count: Int64 = 0, at offset: Int64 = 0) -> Bool {
        sparse != nil || offset + count > SparseFile.threshold
    }

    /// Takes the data of `other` (a metacopy file showing its lower data, R78; a data copy-up,
    /// R79): its bytes, holes and sparse form, not its metadata.
    mutating func takeData(from other: Node) {
        kind = other.kind
        leadingHole = other.leadingHole
        sparse = other.sparse
        metacopySize = nil
    }

    /// R78: a metacopy file shows the data of the data file below it, but st_size is its own
    /// i_size (`inode.c:ovl_getattr` stats the metacopy inode and takes only st_blocks from the
    /// data file); reads go to the data file whole (`file.c:ovl_open` opens the real data file).
    mutating func takeMetacopyData(from data: Node) {
        let own = size
        takeData(from: data)
        if own != size { metacopySize = own }
    }

    /// R79: what a data copy-up of a metacopy file writes: `copy_up.c:ovl_copy_up_data` copies
    /// the metacopy inode's i_size bytes of the data file (the data cut short, or followed by a
    /// hole up to that size).
    var copiedUpData: Node {
        guard let own = metacopySize, var content = content else { return self }
        var out = self
        content.truncate(to: own)
        out.setContent(content)
        out.metacopySize = nil
        return out
    }
}
