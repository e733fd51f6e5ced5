import OvlModel
import Testing
@testable import OvlCase

private let head = "description: d\nrules: [R90]\nlayers:\n  lower:\n    - a: x\nsteps:\n"

@Suite("R90: steps run as another caller (as:)")
struct CallerStepTests {
    @Test func parsesAndRoundTrips() throws {
        let yaml = head + """
          - {write: {path: a, data: "y"}, as: {uid: 1000, gid: 100, umask: 022}}
          - as: {uid: 7, gid: 0}
            stat: a
          - parallel: [{read: a, as: {uid: 1000, gid: 1000}}, {read: a}]

        """
        let parsed = try CaseParser.parse(yaml: yaml, file: "c.yaml")
        let a = RelPath(components: ["a"])
        let expected: [OvlModel.Operation] = [
            .asCaller(Caller(uid: 1000, gid: 100, umask: 0o22), .write(a, data: "y")),
            .asCaller(Caller(uid: 7, gid: 0), .stat(a)),
            .parallel([.asCaller(Caller(uid: 1000, gid: 1000), .read(a)), .read(a)]),
        ]
        #expect(parsed.scenario.steps == expected)
        #expect(parsed.scenario.steps[0].name == "write")
        // CaseWriter writes the step back in a form the parser reads again.
        let text = CaseWriter.yaml(parsed.scenario, description: "d", rules: ["R90"])
        #expect(try CaseParser.parse(yaml: text, file: "w.yaml").scenario.steps == expected)
    }

    @Test func refusals() {
        #expect(render(head + "  - {remount: {}, as: {uid: 1000, gid: 1000}}\n").contains(
            "error: step 'remount' cannot run 'as' another caller; allowed: append, chmod"))
        #expect(render(head + "  - {stat: a, as: {uid: 0, gid: 0}}\n").contains("error: integer 0 is out of range 1...65534"))
        #expect(render(head + "  - {stat: a, as: {uid: 5}}\n").contains("error: 'as' needs 'gid'"))
        #expect(render(head + "  - {stat: a, as: {uid: 5, gid: 5, groups: [1]}}\n").contains(
            "error: unknown key 'groups'; expected one of: gid, uid, umask"))
        #expect(render(head + "  - {stat: a, as: {uid: 5, gid: 5, umask: 01000}}\n").contains(
            "error: a umask holds permission bits only (at most 0777)"))
        #expect(render(head + "  - {stat: {path: a, same_inode_as: 1}, as: {uid: 5, gid: 5}}\n").contains(
            "error: 'same_inode_as' cannot be used in a step run 'as' another caller"))
        #expect(render(head + "  - {open: {path: a, fd: F}, as: {uid: 5, gid: 5}}\n").contains("cannot run 'as' another caller"))
        #expect(render(head + "  - {stat: a, read: a}\n").contains(
            "error: a step is a mapping with one key, the step name (and 'as:'); found 2 keys: 'stat', 'read'"))
    }
}
