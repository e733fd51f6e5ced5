import Foundation
@testable import OvlModel
@testable import OvlRunner
import Testing

@Suite("The README's version table is the model's")
struct VersionTableTests {
    @Test("README.md holds VersionTable.markdown() between its markers (regenerate: ovl-conform list --versions)")
    func readmeMatches() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- versions:begin -->\n"))
        let end = try #require(text.range(of: "\n<!-- versions:end -->"))
        #expect(String(text[begin.upperBound..<end.lowerBound]) == VersionTable.markdown())
    }

    @Test("a kernel an entry was checked on without it is marked absent; no run is 'unconfirmed'")
    func rows() {
        let c = KernelChange(name: "x", mainline: KernelVersion(6, 16), backports: [], rules: ["R1"], source: "a|b", before: "",
                             confirmedOn: [KernelVersion(6, 12, 118), KernelVersion(6, 18, 44)])
        let u = KernelChange(name: "y", mainline: nil, backports: [KernelVersion(6, 12, 117)], rules: [], source: "s", before: "")
        #expect(VersionTable.markdown([c, u]).split(separator: "\n").dropFirst(2) ==
                ["| x | 6.16 |  | R1 | a\\|b | 6.12.118 (absent), 6.18.44 |", "| y | unknown | 6.12.117 |  | s | unconfirmed |"])
    }
}
