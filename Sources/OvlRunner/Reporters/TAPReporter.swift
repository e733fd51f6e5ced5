/// TAP 14 with YAML diagnostics under each `not ok`, as kselftest prints.
public enum TAPReporter {
    public static func render(_ s: RunSummary) -> String {
        var t = "TAP version 14\n1..\(s.results.count)\n"
        for (i, r) in s.results.enumerated() {
            switch r.verdict {
            case .pass: t += "ok \(i + 1) - \(r.name)\n"
            case .skip(let why): t += "ok \(i + 1) - \(r.name) # SKIP \(why)\n"
            default:
                t += "not ok \(i + 1) - \(r.name)\n  ---\n  verdict: \(r.verdict.name)\n  file: \(yaml(r.caseInfo.file))\n"
                t += "  rules: [\(r.caseInfo.rules.joined(separator: ", "))]\n"
                if case .error(let why) = r.verdict { t += "  error: \(yaml(why))\n" }
                if !r.differences.isEmpty {
                    t += "  differences:\n"
                    for d in r.differences {
                        t += "    - subject: \(yaml(d.subject))\n      kind: \(yaml(d.kind.description))\n"
                        t += "      expected: \(yaml(d.expected))\n      observed: \(yaml(d.observed))\n"
                    }
                }
                if !r.kernelLog.isEmpty {
                    t += "  kernel_log:\n" + r.kernelLog.map { "    - \(yaml($0))\n" }.joined()
                }
                t += "  ...\n"
            }
        }
        let pass = s.results.filter { !$0.verdict.isFailure && $0.verdict.name != "error" }.count
        t += "# \(pass) passed, \(s.results.count - pass) failed\n"
        return t
    }

    /// A double-quoted YAML scalar.
    static func yaml(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { u -> String in
            switch u {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            default: return u.value < 0x20 ? "\\x" + String(u.value, radix: 16) : String(u)
            }
        }.joined() + "\""
    }
}
