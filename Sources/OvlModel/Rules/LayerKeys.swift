/// A layer parameter of the new mount API (`fsconfig(2)`, R3).
public enum LayerKey: String, Codable, Sendable, CaseIterable {
    case lowerdir = "lowerdir"
    case lowerdirAdd = "lowerdir+"
    case datadirAdd = "datadir+"
}

extension OverlayModel {
    /// The result of each `fsconfig(FSCONFIG_SET_STRING)` of `keys` on a fresh overlay context,
    /// `0` or the errno, up to the first failure.
    ///
    /// - Rule: R3, `params.c:ovl_parse_param_lowerdir` (`lowerdir=` drops every layer set so far,
    ///   `ovl_reset_lowerdirs`) and `params.c:ovl_mount_dir_check`: `lowerdir+` or `datadir+`
    ///   after `lowerdir=` is EINVAL ("lowerdir+ and datadir+ cannot follow lowerdir"), and
    ///   `lowerdir+` after a `datadir+` is EINVAL ("regular lower layers cannot follow data layers").
    ///   Before 6.8 `lowerdir+` and `datadir+` are unknown keys, EINVAL (``KernelChanges/lowerdirAppend``);
    ///   before 6.5 `fs_context.c:legacy_parse_param` keeps every key for later and returns 0
    ///   (``KernelChanges/newMountAPI``).
    static func fsconfigLayers(_ keys: [LayerKey], environment: Environment) -> [String] {
        guard environment.has(KernelChanges.newMountAPI) else { return keys.map { _ in "0" } }
        let appendKeys = environment.has(KernelChanges.lowerdirAppend)
        var lowerdirAll = false
        var dataLayers = 0
        var results: [String] = []
        for key in keys {
            var refused = false
            switch key {
            case .lowerdir: (lowerdirAll, dataLayers) = (true, 0)
            case .lowerdirAdd: refused = !appendKeys || lowerdirAll || dataLayers > 0
            case .datadirAdd:
                refused = !appendKeys || lowerdirAll
                if !refused { dataLayers += 1 }
            }
            results.append(refused ? "\(ModelErrno.EINVAL)" : "0")
            if refused { break }
        }
        return results
    }
}
