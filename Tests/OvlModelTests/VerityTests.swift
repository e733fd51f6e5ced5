import OvlModel
import Testing

/// R82: the model's fs-verity digests, and what verity=on/require make of them.
@Suite struct VerityTests {
    /// Digests printed by fsverity-utils 1.5 (`fsverity digest --compact --hash-alg=sha256
    /// --block-size=4096`) for: an empty file (root hash all zeros), a one-block file, exactly one
    /// block, two blocks, and 147 blocks (a Merkle tree of two levels).
    @Test(arguments: [
        ("", "3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95"),
        ("verity data", "02e7e1730064f7189b930cff8e5d016f2d40efe152724e7d75987a4964a81dd2"),
        (String(repeating: "a", count: 4096), "a2a808ddaced77f0b6b3068f47b14b5a1fb3fc43674993ab11b8e7e6f2d089e2"),
        (String(repeating: "b", count: 5000), "ee5c6c394f62599b2319d546c14a0bf89774b4633bee8b49f26be53b52d0ff3c"),
        (String(repeating: "c", count: 600_000), "d9d26cc83f1eb705af0b62c81100d8a45f7b8e45a733ef0253f66ad5e1c2be02"),
    ])
    func digestMatchesFsverityUtils(data: String, expected: String) {
        #expect(hex(VerityDigest.digest(of: Array(data.utf8))) == expected)
    }

    /// verity=on: a metadata copy-up of a verity lower stores the 36-byte header and digest; open
    /// then checks it and succeeds; a lower without fs-verity gets the empty marker.
    @Test func copyUpStoresDigest() {
        var m = model(["f": "verity data", "g": "plain"], verity: ["f"], options: ["verity=on"])
        #expect(m.apply(.chmod(path("f"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[path("f")]?.xattrs["trusted.overlay.metacopy"]
                == "0x00240001" + "02e7e1730064f7189b930cff8e5d016f2d40efe152724e7d75987a4964a81dd2")
        #expect(m.apply(.read(path("f"))) == .ok(.text("verity data")))
        #expect(m.apply(.chmod(path("g"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[path("g")]?.xattrs["trusted.overlay.metacopy"] == "")
        #expect(m.apply(.read(path("g"))) == .ok(.text("plain")))
    }

    /// verity=require: a verity lower is metacopied with its digest; one without verity is copied
    /// in full (`copy_up.c:ovl_need_meta_copy_up`).
    @Test func requireCopiesDataWithoutVerity() {
        var m = model(["f": "verity data", "g": "plain"], verity: ["f"], options: ["verity=require"])
        _ = m.apply(.chmod(path("f"), mode: 0o600))
        _ = m.apply(.chmod(path("g"), mode: 0o600))
        #expect(m.upper?[path("f")]?.xattrs["trusted.overlay.metacopy"]?.hasPrefix("0x00240001") == true)
        #expect(m.upper?[path("g")]?.xattrs["trusted.overlay.metacopy"] == nil)
        #expect(m.upper?[path("g")]?.kind == .file(data: "plain"))
    }

    /// A digest that is not the data file's, or a digest over a lower without fs-verity, is EIO
    /// at open; verity=require refuses a metacopy file without a digest.
    @Test func mismatchesAreEIO() {
        let wrong = "0x00240001" + String(repeating: "ab", count: 32)
        let right = "0x00240001" + "02e7e1730064f7189b930cff8e5d016f2d40efe152724e7d75987a4964a81dd2"
        for (value, verity, mode, expected) in [(wrong, true, "on", Outcome.failed(.EIO)), (right, true, "on", .ok(.text("verity data"))),
                                                 (right, false, "on", .failed(.EIO)), ("", true, "require", .failed(.EIO)),
                                                 ("", true, "on", .ok(.text("verity data")))] {
            var upper = Layer()
            upper.entries[path("f")] = Node(kind: .file(data: String(repeating: "\0", count: 11)),
                                            xattrs: ["trusted.overlay.metacopy": value])
            var m = model(["f": "verity data"], verity: verity ? ["f"] : [], options: ["verity=\(mode)"], upper: upper)
            #expect(m.apply(.read(path("f"))) == expected, "\(value) verity=\(mode) lower verity \(verity)")
        }
    }

    private func model(_ files: [String: String], verity: Set<String>, options: [String], upper: Layer = Layer()) -> OverlayModel {
        var lower = Layer()
        for (k, v) in files { lower.entries[path(k)] = Node(kind: .file(data: v)) }
        lower.verity = Set(verity.map(path))
        return mounted([lower], upper: upper, options: options)
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
