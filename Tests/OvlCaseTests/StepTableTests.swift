import Foundation
@testable import OvlCase
import OvlModel
import Testing

private func rp(_ text: String) -> RelPath { RelPath(components: text.split(separator: "/").map(String.init)) }

@Suite("The step table drives the parser and the README")
struct StepTableTests {
    @Test("README.md holds StepKind.markdown() between its markers (regenerate: ovl-conform list --steps)")
    func readmeMatches() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- steps:begin -->\n"))
        let end = try #require(text.range(of: "\n<!-- steps:end -->"))
        #expect(String(text[begin.upperBound..<end.lowerBound]) == StepKind.markdown())
    }

    @Test("every step the parser takes is named once in the table, and every table name but 'stage' parses")
    func namesAreTheTable() {
        #expect(Set(StepParser.names) == Set(StepKind.allCases.filter { $0 != .nextStage }.map(\.name)))
        #expect(StepParser.names.count == StepKind.allCases.count - 1)
    }

    @Test("an unknown step name is an error at its position listing the table's names")
    func unknownStep() throws {
        let yaml = "description: x\nrules: [R1]\nlayers:\n  lower:\n    - a: hello\nsteps:\n  - stat: a\n  - frobnicate: a\n"
        #expect(throws: CaseError.self) { try CaseParser.parse(yaml: yaml, file: "t.yaml") }
        do {
            _ = try CaseParser.parse(yaml: yaml, file: "t.yaml")
        } catch {
            let text = "\(error)"
            #expect(text.contains("t.yaml:8:5"))
            #expect(text.contains("unknown step 'frobnicate'; expected one of: append, chattr"))
        }
    }

    @Test("a 'stage' in steps: is refused (stages are written under stages:)")
    func stageIsNotAStep() {
        let yaml = "description: x\nrules: [R1]\nlayers:\n  lower:\n    - a: hello\nsteps:\n  - stage\n"
        #expect(throws: CaseError.self) { try CaseParser.parse(yaml: yaml, file: "t.yaml") }
    }

    @Test("the case writer's text of every step parses back to the same operation")
    func writerRoundTrip() throws {
        let ops: [OvlModel.Operation] = [
            .stat(rp("a")), .mkdir(rp("d"), mode: 0o700), .create(rp("c"), mode: 0o644), .mknod(rp("f"), kind: .chardev(major: 1, minor: 3)),
            .rename(rp("a"), to: rp("b"), flags: [.noreplace]), .nameToHandle(rp("a"), label: "h", fid: true),
            .fsconfigLayers([.lowerdir]), .reconfigure(params: ["ro"]), .remountInPlace(options: "ro"), .chattr(rp("a"), immutable: true, append: false),
            .fd(.open(rp("a"), flags: [.rdwr], fd: "A")), .fd(.lseek(fd: "A", offset: 1, whence: .end)), .fd(.mmapRead(fd: "A", size: 4)),
            .fd(.fchmod(fd: "A", mode: 0o600)), .fd(.readdir(fd: "A")), .fd(.close(fd: "A")), .dropCaches, .exec(rp("a")),
            .parallel([.read(rp("a")), .unlink(rp("b"))]),
        ]
        for op in ops {
            let yaml = "description: x\nrules: [R1]\nlayers:\n  lower:\n    - a: hello\nsteps:\n  - \(CaseWriter.stepText(op))\n"
            let c = try CaseParser.parse(yaml: yaml, file: "t.yaml")
            #expect(c.scenario.steps == [op], "\(CaseWriter.stepText(op))")
        }
    }
}
