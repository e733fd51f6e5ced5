/// The fs-verity file digest the kernel measures for a file after `FS_IOC_ENABLE_VERITY` with
/// SHA-256, 4096-byte blocks and no salt — the layer builder's parameters — computed from the
/// file's bytes (Documentation/filesystems/fsverity.rst, "Merkle tree" and "fs-verity descriptor";
/// fs/verity/open.c:fsverity_init_merkle_tree_params, fs/verity/measure.c).
public enum VerityDigest {
    /// `FS_VERITY_HASH_ALG_SHA256`: the algorithm number `fsverity_get_digest` reports, which
    /// overlayfs stores as `digest_algo` in `X.metacopy` (R82).
    public static let sha256Algorithm: UInt8 = 1
    static let blockSize = 4096

    /// The 32-byte digest: SHA-256 of the 256-byte `fsverity_descriptor` (version 1, algorithm,
    /// log2 block size, no salt, the data size, the Merkle tree root hash).
    public static func digest(of data: [UInt8]) -> [UInt8] {
        var descriptor = [UInt8](repeating: 0, count: 256)
        descriptor[0] = 1
        descriptor[1] = sha256Algorithm
        descriptor[2] = 12
        for i in 0..<8 { descriptor[8 + i] = UInt8(truncatingIfNeeded: UInt64(data.count) >> UInt64(8 * i)) }
        descriptor.replaceSubrange(16..<48, with: rootHash(of: data))
        return SHA256.hash(descriptor)
    }

    /// The Merkle tree root hash: all zeros for an empty file, the hash of the (zero-padded) data
    /// block for a one-block file; otherwise each level's hashes are packed into zero-padded
    /// blocks and hashed until one block remains, whose hash is the root.
    static func rootHash(of data: [UInt8]) -> [UInt8] {
        guard !data.isEmpty else { return [UInt8](repeating: 0, count: 32) }
        var level = blockHashes(data)
        while level.count > 32 { level = blockHashes(level) }
        return level
    }

    /// The concatenated hashes of `bytes` cut into zero-padded blocks.
    private static func blockHashes(_ bytes: [UInt8]) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: blockSize).flatMap { start -> [UInt8] in
            var block = Array(bytes[start..<min(start + blockSize, bytes.count)])
            block += [UInt8](repeating: 0, count: blockSize - block.count)
            return SHA256.hash(block)
        }
    }
}
