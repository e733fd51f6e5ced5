@testable import OvlCase

/// The whole rendered error for `yaml` (parsed as case file `file`), or a marker when it parsed.
func render(_ yaml: String, file: String = "c.yaml") -> String {
    do {
        _ = try CaseParser.parse(yaml: yaml, file: file)
        return "<parsed>"
    } catch {
        return error.description
    }
}
