import OvlCase
import OvlModel
@testable import OvlRunner
import OvlProtocol
import Testing

/// The kinds the checker gives, where it compares: paths, step numbers, data, sizes and callers
/// do not matter; the syscall, the errnos, the tree and the field do.
@Suite struct DifferenceKindTests {
    let a = RelPath(components: ["a"]), bx = RelPath(components: ["b", "x"])
    func stat(_ perm: UInt32, size: Int64) -> Outcome { .ok(.stat(StatView(type: .file, perm: perm, uid: 0, gid: 0, size: size, nlink: 1))) }

    @Test func stepKinds() {
        let unlinkA = DifferenceKind.step(.unlink(a), .failed(.ENOENT), .ok(.none))
        #expect(unlinkA == .stepResult(op: "unlink", expected: .failed(.ENOENT), observed: .succeeded))
        #expect(unlinkA.description == "step unlink: ENOENT -> 0")
        #expect(DifferenceKind.step(.asCaller(Caller(uid: 1000, gid: 1000), .unlink(bx)), .failed(.ENOENT), .ok(.none)) == unlinkA)
        #expect(DifferenceKind.step(.unlink(a), .failed(.EACCES), .ok(.none)) != unlinkA)
        #expect(DifferenceKind.step(.rmdir(a), .failed(.ENOENT), .ok(.none)) != unlinkA)
        let size = DifferenceKind.step(.stat(a), stat(0o644, size: 5), stat(0o644, size: 3))
        #expect(size == .stepValue(op: "stat", field: .size))
        #expect(DifferenceKind.step(.stat(bx), stat(0o600, size: 1), stat(0o600, size: 9)) == size)
        #expect(DifferenceKind.step(.stat(a), stat(0o644, size: 1), stat(0o600, size: 1)) == .stepValue(op: "stat", field: .mode))
        #expect(DifferenceKind.step(.read(a), .ok(.text("hello")), .ok(.text(""))) == .stepValue(op: "read", field: .text))
        #expect(DifferenceKind.step(.read(a), .ok(.text("hello")), nil) == .stepResult(op: "read", expected: .succeeded, observed: .notRun))
        #expect(DifferenceKind.step(.read(a), .ok(.text("hello")), .ok(.names([]))) == .stepValue(op: "read", field: .value))
    }

    @Test func dumpKinds() {
        var resolver = InodeResolver(layers: nil, overlayDevs: [:], finalUpper: nil, upperPaths: [:])
        let file = EntryView(type: .file, perm: 0o644, data: "1")
        func kinds(_ tree: DifferenceKind.Tree, _ e: TreeView, _ o: TreeView) -> [DifferenceKind] {
            Checker.compareTree(tree, tree.rawValue, e, o, &resolver).map(\.kind)
        }
        #expect(kinds(.upper, [a: file], [:]) == [.entryMissing(.upper)])
        #expect(kinds(.lower, [:], [bx: file]) == [.entryUnexpected(.lower)])
        var other = file
        other.data = "2"
        #expect(kinds(.merged, [a: file], [a: other]) == [.entryField(.merged, .data)])
        other.type = .dir
        #expect(kinds(.merged, [a: file], [a: other]) == [.entryField(.merged, .type(expected: .file, observed: .dir))])
        var xattr = file
        xattr.xattrs = ["trusted.overlay.origin": "<fh>"]
        #expect(kinds(.upper, [a: xattr], [a: file]) == [.entryField(.upper, .xattr("trusted.overlay.origin"))])
        #expect(Checker.compareMount(MountObservation(errno: nil, options: nil, kernelLog: []),
                                     MountObservation(errno: .EINVAL, options: nil, kernelLog: [])).map(\.kind)
                == [.mountResult(expected: nil, observed: .EINVAL)])
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

    func rmdir(_ step: Int, _ p: RelPath, _ expected: ModelErrno) -> Difference {
        Difference(step: step, kind: .step(.rmdir(p), .failed(expected), .ok(.none)), subject: "step \(step + 1) rmdir \(p)",
                   expected: expected.description, observed: "0")
    }

    @Test func keepsTheKindThroughShrinking() {
        let a = RelPath(components: ["a"]), cy = RelPath(components: ["c", "y"])
        let mergedGone = { (p: RelPath) in
            Difference(step: nil, kind: .entryMissing(.merged), subject: "merged \(p)", expected: "dir", observed: "absent")
        }
        let target = job([.stat(cy), .write(cy, data: "1"), .rmdir(a)], .fail, [rmdir(2, a, .ENOTEMPTY), mergedGone(a)])
        // Two steps fewer, another path: the same disagreement.
        let shrunk = job([.rmdir(cy)], .fail, [rmdir(0, cy, .ENOTEMPTY)])
        #expect(FuzzCampaign.shrinkSignature(shrunk) == FuzzCampaign.shrinkSignature(target))
        #expect(FuzzCampaign.shrinkSignature(target).description == "fail step rmdir: ENOTEMPTY -> 0")
        // The same verdict, but now the first difference is another one: not kept.
        let other = job([.rmdir(cy)], .fail, [mergedGone(cy)])
        #expect(FuzzCampaign.shrinkSignature(other) != FuzzCampaign.shrinkSignature(target))
        let otherErrno = job([.rmdir(a)], .fail, [rmdir(0, a, .EBUSY)])
        #expect(FuzzCampaign.shrinkSignature(otherErrno) != FuzzCampaign.shrinkSignature(target))
        // A crash is its own kind.
        #expect(FuzzCampaign.shrinkSignature(job([.rmdir(a)], .crash, [])) != FuzzCampaign.shrinkSignature(target))
    }
}
