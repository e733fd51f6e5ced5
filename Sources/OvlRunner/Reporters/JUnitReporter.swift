import Foundation

/// JUnit XML: one testcase per case × configuration; the first difference in the failure message,
/// every difference in its body, the kernel log in system-err.
public enum JUnitReporter {
    public static func render(_ s: RunSummary) -> String {
        let failures = s.results.filter { $0.verdict == .fail }.count
        let errors = s.results.filter { $0.verdict.isFailure && $0.verdict != .fail }.count
            + s.results.filter { if case .error = $0.verdict { true } else { false } }.count
        let skipped = s.results.filter { if case .skip = $0.verdict { true } else { false } }.count
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"ovl-conform\" tests=\"\(s.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(format(s.totalSeconds))\">\n"
        x += "  <testsuite name=\"ovl-conform\" tests=\"\(s.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(format(s.totalSeconds))\">\n"
        x += "    <properties>\n"
        x += "      <property name=\"kernel\" value=\"\(esc(s.kernel))\"/>\n"
        x += "      <property name=\"module_source\" value=\"\(esc(s.moduleSource))\"/>\n"
        x += "    </properties>\n"
        for r in s.results {
            x += "    <testcase classname=\"\(esc(r.caseInfo.id.replacingOccurrences(of: "/", with: ".")))\" name=\"\(esc(r.name))\" file=\"\(esc(r.caseInfo.file))\" time=\"\(format(r.seconds))\""
            let body = r.differences.map { "\($0.subject)\n  - expected (model)   \($0.expected)\n  + observed (kernel)  \($0.observed)" }.joined(separator: "\n")
            switch r.verdict {
            case .pass:
                x += "/>\n"
                continue
            case .fail:
                let first = r.differences.first.map { "\($0.subject): expected \($0.expected), observed \($0.observed)" } ?? "differs"
                x += ">\n      <failure message=\"\(esc(first))\" type=\"difference\">\(esc("rules " + r.caseInfo.rules.joined(separator: ",") + "\n" + body))</failure>\n"
            case .crash, .hang:
                x += ">\n      <error message=\"\(r.verdict.name)\" type=\"\(r.verdict.name)\">\(esc(r.kernelLog.joined(separator: "\n")))</error>\n"
            case .error(let why):
                x += ">\n      <error message=\"\(esc(why))\" type=\"harness\"/>\n"
            case .skip(let why):
                x += ">\n      <skipped message=\"\(esc(why))\"/>\n"
            }
            if !r.kernelLog.isEmpty { x += "      <system-err>\(esc(r.kernelLog.joined(separator: "\n")))</system-err>\n" }
            x += "    </testcase>\n"
        }
        x += "  </testsuite>\n</testsuites>\n"
        return x
    }

    /// Seconds with millisecond precision, as JUnit's `time` attribute.
    static func format(_ t: Double) -> String { String(format: "%.3f", t) }

    /// Escapes text for XML attributes and bodies (and drops control characters XML forbids).
    static func esc(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(u)
            default: if u.value >= 0x20 { out.unicodeScalars.append(u) } else { out += "\\x\(String(u.value, radix: 16))" }
            }
        }
        return out
    }
}
