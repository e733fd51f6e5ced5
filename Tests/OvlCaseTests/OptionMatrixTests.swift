import OvlModel
import Testing
@testable import OvlCase

private let head = "description: d\nrules: [R11]\noptions: [xino=off]\n"
private let lower = "layers:\n  lower:\n    - a: x\n"

/// ``render(_:file:)`` for a case file named `m.yaml`.
private func renderM(_ yaml: String) -> String { render(yaml, file: "m.yaml") }

@Suite struct OptionMatrixTests {
    @Test func expandsEveryCombinationInOrder() throws {
        let yaml = head + "matrix:\n  redirect_dir: [on, unset]\n  userxattr: [set, unset]\n  index: [off]\n" + lower
        let c = try CaseParser.parse(yaml: yaml, file: "cases/mount/9-m.yaml")
        let variants = c.expanded()
        #expect(variants.map(\.id) == [
            "mount/9-m{redirect_dir=on,userxattr=set,index=off}",
            "mount/9-m{redirect_dir=on,userxattr=unset,index=off}",
            "mount/9-m{redirect_dir=unset,userxattr=set,index=off}",
            "mount/9-m{redirect_dir=unset,userxattr=unset,index=off}",
        ])
        #expect(variants[0].scenario.options.map(\.description) == ["xino=off", "redirect_dir=on", "userxattr", "index=off"])
        #expect(variants[3].scenario.options.map(\.description) == ["xino=off", "index=off"])
        #expect(variants.allSatisfy { $0.matrix.isEmpty && $0.scenario.lowers == c.scenario.lowers })
    }

    @Test func aPlainCaseExpandsToItself() throws {
        let c = try CaseParser.parse(yaml: head + lower, file: "p.yaml")
        #expect(c.expanded() == [c])
    }

    @Test func badValue() {
        #expect(renderM(head + "matrix:\n  redirect_dir: [on, sideways]\n" + lower) == """
        m.yaml:5:22: error: bad value 'sideways' for matrix option 'redirect_dir'; expected one of: off, follow, nofollow, on, unset
          redirect_dir: [on, sideways]
                             ^
        """)
    }

    @Test func flagTakesSetOrUnset() {
        #expect(renderM(head + "matrix:\n  volatile: [on]\n" + lower).hasPrefix(
            "m.yaml:5:14: error: bad value 'on' for matrix option 'volatile'; expected one of: set, unset"))
    }

    @Test func optionInBothPlaces() {
        #expect(renderM(head + "matrix:\n  xino: [on]\n" + lower).hasPrefix(
            "m.yaml:5:3: error: mount option 'xino' is both in 'options' and in 'matrix'"))
    }

    @Test func unknownOptionAndEmptyLists() {
        #expect(renderM(head + "matrix:\n  redirect: [on]\n" + lower).hasPrefix("m.yaml:5:3: error: unknown mount option 'redirect'"))
        #expect(renderM(head + "matrix:\n  index: []\n" + lower).hasPrefix("m.yaml:5:10: error: matrix option 'index' needs at least one value"))
        #expect(renderM(head + "matrix:\n  index: [on, on]\n" + lower).hasPrefix("m.yaml:5:15: error: value 'on' is listed twice"))
    }
}

@Suite struct NestedLayerTests {
    @Test func aLayerInsideAnother() throws {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/b/f: x\n    - \"@0/a\"\n", file: "n.yaml")
        #expect(c.scenario.nestedLowers == [NestedLayer(layer: 1, host: 0, path: RelPath(components: ["a"]))])
        #expect(c.scenario.lowers[1].entries.keys.map(\.description).sorted() == ["b", "b/f"])
    }

    /// R7: `upper: "@N/dir"` is an upper inside a lower; it holds that folder's contents.
    @Test func anUpperInsideALower() throws {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/b/f: x\n  upper: \"@0/a\"\n", file: "n.yaml")
        #expect(c.scenario.upperInLower == LayerSpot(host: 0, path: RelPath(components: ["a"])))
        #expect(c.scenario.upper?.entries.keys.map(\.description).sorted() == ["b", "b/f"])
        #expect(renderM("description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/f: x\n  upper: \"@0/a/f\"\n").hasPrefix(
            "m.yaml:6:10: error: '@0/a/f' should name a dir of a listed lower layer"))
        #expect(renderM("description: d\nrules: [R7]\nlayer_fs: {upper: ramfs}\nlayers:\n  lower:\n    - a/f: x\n  upper: \"@0/a\"\n")
            .contains("may not give 'layer_fs' or 'fsck'"))
        let w = try CaseParser.parse(yaml: "description: d\nrules: [R7]\nlayers:\n  lower:\n    - e: {type: dir}\n  workdir: \"@0/e\"\n", file: "n.yaml")
        #expect(w.scenario.workInLower == LayerSpot(host: 0, path: RelPath(components: ["e"])))
    }

    /// R6: an upper at or inside the workdir's folder is the upper's, not workdir contents
    /// (which would be unpredictable); its other entries stay the workdir's.
    @Test func anUpperInsideTheWorkdir() throws {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/u/g: x\n  upper: \"@0/a/u\"\n  workdir: \"@0/a\"\n", file: "n.yaml")
        #expect(c.scenario.workdir?.entries.isEmpty == true)
        #expect(c.scenario.upper?.entries.keys.map(\.description) == ["g"])
        let same = try CaseParser.parse(yaml: "description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/g: x\n  upper: \"@0/a\"\n  workdir: \"@0/a\"\n", file: "n.yaml")
        #expect(same.scenario.workdir?.entries.isEmpty == true)
        #expect(renderM("description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/u/g: x\n      a/h: y\n  upper: \"@0/a/u\"\n  workdir: \"@0/a\"\n")
            .contains("only work/… and index/#… entries are predicted"))
    }

    @Test func aReferenceMustNameADirOfAnotherLayer() {
        #expect(renderM("description: d\nrules: [R7]\nlayers:\n  lower:\n    - a/f: x\n    - \"@0/a/f\"\n").hasPrefix(
            "m.yaml:6:7: error: '@0/a/f' should name a dir of another listed lower layer"))
    }
}

@Suite struct MountSectionTests {
    /// R3: `mount:` with generated layers and an `api` axis expands once per API.
    @Test func apiAxisAndGeneratedLayers() throws {
        let yaml = "description: d\nrules: [R3]\nmatrix: {api: [mount2, fsconfig]}\nmount: {generated_lowers: 3, lower_names: [\"a:b\"]}\n" + lower
        let c = try CaseParser.parse(yaml: yaml, file: "cases/mount/9-m.yaml")
        #expect(c.scenario.lowers.count == 4)
        #expect(c.scenario.mountSpec?.lowerNames == ["a:b", "g1", "g2", "g3"])
        #expect(c.expanded().map { $0.scenario.mountSpec?.api } == [.mount2, .fsconfig])
    }

    @Test func unknownPlaceholderIsAnError() {
        let yaml = "description: d\nrules: [R3]\nmount: {params: [\"lowerdir={l7}\"]}\n" + lower
        #expect(throws: CaseError.self) { try CaseParser.parse(yaml: yaml, file: "m.yaml") }
    }

    /// R9, R6: `holder:` takes parameters as `params:` does and must hold an upperdir; `bind:`
    /// names a spare folder and a layer folder.
    @Test func holderAndBind() throws {
        let yaml = "description: d\nrules: [R9]\nmount: {spare: [x, y], bind: {y: w}, holder: [\"lowerdir={s0}\", \"upperdir={l0}\", \"workdir={s1}\"]}\n" + lower
        let spec = try CaseParser.parse(yaml: yaml, file: "m.yaml").scenario.mountSpec
        #expect(spec?.holder == ["lowerdir={s0}", "upperdir={l0}", "workdir={s1}"])
        #expect(spec?.binds == [1: "w"])
        #expect(spec?.holderSpec?.params == spec?.holder)
        for bad in ["holder: [\"lowerdir={s0}\"]", "bind: {z: w}", "bind: {x: q}", "holder: [\"upperdir={s9}\"]"] {
            let text = "description: d\nrules: [R9]\nmount: {spare: [x], \(bad)}\n" + lower
            #expect(throws: CaseError.self) { try CaseParser.parse(yaml: text, file: "m.yaml") }
        }
    }

    /// R21, R3: a holder without upper must be lower 0 over an empty spare folder, the job's
    /// `lowerdir=` starting with `{h}`; `mount_stacked` is then allowed.
    @Test func holderOfLowerZero() throws {
        let job = "params: [\"lowerdir={h}\", \"upperdir={u}\", \"workdir={w}\"]"
        let yaml = "description: d\nrules: [R21]\nmount: {spare: [e], holder: [\"lowerdir={l0}:{s0:e}\"], \(job)}\n" + lower + "steps: [mount_stacked]\n"
        #expect(try CaseParser.parse(yaml: yaml, file: "m.yaml").scenario.mountSpec?.holdsLowerZero == true)
        for bad in ["holder: [\"lowerdir={l0}:{s0}\"], params: [\"lowerdir={l0}\"]",
                    "holder: [\"lowerdir={l0}:{s0}\", \"xino=on\"], \(job)",
                    "holder: [\"lowerdir={s0}:{l0}\"], \(job)",
                    "bind: {e: w}, holder: [\"lowerdir={l0}:{s0}\"], \(job)"] {
            let text = "description: d\nrules: [R9]\nmount: {spare: [e], \(bad)}\n" + lower
            #expect(throws: CaseError.self) { try CaseParser.parse(yaml: text, file: "m.yaml") }
        }
    }
}
