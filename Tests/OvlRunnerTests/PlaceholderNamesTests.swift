import OvlModel
@testable import OvlRunner
import Testing

/// Names the kernel makes up in a workdir inside a lower (an index entry's handle in hex, a spare
/// whiteout's `#<hex>`) meet the prediction's placeholders.
@Suite struct PlaceholderNamesTests {
    let index = RelPath(components: ["e", "index"])

    @Test func pairsMadeUpNamesWithPlaceholders() {
        let predicted: TreeView = [
            index: EntryView(type: .dir, perm: 0),
            index.appending("<fh>0"): EntryView(type: .file, data: "a"),
            index.appending("<fh>1"): EntryView(type: .dir),
            index.appending(XattrPattern.tempName): EntryView(type: .chardev, rdev: "0:0"),
        ]
        let observed: TreeView = [
            index: EntryView(type: .dir, perm: 0),
            index.appending("00fb21aa"): EntryView(type: .dir),
            index.appending("00fb21bb"): EntryView(type: .file, data: "a"),
            index.appending("#4"): EntryView(type: .chardev, rdev: "0:0"),
        ]
        let renamed = Checker.withPlaceholderNames(observed, as: predicted)
        #expect(Set(renamed.keys) == Set(predicted.keys))
        #expect(renamed[index.appending("<fh>0")]?.data == "a")
        #expect(renamed[index.appending("<fh>1")]?.type == .dir)
    }

    /// An observed entry the prediction has no placeholder for stays as it is (a difference).
    @Test func leavesUnpredictedNames() {
        let observed: TreeView = [index: EntryView(type: .dir), index.appending("00fb21aa"): EntryView(type: .file)]
        #expect(Checker.withPlaceholderNames(observed, as: [index: EntryView(type: .dir)]) == observed)
    }
}
