/// How a case's mount reaches the kernel (R3): `mount(2)` with every parameter in one data string,
/// or `fsopen`/`fsconfig` one parameter per call, then `fsmount` and `move_mount`.
public enum MountAPI: String, Codable, Sendable, CaseIterable {
    case mount2, fsconfig
}

/// A case's `mount:` section: the API, the names of the layer directories, extra layers made by
/// count, spare directories that are no layer, and the parameters exactly as given to the kernel.
public struct MountSpec: Codable, Sendable, Equatable {
    public var api: MountAPI
    /// The directory name of each lower layer, generated ones included (default `l0`, `l1`, …).
    public var lowerNames: [String]
    public var upperName: String
    public var workName: String
    /// Empty directories next to the lower layers that are no layer (`spare: [x]`), for
    /// parameters that name a directory a later key replaces, or a misplaced workdir.
    public var spareNames: [String]
    /// How many of the lowers (after the listed ones) were made by `generated_lowers:`; every lower
    /// is then named relative to the lowers' folder, the mount's working directory.
    public var generated: Int
    /// The parameters, `key=value` or a flag, with placeholders (``expand(_:dataLayerCount:hasUpper:options:)``);
    /// nil: `lowerdir={lowers}`, `upperdir={u:e}`, `workdir={w:e}`, then the case's options.
    public var params: [String]?
    /// The parameters (placeholders as in ``params``) of another overlay the guest mounts through
    /// the same API before the job's mount and unmounts after it: its upperdir and workdir are
    /// then in use (`super.c:ovl_inuse_trylock`) while the job mounts (R9). Nil: none.
    public var holder: [String]?
    /// Spare folders the guest bind-mounts a layer folder on (spare index → `u`, `w` or `lK`),
    /// so that the folder is reached through another mount of the same filesystem.
    public var binds: [Int: String]

    public init(api: MountAPI = .mount2, lowerNames: [String], upperName: String = "u", workName: String = "w",
                spareNames: [String] = [], generated: Int = 0, params: [String]? = nil, holder: [String]? = nil,
                binds: [Int: String] = [:]) {
        self.api = api; self.lowerNames = lowerNames; self.upperName = upperName; self.workName = workName
        self.spareNames = spareNames; self.generated = generated; self.params = params; self.holder = holder
        self.binds = binds
    }

    /// The folders a spare folder may be a bind mount of: `u`, `w`, `l0`…
    public static func bindSources(lowers: Int) -> [String] { ["u", "w"] + (0..<lowers).map { "l\($0)" } }

    /// The folder the holder overlay is mounted on, in the lowers' folder (`{h}`).
    public static let holderName = "holder"

    /// The holder's mount (``holder``) as a spec of its own, or nil.
    public var holderSpec: MountSpec? {
        holder.map { MountSpec(api: api, lowerNames: lowerNames, upperName: upperName, workName: workName,
                               spareNames: spareNames, generated: generated, params: $0, binds: binds) }
    }

    /// The default name of lower layer `k`: `l<k>`, a generated one `g<k>`.
    public static func defaultLowerName(_ k: Int, generated: Bool) -> String { (generated ? "g" : "l") + "\(k)" }

    /// `\` before each `\`, `,` and `:` (what `params.c:ovl_unescape` takes away again).
    public static func escape(_ path: String) -> String {
        var out = ""
        for c in path {
            if c == "\\" || c == "," || c == ":" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The parameters with their placeholders filled in, `lowers`, `upper`, `work` and `spare`
    /// being the directories' paths (the guest's real ones, the model's symbolic ones). Generated
    /// With generated layers every lower appears by its bare name (relative to the mount's working
    /// directory, the lowers' folder, so that 500 of them fit in the one page `mount(2)` copies).
    ///
    /// Placeholders: `{lK}`, `{u}`, `{w}`, `{sK}` (spare K), `{h}` (the holder's mount) a path as
    /// it is; `{lK:e}`, `{u:e}`, `{w:e}`, `{sK:e}`, `{h:e}` escaped (``escape(_:)``); `{lowers}` the default `lowerdir=` value (the
    /// regular lowers escaped and joined by `:`, each data layer after `::`); a parameter with
    /// `{each}` / `{each:e}` is repeated for each regular lower, with `{data}` / `{data:e}` for
    /// each data layer.
    public func expand(lowers: [String], upper: String, work: String, spare: [String], holder: String = "",
                       dataLayerCount: Int, hasUpper: Bool, options: [MountOption]) -> [String] {
        let shown = generated > 0 ? lowerNames : lowers
        let regular = Array(shown.prefix(shown.count - dataLayerCount))
        let data = Array(shown.suffix(dataLayerCount))
        let lowersValue = regular.map(Self.escape).joined(separator: ":") + data.map { "::" + Self.escape($0) }.joined()
        var template = params ?? (["lowerdir={lowers}"] + (hasUpper ? ["upperdir={u:e}", "workdir={w:e}"] : []))
        if params == nil { template += options.map(\.description) }
        var out: [String] = []
        for p in template {
            if p.contains("{each") {
                for l in regular { out.append(p.replacing("{each:e}", with: Self.escape(l)).replacing("{each}", with: l)) }
                continue
            }
            if p.contains("{data") {
                for l in data { out.append(p.replacing("{data:e}", with: Self.escape(l)).replacing("{data}", with: l)) }
                continue
            }
            var s = p.replacing("{lowers}", with: lowersValue)
            for (name, path) in [("u", upper), ("w", work), ("h", holder)] + shown.enumerated().map({ ("l\($0.offset)", $0.element) })
                + spare.enumerated().map({ ("s\($0.offset)", $0.element) }) {
                s = s.replacing("{\(name):e}", with: Self.escape(path)).replacing("{\(name)}", with: path)
            }
            out.append(s)
        }
        return out
    }

    /// The placeholders a parameter may hold, for `validate` (``expand`` leaves others as written).
    public static func placeholders(lowers: Int, spare: Int, holder: Bool = false) -> Set<String> {
        var names: Set<String> = ["{lowers}", "{each}", "{each:e}", "{data}", "{data:e}", "{u}", "{u:e}", "{w}", "{w:e}"]
        if holder { names.formUnion(["{h}", "{h:e}"]) }
        for k in 0..<lowers { names.formUnion(["{l\(k)}", "{l\(k):e}"]) }
        for k in 0..<spare { names.formUnion(["{s\(k)}", "{s\(k):e}"]) }
        return names
    }
}
