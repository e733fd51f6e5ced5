@testable import OvlModel
import Testing

/// The layer checker's invariants (issue 9) on in-memory layers: each problem class is found on
/// a small damaged stack, repaired where fsck promises it, and absent from the clean stack.
@Suite struct InvariantTests {
    let x = "trusted.overlay."
    func p(_ s: String) -> RelPath { RelPath(parsing: s)! }
    func file(_ data: String = "", _ xattrs: [String: String] = [:]) -> Node { Node(kind: .file(data: data), xattrs: xattrs) }
    func dir(_ xattrs: [String: String] = [:]) -> Node { Node(kind: .dir, xattrs: xattrs) }
    func layer(_ e: [String: Node]) -> Layer {
        var l = Layer(entries: Dictionary(uniqueKeysWithValues: e.map { (p($0.key), $0.value) }))
        l.addMissingParents()
        return l
    }
    func problems(_ s: LayerSet) -> [String] { s.findings().map { "\($0.problem.rawValue) \($0.path)" } }

    @Test func cleanStackHasNoFinding() {
        let s = LayerSet(lowers: [layer(["d/f": file("a"), "e/g": file()])],
                         upper: layer(["d": dir([x + "origin": XattrPattern.fileHandle]), "d/f": Node(kind: .whiteout),
                                       "h": file("x", [x + "origin": XattrPattern.fileHandle])].merging(["e": dir()]) { a, _ in a }))
        // the root holds h (origin) and d (origin): it must be impure
        var clean = s
        clean.upper?.root.xattrs[x + "impure"] = "y"
        #expect(problems(clean) == [])
        #expect(problems(s) == ["missingImpure ."])
    }

    @Test func orphanWhiteouts() {
        let s = LayerSet(lowers: [layer(["d/f": file(), "o/g": file()]), layer(["d/w": file()])],
                         upper: layer(["d/f": Node(kind: .whiteout), "d/x": Node(kind: .whiteout),
                                       "d/w": Node(kind: .whiteout),
                                       "o": dir([x + "opaque": "y"]), "o/g": Node(kind: .whiteout)]))
        #expect(problems(s) == ["orphanWhiteout d/x", "orphanWhiteout o/g"])
        let fixed = s.repaired(s.findings())
        #expect(problems(fixed) == [])
        #expect(fixed.upper?[p("d/f")]?.kind == .whiteout)
        #expect(fixed.upper?[p("d/x")] == nil)
    }

    @Test func lowerWhiteoutMakesUpperOneAnOrphan() {
        let s = LayerSet(lowers: [layer(["d/f": Node(kind: .whiteout)]), layer(["d/f": file()])],
                         upper: layer(["d/f": Node(kind: .whiteout)]))
        #expect(problems(s) == ["orphanWhiteout d/f"])
    }

    @Test func whiteoutUnderRedirectedDirHidesTheRedirectTarget() {
        let s = LayerSet(lowers: [layer(["a/f": file()])],
                         upper: layer(["a": Node(kind: .whiteout), "b": dir([x + "redirect": "a", x + "origin": XattrPattern.fileHandle]),
                                       "b/f": Node(kind: .whiteout)]))
        var u = s
        u.upper?.root.xattrs[x + "impure"] = "y"
        #expect(problems(u) == [])
    }

    @Test func invalidRedirects() {
        for bad in ["", "a/b", "/a//b", "/a/", "/"] {
            let s = LayerSet(lowers: [layer(["a/f": file()])], upper: layer(["b": dir([x + "redirect": bad])]))
            #expect(problems(s) == ["invalidRedirect b"], "redirect \"\(bad)\"")
            let fixed = s.repaired(s.findings())
            #expect(fixed.upper?[p("b")]?.xattrs == [x + "opaque": "y"])
            #expect(problems(fixed) == [])
        }
        for good in ["a", "/a", "/a/b"] {
            #expect(LayerSet.redirectProblem(good) == nil)
        }
    }

    @Test func duplicateRedirectsAreLeft() {
        let s = LayerSet(lowers: [layer(["a/f": file()])],
                         upper: layer(["a": Node(kind: .whiteout), "b": dir([x + "redirect": "a"]), "c": dir([x + "redirect": "/a"])]))
        let f = s.findings()
        #expect(f.map { "\($0.problem.rawValue) \($0.path)" } == ["duplicateRedirect b", "duplicateRedirect c"])
        #expect(f.allSatisfy { !$0.fixable })
    }

    @Test func missingImpureIsSet() {
        let s = LayerSet(lowers: [layer(["d/f": file()])], upper: layer(["d/f": file("c", [x + "origin": ""])]))
        #expect(problems(s) == ["missingImpure d"])
        #expect(problems(s.repaired(s.findings())) == [])
    }

    @Test func badOriginsAreRemoved() {
        let valid = "0x00fb1500" + String(repeating: "00", count: 17)
        let short = "0x00fb0500"
        let wrongMagic = "0x00fa1500" + String(repeating: "00", count: 17)
        let tooLong = "0x00fbff00" + String(repeating: "00", count: 17)
        for (value, bad) in [(valid, false), ("0x", false), ("", false), (XattrPattern.fileHandle, false),
                             (short, true), (wrongMagic, true), (tooLong, true), ("not a handle", true)] {
            let s = LayerSet(lowers: [layer(["f": file()])], upper: layer(["f": file("u", [x + "origin": value])]))
            let found = s.findings().filter { $0.problem == .badOrigin }
            #expect(found.count == (bad ? 1 : 0), "origin \(value)")
            if bad { #expect(problems(s.repaired(s.findings())) == []) }
        }
    }

    @Test func staleIndexEntries() {
        let fh = "00fb1500" + String(repeating: "00", count: 17)
        let other = "00fb1500" + String(repeating: "11", count: 17)
        let work = layer(["index/\(fh)": file("", [x + "origin": "0x" + fh]),
                          "index/\(other)": file("", [x + "origin": "0x" + fh]),
                          "index/zz": file(), "index/#1": file(),
                          "index/\(other)00": Node(kind: .whiteout),
                          "index/\(fh)aa": dir(), "work/#2": Node(kind: .whiteout)])
        let s = LayerSet(lowers: [layer([:])], upper: layer([:]), workdir: work)
        #expect(problems(s) == ["staleIndex index/\(fh)aa", "staleIndex index/\(other)", "staleIndex index/zz"])
        #expect(s.findings().allSatisfy { !$0.fixable && $0.layer == .workdir })
    }

    @Test func metacopyWithoutData() {
        let s = LayerSet(lowers: [layer(["d/g": file("data"), "moved": file("m")])],
                         upper: layer(["d/f": file("", [x + "metacopy": ""]), "d/g": file("", [x + "metacopy": ""]),
                                       "d/h": file("", [x + "metacopy": "ab"]),
                                       "d/r": file("", [x + "metacopy": "", x + "redirect": "/moved"])]))
        #expect(problems(s) == ["metacopyWithoutData d/f", "metacopyWithoutData d/h"])
        #expect(s.findings().allSatisfy { !$0.fixable })
    }

    @Test func featuresAreGrouped() {
        let fh = "00fb1500" + String(repeating: "00", count: 17)
        let s = LayerSet(lowers: [layer(["a/f": file()])],
                         upper: layer(["b": dir([x + "redirect": "a", x + "origin": XattrPattern.fileHandle]),
                                       "m": file("", [x + "metacopy": ""])]),
                         workdir: layer(["index/\(fh)": Node(kind: .whiteout)]))
        let f = s.features()
        #expect(f.compatible == ["origin"])
        #expect(f.readOnlyCompatible == ["index", "nfs_export"])
        #expect(f.incompatible == ["redirect_dir", "metacopy"])
        #expect(f.neededOptions == ["redirect_dir=on", "metacopy=on", "index=on", "nfs_export=on"])
        #expect(LayerSet(lowers: [layer(["a": file()])], upper: nil).features() == LayerFeatures())
    }

    @Test func fixedScenarioMountsRepairedLayers() {
        var s = Scenario(lowers: [layer(["d/f": file()])], upper: layer(["d/x": Node(kind: .whiteout)]), options: [], steps: [])
        #expect(s.asMounted == s)
        s.fsck = FsckCheck(expect: ["R33"], fix: true)
        #expect(s.asMounted.upper?[p("d/x")] == nil)
        #expect(s.asMounted.upper?[p("d")]?.mtime == nil)
        s.fsck?.fix = false
        #expect(s.checksOnly && s.asMounted == s)
    }
}
