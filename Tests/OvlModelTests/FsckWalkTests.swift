@testable import OvlModel
import Testing

/// Issue 18 item 6: fsck judges whiteouts and redirects with the mount's own walk
/// (``StackWalk``), so a redirect in any layer — in a redirected directory, in a lower layer — is
/// followed by fsck exactly as by the mount.
@Suite struct FsckWalkTests {
    let x = "trusted.overlay."

    func layer(_ e: [String: Node]) -> Layer {
        var l = Layer(entries: Dictionary(uniqueKeysWithValues: e.map { (path($0.key), $0.value) }))
        l.addMissingParents()
        return l
    }

    /// `rename x a; rename a/c a/b` on redirect_dir=on leaves `a` redirected to `x` and `a/b` to
    /// `c` — relative, so inside `a`'s lower directory `x`, not the layer's own `a/c`. fsck's
    /// former walk looked `a/c` up in the lowers, reported the kernel's own redirect as invalid
    /// ("no lower has a/c") and `-p` removed it, emptying `a/b`. Read as the upper, and as a lower
    /// layer of the next stack (a former upper), these layers are clean.
    @Test func nestedRedirectTheKernelWroteIsValid() {
        var m = mounted([layer(["x/c/f": Node(kind: .file(data: "data"))])], options: ["redirect_dir=on"])
        #expect(m.apply(.rename(path("x"), to: path("a"), flags: [])) == .ok(.none))
        #expect(m.apply(.rename(path("a/c"), to: path("a/b"), flags: [])) == .ok(.none))
        #expect(m.apply(.read(path("a/b/f"))) == .ok(.text("data")))
        let upper = try! #require(m.upper)
        #expect(upper[path("a/b")]?.xattrs[x + "redirect"] == "c")
        #expect(upper[path("a/c")]?.kind == .whiteout)

        let written = LayerSet(model: m)
        #expect(written.findings(policy: .safe).map { "\($0.problem.rawValue) \($0.path)" } == [])
        #expect(written.redirectLead(path("a/b"), value: "c", in: .upper).map { "\($0.layer):\($0.path)" } == "0:x/c")
        #expect(written.check(policy: .safe).exitCode == 0)

        let next = LayerSet(lowers: [upper] + written.lowers, upper: Layer())
        #expect(next.findings(policy: .yes).map { "\($0.problem.rawValue) \($0.layer):\($0.path)" } == [])
        // The whiteout `a/c` of the former upper hides the lower's `x/c` through `a`'s redirect.
        #expect(next.lookupBelow(path("a/c"), in: .lower(0)).map { "\($0.layer):\($0.path)" } == "1:x/c")
    }

    /// A relative redirect inside an opaque directory is never followed (the opaque parent merges
    /// no lower directory): a whiteout below it hides nothing, and the redirect leads nowhere.
    @Test func redirectUnderAnOpaqueDirLeadsNowhere() {
        let s = LayerSet(lowers: [layer(["o/c/w": Node(kind: .file(data: "w"))])],
                         upper: layer(["o": Node(kind: .dir, xattrs: [x + "opaque": "y", x + "impure": "y"]),
                                       "o/b": Node(kind: .dir, xattrs: [x + "redirect": "c"]),
                                       "o/b/w": Node(kind: .whiteout)]))
        #expect(s.lookupBelow(path("o/b/w"), in: .upper) == nil)
        #expect(s.findings().map { "\($0.problem.rawValue) \($0.path)" } == ["invalidRedirect o/b", "orphanWhiteout o/b/w"])
    }

    /// fsck's walk and the mount's lookup agree over generated stacks (two lowers and an upper,
    /// with dirs, files, whiteouts, opaque dirs and relative and absolute redirects in every
    /// layer): an upper whiteout is an orphan exactly when the mount finds no lower object at its
    /// name (`namei.c:ovl_lower_positive`), and an upper directory's redirect leads to the lower
    /// directory the mount merges into it first.
    @Test func fsckAndMountAgreeOnGeneratedStacks() {
        var rng = SplitMix(seed: 18)
        var whiteouts = 0, redirects = 0
        for _ in 0..<400 {
            let lowers = [randomLayer(&rng), randomLayer(&rng)]
            let upper = randomLayer(&rng)
            let s = LayerSet(lowers: lowers, upper: upper)
            let orphans = Set(s.orphanWhiteouts().filter { $0.layer == .upper }.map(\.path))
            var m = mounted(lowers, upper: upper, options: ["redirect_dir=on"])
            for (p, node) in upper.entries.sorted(by: { $0.key < $1.key }) {
                if node.kind == .whiteout, case .success = m.lookup(p.parent ?? .root) {
                    whiteouts += 1
                    #expect(orphans.contains(p) == !m.lowerPositive(p), "whiteout \(p) in \(upper) over \(lowers)")
                }
                if node.kind.isDir, node.xattrs[x + "opaque"] == nil, let value = node.xattrs[x + "redirect"],
                   case .success(let r) = m.lookup(p) {
                    redirects += 1
                    let lead = s.redirectLead(p, value: value, in: .upper)
                    let merged = r.lowers.first.map { "\($0.layer):\($0.path)" }
                    #expect((lead?.node.kind.isDir == true ? lead.map { "\($0.layer):\($0.path)" } : nil) == merged,
                            "redirect \(p) in \(upper) over \(lowers)")
                }
            }
        }
        #expect(whiteouts > 100 && redirects > 100)
    }

    /// A layer of names `a`…`c` two deep: each name is missing, a file, a whiteout, a plain,
    /// opaque or redirected (relative, or absolute to a path of the root) directory.
    func randomLayer(_ rng: inout SplitMix) -> Layer {
        var l = Layer()
        func fill(_ parent: RelPath, depth: Int) {
            for name in ["a", "b", "c"] {
                let p = parent.appending(name)
                switch rng.next() % 10 {
                case 0, 1, 2: continue
                case 3: l[p] = Node(kind: .file(data: name))
                case 4: l[p] = Node(kind: .whiteout)
                case 5: l[p] = Node(kind: .dir, xattrs: [x + "opaque": "y"])
                case 6: l[p] = Node(kind: .dir, xattrs: [x + "redirect": ["a", "b", "c"][Int(rng.next() % 3)]])
                case 7: l[p] = Node(kind: .dir, xattrs: [x + "redirect": ["/a", "/b", "/a/c", "/c/b"][Int(rng.next() % 4)]])
                default: l[p] = Node(kind: .dir)
                }
                if depth < 2, l[p]?.kind.isDir == true { fill(p, depth: depth + 1) }
            }
        }
        fill(.root, depth: 1)
        return l
    }
}

/// A small seeded generator (splitmix64), so a failing stack is found again.
struct SplitMix {
    var seed: UInt64
    mutating func next() -> UInt64 {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
