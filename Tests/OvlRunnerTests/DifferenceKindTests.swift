import OvlCase
import OvlModel
@testable import OvlRunner
import Testing

@Suite struct DifferenceKindTests {
    let a = RelPath(components: ["a"]), bx = RelPath(components: ["b", "x"])

    /// A step's outcome difference.
    func kind(_ step: Int, _ op: Operation, _ e: String, _ o: String) -> String {
        kind(step, op, "step \(step + 1) \(op.name) \(Checker.describe(op))", e, o)
    }

    func kind(_ step: Int?, _ op: Operation?, _ subject: String, _ e: String, _ o: String) -> String {
        DifferenceKind.of(Difference(step: step, subject: subject, expected: e, observed: o), step: op)
    }

    /// Paths, step numbers, data, sizes and callers do not matter; the errno and the field do.
    @Test func stepKinds() {
        let unlinkA = kind(4, .unlink(a), "ENOENT", "0")
        #expect(unlinkA == "step unlink: ENOENT -> 0")
        #expect(kind(0, .asCaller(Caller(uid: 1000, gid: 1000), .unlink(bx)), "ENOENT", "0") == unlinkA)
        #expect(kind(0, .unlink(a), "EACCES", "0") != unlinkA)
        #expect(kind(0, .rmdir(a), "ENOENT", "0") != unlinkA)
        let size = kind(2, .stat(a), "0 file 0644 0:0 size=5 nlink=1", "0 file 0644 0:0 size=3 nlink=1")
        #expect(size == "step stat: 0 size -> 0 size")
        #expect(kind(0, .stat(bx), "0 file 0600 0:0 size=1", "0 file 0600 0:0 size=9 ino=12") == size)
        #expect(kind(0, .stat(a), "0 file 0644 0:0 size=1", "0 file 0600 0:0 size=1") == "step stat: 0 mode -> 0 mode")
        #expect(kind(0, .readdir(a), "0 {x:file}", "0 {}") == kind(1, .readdir(bx), "0 {y:dir, z:file}", "0 {y:dir}"))
        #expect(kind(0, .read(a), "0 \"hello\"", "0 \"\"") == "step read: 0 text -> 0 text")
        #expect(kind(0, .read(a), "0 \"hello\"", "not run") == "step read: 0 -> not run")
        let ino = kind(1, .stat(a), "step 2 stat a st_ino", "the lower's st_ino", "1234")
        #expect(ino == "step stat st_ino")
        #expect(kind(3, .stat(bx), "step 4 stat b/x st_ino", "an upper inode", "99") == ino)
    }

    @Test func dumpKinds() {
        #expect(kind(nil, nil, "upper a/x", "file \"1\"", "absent") == "upper entry: present -> absent")
        #expect(kind(nil, nil, "upper b", "file", "absent") == kind(nil, nil, "upper a/x", "dir", "absent"))
        #expect(kind(nil, nil, "lower2 a", "absent", "file") == "lower entry: absent -> present")
        #expect(kind(nil, nil, "merged a data", "\"x\"", "\"y\"") == kind(nil, nil, "merged b/x data", "\"\"", "\"1\""))
        #expect(kind(nil, nil, "upper a xattr trusted.overlay.origin", "<fh>", "absent")
                == "upper xattr trusted.overlay.origin")
        #expect(kind(nil, nil, "merged a type", "file", "dir") == "merged type: file -> dir")
        #expect(kind(nil, nil, "merged a type", "file", "dir") != kind(nil, nil, "merged a type", "dir", "file"))
        #expect(kind(nil, nil, "index/00fb12", "x", "y") == kind(nil, nil, "index/00fb34", "x", "z"))
        #expect(kind(nil, nil, "mount", "0", "EINVAL") == "mount: 0 -> EINVAL")
    }
}

/// The shrinker's acceptance test: a candidate is kept only when its verdict and the kind of its
/// first difference are the target's.
@Suite struct ShrinkSignatureTests {
    func job(_ steps: [Operation], _ verdict: Verdict, _ diffs: [Difference]) -> JobResult {
        let s = Scenario(lowers: [Layer()], upper: Layer(), options: [], steps: steps)
        let here = SourceLocation(file: "x", line: 1, column: 1)
        let c = Case(id: "fuzz/1-0", file: "x", description: "d", rules: [], groups: [], scenario: s,
                     stepLocations: steps.map { _ in here }, location: here)
        return JobResult(job: Job(index: 0, caseID: c.id, config: FSConfig(lower: "ext4", upper: "ext4"), scenario: s),
                         caseInfo: c, verdict: verdict, differences: diffs, kernelLog: [], seconds: 0)
    }

    @Test func keepsTheKindThroughShrinking() {
        let a = RelPath(components: ["a"]), cy = RelPath(components: ["c", "y"])
        let target = job([.stat(cy), .write(cy, data: "1"), .rmdir(a)], .fail,
                         [Difference(step: 2, subject: "step 3 rmdir a", expected: "ENOTEMPTY", observed: "0"),
                          Difference(step: nil, subject: "merged a", expected: "dir", observed: "absent")])
        // Two steps fewer, another path: the same disagreement.
        let shrunk = job([.rmdir(cy)], .fail, [Difference(step: 0, subject: "step 1 rmdir c/y", expected: "ENOTEMPTY", observed: "0")])
        #expect(FuzzCampaign.shrinkSignature(shrunk) == FuzzCampaign.shrinkSignature(target))
        // The same verdict, but now the first difference is another one: not kept.
        let other = job([.rmdir(cy)], .fail, [Difference(step: nil, subject: "merged c/y", expected: "dir", observed: "absent")])
        #expect(FuzzCampaign.shrinkSignature(other) != FuzzCampaign.shrinkSignature(target))
        let otherErrno = job([.rmdir(a)], .fail, [Difference(step: 0, subject: "step 1 rmdir a", expected: "EBUSY", observed: "0")])
        #expect(FuzzCampaign.shrinkSignature(otherErrno) != FuzzCampaign.shrinkSignature(target))
        // A crash is its own kind.
        #expect(FuzzCampaign.shrinkSignature(job([.rmdir(a)], .crash, [])) != FuzzCampaign.shrinkSignature(target))
    }
}
