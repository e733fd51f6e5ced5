import OvlModel

extension CaseParser {
    /// `mount: {api, lower_names, upper_name, work_name, spare, generated_lowers, params, holder}` (R3):
    /// how the mount reaches the kernel. `generated_lowers: N` appends N empty lower layers
    /// (`g<k>`, named relative to the lowers' folder); `params` replaces the default parameters
    /// (placeholders: ``OvlModel/MountSpec/expand(lowers:upper:work:spare:dataLayerCount:hasUpper:options:)``);
    /// `holder` gives the parameters of another overlay mounted first (``OvlModel/MountSpec/holder``):
    /// one with an upperdir, or one that holds lower 0 for the job's `{h}` (``OvlModel/MountSpec/heldLowerZero``);
    /// `bind: {x: w}` bind-mounts a layer folder on spare folder `x` (``OvlModel/MountSpec/binds``).
    static func parseMountSpec(_ node: YNode, lowers: inout [Layer], dataLayers: Int, nested: [NestedLayer],
                               layerFS: LayerFSOverride?, reader: NodeReader) throws(CaseError) -> MountSpec {
        let fields = try reader.fields(node, allowed: ["api", "lower_names", "upper_name", "work_name", "spare", "generated_lowers", "params", "holder", "bind"])
        var api = MountAPI.mount2
        if let n = fields["api"] {
            let text = try reader.text(n)
            guard let a = MountAPI(rawValue: text) else {
                throw reader.error("unknown mount api '\(text)'; expected one of: \(MountAPI.allCases.map(\.rawValue).joined(separator: ", ")) (or a matrix axis 'api')", at: n)
            }
            api = a
        }
        var generated = 0
        if let n = fields["generated_lowers"] {
            generated = Int(try reader.integer(n, in: 1...600))
            if dataLayers > 0 || !nested.isEmpty || layerFS?.lowers != nil {
                throw reader.error("generated_lowers go after the listed lowers in the lowers' one folder: not with data layers, '@K/…' layers or layer_fs lowers", at: n)
            }
        }
        var names = lowers.indices.map { MountSpec.defaultLowerName($0, generated: false) }
        if let n = fields["lower_names"] {
            let items = try reader.sequence(n)
            guard items.count == lowers.count else {
                throw reader.error("lower_names names \(items.count) folder(s), but the case has \(lowers.count) lower layer(s)", at: n)
            }
            names = []
            for item in items { names.append(try folderName(item, reader: reader)) }
        }
        names += (0..<generated).map { MountSpec.defaultLowerName(lowers.count + $0, generated: true) }
        lowers += Array(repeating: Layer(), count: generated)
        let upperName = try fields["upper_name"].map { (n) throws(CaseError) in try folderName(n, reader: reader) } ?? "u"
        let workName = try fields["work_name"].map { (n) throws(CaseError) in try folderName(n, reader: reader) } ?? "w"
        var spare: [String] = []
        if let n = fields["spare"] { for item in try reader.sequence(n) { spare.append(try folderName(item, reader: reader)) } }
        let all = names + [upperName, workName] + spare
        if Set(all).count != all.count { throw reader.error("the layer, work and spare folder names must all differ", at: node) }
        var binds: [Int: String] = [:]
        if let n = fields["bind"] {
            let sources = MountSpec.bindSources(lowers: names.count)
            for (key, value) in try reader.mapping(n) {
                let name = try reader.text(key), source = try reader.text(value)
                guard let k = spare.firstIndex(of: name) else {
                    throw reader.error("'\(name)' is no spare folder; a bind mount goes on one of: \(spare.joined(separator: ", "))", at: key)
                }
                guard sources.contains(source) else {
                    throw reader.error("unknown folder '\(source)' to bind; expected one of: \(sources.joined(separator: ", "))", at: value)
                }
                binds[k] = source
            }
        }
        if fields["holder"] != nil, all.contains(MountSpec.holderName) {
            throw reader.error("with a holder, '\(MountSpec.holderName)' names its mount point: no layer or spare folder may be named so", at: node)
        }
        let known = MountSpec.placeholders(lowers: names.count, spare: spare.count, holder: fields["holder"] != nil)
        let params = try fields["params"].map { (n) throws(CaseError) in try parameters(n, known: known, reader: reader) }
        let holder = try fields["holder"].map { (n) throws(CaseError) in
            try parameters(n, known: known.subtracting(["{h}", "{h:e}"]), reader: reader)
        }
        let spec = MountSpec(api: api, lowerNames: names, upperName: upperName, workName: workName, spareNames: spare,
                             generated: generated, params: params, holder: holder, binds: binds)
        if let n = fields["holder"], holder?.contains(where: { $0.hasPrefix("upperdir=") }) != true, !spec.holdsLowerZero {
            throw reader.error("a holder holds its upperdir and workdir (give it 'upperdir=' and 'workdir='), or is lower 0 read-only: "
                               + "'lowerdir={l0}:{sK}' alone (an empty spare folder), the job's 'lowerdir=' starting with '{h}'", at: n)
        }
        return spec
    }

    /// A list of mount parameters, each placeholder one of `known`.
    static func parameters(_ node: YNode, known: Set<String>, reader: NodeReader) throws(CaseError) -> [String] {
        var params: [String] = []
        for item in try reader.sequence(node) {
            let text = try reader.text(item)
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let ph = String(rest[open...close])
                guard known.contains(ph) else {
                    throw reader.error("unknown placeholder '\(ph)'; expected one of: \(known.sorted().joined(separator: " "))", at: item)
                }
                rest = rest[rest.index(after: close)...]
            }
            params.append(text)
        }
        return params
    }

    /// A folder name: not empty, no `/`, not `.` or `..`.
    static func folderName(_ node: YNode, reader: NodeReader) throws(CaseError) -> String {
        let name = try reader.text(node)
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw reader.error("a folder name is not empty, holds no '/' and is not '.' or '..'; found '\(name)'", at: node)
        }
        return name
    }
}
