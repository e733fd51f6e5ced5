import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import Testing
@testable import OvlRunner

/// `Tests/Schemas/junit.xsd`: the Jenkins/Ant JUnit shape CI systems accept.
private let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Schemas/junit.xsd").path

/// Runs `xmllint --schema` on `xml`; returns its exit status and output. Fails the test (never skips)
/// when xmllint is not installed.
private func validate(_ xml: String) throws -> (status: Int32, output: String) {
    let xmllint = "/usr/bin/xmllint"
    guard FileManager.default.isExecutableFile(atPath: xmllint) else {
        Issue.record("xmllint is missing, so the JUnit schema cannot be checked: apt-get install libxml2-utils (make deps)")
        return (-1, "")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("ovl-junit-\(UUID().uuidString).xml")
    try xml.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: xmllint)
    p.arguments = ["--noout", "--schema", schema, file.path]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, out)
}

private func result(_ index: Int, _ verdict: Verdict) throws -> JobResult {
    let c = try CaseParser.parse(yaml: "description: d\nrules: [R33]\nlayers: {lower: [{f: x}]}\nsteps: [{unlink: f}]\n",
                                 file: "cases/whiteout/00\(index)-x.yaml")
    let diffs = verdict == .fail ? [Difference(step: 0, kind: .stepResult(op: "unlink", expected: .succeeded, observed: .failed(.EPERM)), subject: "step 1 unlink f", expected: "0", observed: "EPERM <&>")] : []
    return JobResult(job: Job(index: index, caseID: c.id, config: FSConfig(lower: "xfs", upper: "ext4"), scenario: c.scenario),
                     caseInfo: c, verdict: verdict, differences: diffs,
                     kernelLog: verdict == .pass ? [] : ["WARNING: CPU: 0 PID: 1 at fs/overlayfs/dir.c:685 ovl_mkdir", "\u{1}ctl"],
                     seconds: 0.25)
}

@Suite("JUnit XML against the CI schema")
struct JUnitSchemaTests {
    @Test("every verdict kind, properties and escapes: the report validates against junit.xsd")
    func validates() throws {
        let verdicts: [Verdict] = [.pass, .fail, .crash, .hang, .error("layer setup failed"), .skip("needs xattrs")]
        let results = try verdicts.enumerated().map { try result($0.offset, $0.element) }
        let summary = RunSummary(results: results, kernel: "6.12.117+deb12-amd64", moduleSource: "/src/linux",
                                 moduleRevision: "git 0123456789ab-dirty, overlay.ko sha256 00112233", buildSeconds: 1,
                                 bootSeconds: [4], totalSeconds: 9.5, guests: 2)
        let xml = JUnitReporter.render(summary, options: ["fs": "ext4 xfs/ext4", "jobs": "2"])
        let (status, output) = try validate(xml)
        #expect(status == 0, "xmllint: \(output)")
        #expect(xml.contains("<property name=\"kernel\" value=\"6.12.117+deb12-amd64\"/>"))
        #expect(xml.contains("<property name=\"module_revision\" value=\"git 0123456789ab-dirty, overlay.ko sha256 00112233\"/>"))
        #expect(xml.contains("<property name=\"option.fs\" value=\"ext4 xfs/ext4\"/>"))
        #expect(xml.contains("<error message=\"hang: WARNING"))
    }

    @Test("the check can fail: an attribute the schema does not know is rejected")
    func rejects() throws {
        let xml = "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase name=\"c\" file=\"x.yaml\"/></testsuite></testsuites>"
        let (status, _) = try validate(xml)
        #expect(status != 0)
    }
}
