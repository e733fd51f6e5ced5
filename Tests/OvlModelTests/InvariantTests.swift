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
            // -p removes it; -y too, and no lower dir is named b, so b is not made opaque.
            #expect(s.repaired(s.findings(), policy: .safe).upper?[p("b")]?.xattrs == [:])
            let fixed = s.repaired(s.findings(), policy: .yes)
            #expect(fixed.upper?[p("b")]?.xattrs == [:])
            #expect(problems(fixed) == [])
        }
        for good in ["a", "/a", "/a/b"] {
            #expect(LayerSet.redirectProblem(good) == nil)
        }
    }

    @Test func duplicateRedirectsAreLeftByPRemovedByY() {
        let s = LayerSet(lowers: [layer(["a/f": file()])],
                         upper: layer(["a": Node(kind: .whiteout), "b": dir([x + "redirect": "a"]), "c": dir([x + "redirect": "/a"])]))
        // b comes first in scan order and is kept; the root holds redirected dirs: impure.
        #expect(problems(s) == ["missingImpure .", "duplicateRedirect c"])
        let dup = s.findings().first { $0.problem == .duplicateRedirect }!
        #expect(!dup.fixable && dup.repairs(under: .yes) == [.removeXattr(x + "redirect")])
        #expect(s.check(policy: .safe).exitCode == 4)
        let yes = s.check(policy: .yes)
        #expect(yes.exitCode == 1)
        #expect(yes.layers.upper?[p("c")]?.xattrs == [:])
        #expect(yes.layers.upper?[p("b")]?.xattrs[x + "redirect"] == "a")
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

    // fsck.overlay's checks (issue 17), on the shapes of xfstests overlay/045, 046 and 056.

    func whiteout() -> Node { Node(kind: .whiteout) }
    func set(_ lowers: [[String: Node]], _ upper: [String: Node]?, root: [String: String] = [:]) -> LayerSet {
        var u = upper.map(layer)
        u?.root.xattrs = root
        return LayerSet(lowers: lowers.map(layer), upper: u)
    }
    func all(_ s: LayerSet, _ policy: FixPolicy = .none) -> [String] {
        s.findings(policy: policy).map { "\($0.problem.rawValue) \($0.layer):\($0.path)" }
    }

    @Test func orphanWhiteoutsInEveryLayer() {
        // The lowest layer's whiteout hides nothing; the upper one above it neither.
        let s = set([["foo": whiteout()]], ["foo": whiteout(), "bar": whiteout()])
        #expect(all(s) == ["orphanWhiteout lower0:foo", "orphanWhiteout upper:bar", "orphanWhiteout upper:foo"])
        let run = s.check(policy: .safe)
        #expect(run.exitCode == 1 && run.left.isEmpty)
        #expect(run.layers.lowers[0][p("foo")] == nil)
        // A middle layer's whiteout over a file below it is kept.
        #expect(all(set([["bar": whiteout()], ["foo": file(), "bar": file()]], ["foo": whiteout()])) == [])
    }

    @Test func lookupStopsAtNonDirsOpaqueDirsAndWhiteouts() {
        let s = set([["t1": file(), "t2": whiteout(), "t3": dir([x + "opaque": "y"])],
                     ["t1/foo": file(), "t2/foo": file(), "t3/foo": file()]],
                    ["t1/foo": whiteout(), "t2/foo": whiteout(), "t3/foo": whiteout(), "t4/foo": whiteout()],
                    root: [x + "impure": "y"])
        #expect(all(s) == ["orphanWhiteout upper:t1/foo", "orphanWhiteout upper:t2/foo",
                           "orphanWhiteout upper:t3/foo", "orphanWhiteout upper:t4/foo"])
    }

    @Test func redirectsInLowerLayersAreFollowed() {
        // overlay/045 'Valid whiteout(3)': lower0/testdir redirects to lower1/origin.
        let s = set([["testdir": dir([x + "redirect": "origin"]), "origin": whiteout()], ["origin/subdir/foo": file()]],
                    ["testdir": dir([x + "impure": "y"]), "testdir/subdir/foo": whiteout()], root: [x + "impure": "y"])
        #expect(all(s) == [])
        // Without the lower redirect the upper whiteout would hide nothing.
        var plain = s
        plain.lowers[0][p("testdir")]?.xattrs = [:]
        #expect(all(plain).contains("orphanWhiteout upper:testdir/subdir/foo"))
    }

    @Test func redirectTargetsMustBeLowerDirs() {
        #expect(all(set([[:]], ["t": dir([x + "redirect": "invalid"])])) == ["invalidRedirect upper:t"])
        #expect(all(set([["origin": file()]], ["t": dir([x + "redirect": "origin"])])) == ["invalidRedirect upper:t"])
        #expect(all(set([["origin": whiteout()], ["origin": dir()]], ["t": dir([x + "redirect": "origin"])]))
                    .contains("invalidRedirect upper:t"))
        // A redirect in the lowest layer has nothing to lead to.
        #expect(all(set([["origin": dir(), "t": dir([x + "redirect": "origin"])]], [:])) == ["invalidRedirect lower0:t"])
        // -y makes the dir opaque only over a lower dir of its own name.
        let named = set([["t/f": file()]], ["t": dir([x + "redirect": "invalid"])])
        #expect(named.check(policy: .safe).layers.upper?[p("t")]?.xattrs == [:])
        #expect(named.check(policy: .yes).layers.upper?[p("t")]?.xattrs == [x + "opaque": "y"])
    }

    @Test func missingWhiteoutAtRedirectOriginIsAdded() {
        let s = set([["origin/f": file()]], ["t": dir([x + "redirect": "origin"])], root: [x + "impure": "y"])
        #expect(all(s) == ["missingWhiteout upper:t"])
        let run = s.check(policy: .safe)
        #expect(run.exitCode == 1)
        #expect(run.layers.upper?[p("origin")]?.kind == .whiteout)
        // No parent in the redirect's layer: reported, left.
        let deep = set([["a/origin": dir()]], ["t": dir([x + "redirect": "/a/origin"])], root: [x + "impure": "y"])
        #expect(deep.check(policy: .safe).exitCode == 4)
    }

    @Test func originHiddenByAnAncestorNeedsNoWhiteout() {
        // rename x y, then rename y/a z: z's redirect is /x/a, and the whiteout at x hides it.
        let s = set([["x/a/f": file()]],
                    ["x": whiteout(), "y": dir([x + "redirect": "x"]), "y/a": whiteout(), "z": dir([x + "redirect": "/x/a"])],
                    root: [x + "impure": "y"])
        #expect(all(s) == [])
    }

    @Test func duplicatesAcrossLayersAndWithMergeDirs() {
        // overlay/046 'Duplicate redirect': the first lower redirect stays, the others are duplicates.
        let s = set([["t1": dir([x + "redirect": "origin"]), "t2": dir([x + "redirect": "origin"])], ["origin": dir()]],
                    ["t3": dir([x + "redirect": "origin"])], root: [x + "impure": "y"])
        #expect(all(s) == ["missingWhiteout lower0:t1", "duplicateRedirect lower0:t2", "duplicateRedirect upper:t3"])
        #expect(s.check(policy: .safe).exitCode == 4)
        let yes = s.check(policy: .yes)
        #expect(yes.exitCode == 1)
        #expect(yes.layers.lowers[0][p("t1")]?.xattrs[x + "redirect"] == "origin")
        #expect(yes.layers.lowers[0][p("t2")]?.xattrs[x + "redirect"] == nil)
        #expect(yes.layers.upper?[p("t3")]?.xattrs[x + "redirect"] == nil)
        // 'Duplicate redirect(2)': a plain upper dir merges the redirect's target too.
        let merge = set([["origin": dir()]], ["origin": dir(), "t": dir([x + "redirect": "origin"])], root: [x + "impure": "y"])
        #expect(all(merge) == ["duplicateRedirect upper:t"])
        #expect(merge.check(policy: .yes).layers.upper?[p("t")]?.xattrs == [:])
        // Exchanged redirects cover each other.
        #expect(all(set([["a": dir(), "b": dir()]], ["a": dir([x + "redirect": "b"]), "b": dir([x + "redirect": "a"])],
                        root: [x + "impure": "y"])) == [])
    }

    @Test func impureReasons() {
        // A redirected subdir is a reason under -n; an invalid redirect is none.
        #expect(all(set([["origin": dir()]], ["t/s": dir([x + "redirect": "/origin"]), "origin": whiteout()]))
                    == ["missingImpure upper:t"])
        #expect(all(set([[:]], ["t/s": dir([x + "redirect": "/nowhere"])])) == ["invalidRedirect upper:t/s"])
        // A merge subdir only: no error under -n, set by -p (overlay/056 'Missing impure(3)').
        let merge = set([["t/f": file()]], ["t/g": file()])
        #expect(all(merge) == [])
        #expect(all(merge, .safe) == ["missingImpure upper:."])
        #expect(merge.check(policy: .safe).exitCode == 1)
        #expect(merge.check(policy: .none).exitCode == 0)
        // An opaque subdir merges nothing.
        #expect(all(set([["t/f": file()]], ["t": dir([x + "opaque": "y"])]), .safe) == [])
    }

    @Test func dataOnlyLayersAreOutsideTheNamespace() {
        // The whiteout in the last namespace layer hides nothing, though the data layer has the name.
        var s = set([["foo": whiteout()], ["foo": file()]], nil)
        #expect(all(s) == [])
        s.dataLayerCount = 1
        #expect(all(s) == ["orphanWhiteout lower0:foo"])
    }
}
