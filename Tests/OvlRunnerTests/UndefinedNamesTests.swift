import OvlCase
import OvlRunner
import Testing

/// `validate` and `run` refuse a step that uses an fd name no earlier `open` step made (a handle
/// label no earlier `name_to_handle_at` made is the parser's own error).
@Suite struct UndefinedNamesTests {
    func errors(_ steps: String) throws -> [String] {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R72]\nlayers: {lower: [{f: x}]}\nsteps:\n" + steps,
                                     file: "cases/fds/900-x.yaml")
        return UndefinedNames.errors(in: c)
    }

    @Test func fdUsedBeforeAnyOpen() throws {
        #expect(try errors("  - fd_read: Z\n")
                == ["cases/fds/900-x.yaml:5:5: error: step 1 (fd_read): no earlier open step names an fd 'Z'"])
        #expect(try errors("  - open: {path: f, fd: A}\n  - fd_read: A\n  - close: A\n").isEmpty)
        // Opened later than used: still refused, at the step that uses it.
        #expect(try errors("  - fd_fstat: A\n  - open: {path: f, fd: A}\n")
                == ["cases/fds/900-x.yaml:5:5: error: step 1 (fd_fstat): no earlier open step names an fd 'A'"])
    }
}
