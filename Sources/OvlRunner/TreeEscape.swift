import OvlCase
import OvlModel

/// Refuses cases whose steps would follow a symlink out of the merged tree: an absolute target or
/// `..` above the overlay's root reaches the machine's own files (issue 15: with `--host` a
/// `write` through a lower symlink to `/var/tmp/x` wrote the machine's file).
public enum TreeEscape {
    /// One `FILE:LINE:COL: error: …` line per case and configuration whose model run leaves the
    /// tree, at the first step that does.
    public static func errors(in c: Case) -> [String] {
        var found: [String] = []
        for base in FSConfig.matrix {
            let config = c.scenario.layerFS?.applied(to: base) ?? base
            var model = OverlayModel(scenario: c.scenario.asMounted,
                                     environment: Environment(defaults: .debian, samefs: config.samefs, fs: config))
            _ = model.mount()
            for (i, op) in c.scenario.steps.enumerated() where model.mounted {
                _ = model.apply(op)
                guard let why = model.leftTree else { continue }
                let at = i < c.stepLocations.count ? c.stepLocations[i] : c.location
                found.append("\(c.file):\(at.line):\(at.column): error: step \(i + 1) would follow a symlink out of the merged tree: \(why)")
                break
            }
            if !found.isEmpty { break }
        }
        return found
    }
}
