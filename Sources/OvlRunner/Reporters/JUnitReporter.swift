import Foundation

/// JUnit XML in the shape Jenkins' and Ant's JUnit schema (junit-4.xsd) accepts: one testcase per
/// case × configuration; the first difference in the failure message and its kind as the failure's
/// type, every difference in its body, the kernel log in system-err; kernel, module source and revision, and the run's options
/// as properties.
public enum JUnitReporter {
    /// - Parameter options: the run's options (`fs`, `jobs`, …), each written as an `option.NAME` property.
    public static func render(_ s: RunSummary, options: [String: String] = [:]) -> String {
        let failures = s.results.filter { $0.verdict == .fail }.count
        let errors = s.results.filter { $0.verdict == .crash || $0.verdict == .hang }.count
            + s.results.filter { if case .error = $0.verdict { true } else { false } }.count
        let skipped = s.results.filter { if case .skip = $0.verdict { true } else { false } }.count
        let counts = "tests=\"\(s.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\""
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"ovl-conform\" \(counts) time=\"\(format(s.totalSeconds))\">\n"
        x += "  <testsuite name=\"ovl-conform\" \(counts) skipped=\"\(skipped)\" time=\"\(format(s.totalSeconds))\">\n"
        x += "    <properties>\n"
        var properties = [("kernel", s.kernel), ("module_source", s.moduleSource), ("module_revision", s.moduleRevision),
                          ("guests", String(s.guests))]
        properties += options.keys.sorted().map { ("option.\($0)", options[$0] ?? "") }
        for (name, value) in properties {
            x += "      <property name=\"\(esc(name))\" value=\"\(esc(value))\"/>\n"
        }
        x += "    </properties>\n"
        for r in s.results {
            x += "    <testcase classname=\"\(esc(r.caseInfo.id.replacingOccurrences(of: "/", with: ".")))\" name=\"\(esc(r.name))\" time=\"\(format(r.seconds))\""
            let location = "case file: \(r.caseInfo.file)\nrules: \(r.caseInfo.rules.joined(separator: ","))\n"
            switch r.verdict {
            case .pass:
                x += "/>\n"
                continue
            case .fail:
                let first = r.differences.first.map { "\($0.subject): expected \($0.expected), observed \($0.observed)" } ?? "differs"
                let body = r.differences.map {
                    "\($0.subject)\n  - expected (model)   \($0.expected)\n  + observed (kernel)  \($0.observed)"
                }.joined(separator: "\n")
                let type = r.differences.first.map { esc($0.kind.description) } ?? "difference"
                x += ">\n      <failure message=\"\(esc(first))\" type=\"\(type)\">\(esc(location + body))</failure>\n"
            case .crash, .hang:
                let first = r.kernelLog.first ?? r.verdict.name
                x += ">\n      <error message=\"\(esc(r.verdict.name + ": " + first))\" type=\"\(r.verdict.name)\">\(esc(location + r.kernelLog.joined(separator: "\n")))</error>\n"
            case .error(let why):
                x += ">\n      <error message=\"\(esc(why))\" type=\"harness\">\(esc(location))</error>\n"
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
