import OvlModel

/// The README's version table, rendered from ``KernelChanges/all`` (the one table of what changes
/// between kernel lines; a test keeps the README's copy equal to it).
public enum VersionTable {
    /// A Markdown table: entry, first mainline release, stable backports, rules, source, and the
    /// kernels a suite run checked it on ("absent" where that kernel lacks it), or "unconfirmed".
    public static func markdown(_ changes: [KernelChange] = KernelChanges.all) -> String {
        var lines = ["| entry | mainline | stable | rules | source | checked on |", "|---|---|---|---|---|---|"]
        for c in changes {
            let checked = c.confirmedOn.isEmpty ? "unconfirmed"
                : c.confirmedOn.map { $0.description + (c.present(in: $0) ? "" : " (absent)") }.joined(separator: ", ")
            let cells = [c.name, c.mainline.map(release) ?? "unknown", c.backports.map(\.description).joined(separator: ", "),
                         c.rules.joined(separator: ", "), c.source, checked]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// `6.16` for a mainline release (patch 0), `6.12.80` otherwise.
    static func release(_ v: KernelVersion) -> String { v.patch == 0 ? "\(v.major).\(v.minor)" : v.description }
}
