import OvlCase
import OvlModel
@testable import OvlRunner
import Testing

@Suite("A case never follows a symlink out of the merged tree")
struct TreeEscapeTests {
    private func errors(_ steps: String) throws -> [String] {
        let yaml = """
            description: escape
            rules: [R33]
            layers:
              lower:
                - d/f: x
                  abs: {type: symlink, target: /var/tmp/x}
                  d/up: {type: symlink, target: ../../etc}
                  d/in: {type: symlink, target: ../d/f}
            steps:
            \(steps)
            """
        return TreeEscape.errors(in: try CaseParser.parse(yaml: yaml, file: "e.yaml"))
    }

    @Test("an absolute target and `..` above the root are refused at the step's line and column")
    func refused() throws {
        #expect(try errors("  - stat: d/f\n  - write: {path: abs, data: x}") ==
                ["e.yaml:11:5: error: step 2 would follow a symlink out of the merged tree: symlink abs -> /var/tmp/x leaves the overlay"])
        #expect(try errors("  - stat: d/up/passwd").first?.hasPrefix("e.yaml:10:5: error: step 1 would follow") == true)
    }

    @Test("links that stay inside, and steps that do not follow them, pass")
    func allowed() throws {
        #expect(try errors("  - read: d/in\n  - readlink: abs\n  - lstat: abs\n  - unlink: abs").isEmpty)
    }
}
