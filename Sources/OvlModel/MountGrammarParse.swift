extension MountGrammar {
    /// Reads the mount's parameters as kernel `environment` does through `api`, up to where
    /// `fill_super` takes over (``fillSuper(_:environment:hasUpperFS:resolve:)``).
    ///
    /// - Rule: R3. From 6.5 (``KernelChanges/newMountAPI``) `params.c:ovl_parse_param` reads each
    ///   parameter as it comes and resolves its layer paths at once; before, `super.c:ovl_parse_opt`
    ///   reads the whole string at mount time and resolves paths in `ovl_fill_super`.
    public static func parse(_ params: [String], api: MountAPI, environment: Environment,
                             resolve: (String) -> PathLookup) throws(GrammarRefusal) -> ParsedMount {
        if api == .fsconfig {
            var size = 0
            for (i, p) in params.enumerated() {
                let (key, value) = pairs([p], monolithic: false).first ?? (p, nil)
                // fs/fsopen.c:fsconfig copies key and value with strndup_user(…, 256).
                if key.utf8.count >= maxValue || (value?.utf8.count ?? 0) >= maxValue {
                    throw GrammarRefusal(errno: .EINVAL, log: [], stage: "fsconfig \(i + 1)")
                }
                // Before 6.5 fs_context.c:legacy_parse_param joins the calls into one mount(2)
                // string and refuses a value with a comma ("VFS: Legacy: Option '%s' contained
                // comma", to the fs context's log only, like every invalf of an fsopen context).
                // Its page fills up likewise ("VFS: Legacy: Cumulative options too large").
                if !environment.has(KernelChanges.newMountAPI) {
                    let len = key.utf8.count + (value.map { 1 + $0.utf8.count } ?? 0)
                    if size + len + 2 > pageSize || value?.contains(",") == true {
                        throw GrammarRefusal(errno: .EINVAL, log: [], stage: "fsconfig \(i + 1)")
                    }
                    size += (size > 0 ? 1 : 0) + len
                }
            }
        }
        guard environment.has(KernelChanges.newMountAPI) else {
            return try legacy(splitOptions(params.joined(separator: ",")))
        }
        let monolithic = api == .mount2
        return try newAPI(monolithic ? splitOptions(params.joined(separator: ",")) : params, monolithic: monolithic,
                          environment: environment, resolve: resolve)
    }

    /// 6.5+: `fs_parser.c:fs_parse` against `params.c:ovl_parameter_spec`, then `ovl_parse_param`.
    /// A message of `invalf`/`invalfc`/`fs_parse` reaches the kernel log only through `mount(2)`
    /// (`fs_context.c:logfc`: an `fsopen` context keeps it for `read(2)` on its fd).
    static func newAPI(_ options: [String], monolithic: Bool, environment: Environment,
                       resolve: (String) -> PathLookup) throws(GrammarRefusal) -> ParsedMount {
        var m = ParsedMount()
        var nrData = 0
        let appendKeys = environment.has(KernelChanges.lowerdirAppend)
        var enums: [String: [String]] = [
            "redirect_dir": ["off", "follow", "nofollow", "on"], "index": ["on", "off"], "nfs_export": ["on", "off"],
            "xino": ["off", "auto", "on"], "metacopy": ["on", "off"],
            "uuid": environment.has(KernelChanges.uuidModes) ? ["off", "null", "auto", "on"] : ["on", "off"],
        ]
        if environment.has(KernelChanges.verityOption) { enums["verity"] = ["off", "on", "require"] }
        if environment.has(KernelChanges.fsyncOption) { enums["fsync"] = ["volatile", "auto", "strict"] }
        let strings = ["lowerdir", "upperdir", "workdir"] + (appendKeys ? ["lowerdir+", "datadir+"] : [])
        let flags = ["default_permissions", "userxattr", "volatile"]
        for (i, (key, value)) in pairs(options, monolithic: monolithic).enumerated() {
            func refuse(_ errno: ModelErrno = .EINVAL, pr: String? = nil, inval: String? = nil) -> GrammarRefusal {
                var log = m.log
                if let pr { log.append("overlayfs: " + pr) }
                if let inval, monolithic { log.append("overlay: " + inval) }
                return GrammarRefusal(errno: errno, log: log, stage: monolithic ? "mount" : "fsconfig \(i + 1)")
            }
            /// A path as `kern_path` finds it; `shown` is the name the checks' messages give.
            func dir(_ path: String, shown: String) throws(GrammarRefusal) -> LayerPlace {
                if path.isEmpty { throw refuse(pr: "empty lowerdir") }
                switch resolve(path) {
                case .missing: throw refuse(.ENOENT, pr: "failed to resolve '\(path)': -2")
                case .notDir: throw refuse(inval: "\(shown) is not a directory")
                case .dir(let place): return place
                }
            }
            if flags.contains(key) {
                guard value == nil else { throw refuse(inval: "Unexpected value for '\(key)'") }
            } else if strings.contains(key) {
                guard let value, !value.isEmpty || key == "lowerdir" else { throw refuse(inval: "Bad value for '\(key)'") }
            } else if let allowed = enums[key] {
                guard let value, allowed.contains(value) else { throw refuse(inval: "Bad value for '\(key)'") }
            } else {
                throw refuse(inval: "Unknown parameter '\(key)'")
            }
            let v = value ?? ""
            switch key {
            case "lowerdir":
                // params.c:ovl_parse_param_lowerdir: every layer so far is dropped (ovl_reset_lowerdirs).
                m.lowers = []; m.added = []; m.lowerdirAll = nil; nrData = 0
                if v.isEmpty { continue }
                if v.first == ":" { throw refuse(pr: "cannot append lower layer") }
                m.lowerdirAll = v
                let parts: [(name: String, data: Bool)]
                switch splitLowerdirs(v) {
                case .failure(let t): throw refuse(pr: t.text)
                case .success(let p): parts = p
                }
                if parts.count > maxStack { throw refuse(pr: "too many lower directories, limit is \(maxStack)") }
                for part in parts {
                    if !part.data && nrData > 0 { throw refuse(pr: "regular lower layers cannot follow data lower layers") }
                    m.lowers.append((try dir(unescape(part.name), shown: part.name), part.data))
                    if part.data { nrData += 1 }
                }
            case "lowerdir+", "datadir+":
                // params.c:ovl_parse_layer → ovl_mount_dir_noesc: no unescaping; ovl_mount_dir_check.
                let place = try dir(v, shown: v)
                if m.lowerdirAll != nil { throw refuse(inval: "lowerdir+ and datadir+ cannot follow lowerdir") }
                if nrData > 0 && key == "lowerdir+" { throw refuse(inval: "regular lower layers cannot follow data layers") }
                if m.lowers.count == maxStack { throw refuse(inval: "too many lower directories, limit is \(maxStack)") }
                m.lowers.append((place, key == "datadir+"))
                m.added.append((key, v))
                if key == "datadir+" { nrData += 1 }
            case "upperdir", "workdir":
                // ovl_parse_layer → ovl_mount_dir: unescaped; the later key replaces the earlier (ovl_add_layer).
                let place = try dir(unescape(v), shown: v)
                // params.c:ovl_mount_dir_check: an upper or work dir on an overlay (DCACHE_OP_REAL).
                if place.insideOverlay { throw refuse(inval: "filesystem on \(v) not supported as upperdir") }
                if key == "upperdir" { m.upper = (v, place) } else { m.work = (v, place) }
            case "default_permissions": m.defaultPermissions = true
            case "fsync":
                m.options.removeAll { $0.key == "volatile" }
                if v == "volatile" { m.options.append(MountOption(key: "volatile", value: nil)) }
            default: m.options.append(MountOption(key: key, value: value))
            }
        }
        return m
    }

    /// Before 6.5: `super.c:ovl_parse_opt` matches each option against `ovl_tokens` (`match_token`:
    /// a `%s` needs at least one character); the first unknown one fails the mount. Layer strings
    /// are kept, the later replacing the earlier, and resolved by ``fillSuper``.
    static func legacy(_ options: [String]) throws(GrammarRefusal) -> ParsedMount {
        var m = ParsedMount()
        let exact = ["index=on", "index=off", "userxattr", "uuid=on", "uuid=off", "nfs_export=on", "nfs_export=off",
                     "xino=on", "xino=off", "xino=auto", "metacopy=on", "metacopy=off", "volatile"]
        for p in options {
            if p == "default_permissions" { m.defaultPermissions = true; continue }
            if exact.contains(p) {
                m.options.append(pairs([p], monolithic: false).map { MountOption(key: $0.key, value: $0.value) }[0])
                continue
            }
            if let eq = p.firstIndex(of: "="), p.index(after: eq) < p.endIndex {
                let key = String(p[..<eq]), value = String(p[p.index(after: eq)...])
                switch key {
                case "lowerdir": m.lowerdirAll = value; continue
                case "upperdir": m.upperString = value; continue
                case "workdir": m.workString = value; continue
                case "redirect_dir": m.options.append(MountOption(key: key, value: value)); continue
                default: break
                }
            }
            throw GrammarRefusal(errno: .EINVAL, log: m.log + ["overlayfs: unrecognized mount option \"\(p)\" or missing value"],
                                 stage: "mount")
        }
        return m
    }
}

extension MountGrammar {
    /// `ovl_fs_params_verify` (6.5+; `ovl_parse_opt` before) drops a workdir without an upperdir
    /// with an info line, before it resolves the options.
    public static func dropUselessWorkdir(_ m: inout ParsedMount) {
        guard m.upper == nil && m.upperString == nil, let given = m.work?.given ?? m.workString else { return }
        m.log.append("overlayfs: option \"workdir=\(given)\" is useless in a non-upper mount, ignore")
        m.work = nil
        m.workString = nil
    }

    /// The checks `super.c:ovl_fill_super` makes on the parsed layers once the options are
    /// verified, in its order: a lower stack at all, a workdir with the upperdir, and
    /// `ovl_get_workdir`'s placement rules (R6): workdir and upperdir on one mount (`samefs`:
    /// the lowers' folder shares the upper's mount) and neither inside the other
    /// (`ovl_workdir_ok`). Before 6.5 the layer strings are resolved here, the lowers after
    /// `work/` was made (`ovl_get_lowerstack`).
    public static func fillSuper(_ m: inout ParsedMount, environment: Environment, samefs: Bool,
                                 resolve: (String) -> PathLookup) throws(GrammarRefusal) {
        let legacy = !environment.has(KernelChanges.newMountAPI)
        func refuse(_ text: String, _ errno: ModelErrno = .EINVAL, workMade: Bool = false) -> GrammarRefusal {
            GrammarRefusal(errno: errno, log: m.log + ["overlayfs: " + text], stage: "mount", workMade: workMade)
        }
        func place(_ given: String, workMade: Bool = false) throws(GrammarRefusal) -> LayerPlace {
            let path = legacy ? unescape(given) : given
            if path.isEmpty { throw refuse("empty lowerdir", workMade: workMade) }
            switch resolve(path) {
            case .missing: throw refuse("failed to resolve '\(path)': -2", .ENOENT, workMade: workMade)
            case .notDir: throw refuse("'\(path)' not a directory", workMade: workMade)
            case .dir(let p): return p
            }
        }
        var legacyLowers: [String] = []
        if legacy {
            guard let all = m.lowerdirAll else { throw refuse("missing 'lowerdir'") }
            legacyLowers = splitLegacyLowerdirs(all)
            if legacyLowers.count > maxStack { throw refuse("too many lower directories, limit is \(maxStack)") }
        } else if m.lowers.isEmpty {
            throw refuse("missing 'lowerdir'")
        }
        let upperGiven = legacy ? m.upperString : m.upper?.given
        if let upperGiven {
            let workGiven = legacy ? m.workString : m.work?.given
            guard let workGiven else { throw refuse("missing 'workdir'") }
            if legacy {
                // super.c:ovl_mount_dir (ovl_get_upper, then ovl_get_workdir): no upper or work dir
                // on an overlay (DCACHE_OP_REAL).
                for (given, isUpper) in [(upperGiven, true), (workGiven, false)] {
                    let p = try place(given)
                    if p.insideOverlay { throw refuse("filesystem on '\(unescape(given))' not supported as upperdir") }
                    if isUpper { m.upper = (given, p) } else { m.work = (given, p) }
                }
            }
            guard let upper = m.upper?.place, let work = m.work?.place else { return }
            if upper.mount(samefs: samefs) != work.mount(samefs: samefs) { throw refuse("workdir and upperdir must reside under the same mount") }
            if nested(upper, work) { throw refuse("workdir and upperdir must be separate subtrees") }
        }
        if legacy {
            if upperGiven == nil && legacyLowers.count == 1 { throw refuse("at least 2 lowerdir are needed while upperdir nonexistent") }
            for name in legacyLowers {
                let workMade = upperGiven != nil
                if name.isEmpty { throw refuse("empty lowerdir", workMade: workMade) }
                switch resolve(name) {
                case .missing: throw refuse("failed to resolve '\(name)': -2", .ENOENT, workMade: workMade)
                case .notDir: throw refuse("'\(name)' not a directory", workMade: workMade)
                case .dir(let p): m.lowers.append((p, false))
                }
            }
        }
    }

    /// `super.c:ovl_split_lowerdirs` before 6.5: split at every `:` not after a `\`, each `\`
    /// dropped; `::` is an empty layer.
    static func splitLegacyLowerdirs(_ s: String) -> [String] {
        var out: [String] = [], cur = "", escaped = false
        for c in s {
            if escaped { cur.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == ":" { out.append(cur); cur = ""; continue }
            cur.append(c)
        }
        out.append(cur)
        return out
    }

    /// True when `a` and `b` are the same directory or one lies inside the other, whatever mount
    /// reaches them (`super.c:ovl_workdir_ok` compares dentries).
    static func nested(_ a: LayerPlace, _ b: LayerPlace) -> Bool {
        let (ra, ca) = split(a), (rb, cb) = split(b)
        guard ra == rb else { return false }
        return ca.starts(with: cb) || cb.starts(with: ca)
    }

    /// The layer part of the options mountinfo shows (`params.c:ovl_show_options`; `super.c`
    /// before 6.5): `lowerdir=` as given, or from 6.8 each `lowerdir+`/`datadir+` as given when
    /// no `lowerdir=` is in force, then `upperdir=` and `workdir=` as given, each value through
    /// `seq_show_option`'s escapes (``showEscape(_:)``), then `default_permissions`.
    public static func shownLayers(_ m: ParsedMount) -> [String] {
        var out: [String] = []
        if let all = m.lowerdirAll { out.append("lowerdir=" + showEscape(all)) }
        else { out += m.added.map { "\($0.key)=" + showEscape($0.value) } }
        if let u = m.upper, let w = m.work { out += ["upperdir=" + showEscape(u.given), "workdir=" + showEscape(w.given)] }
        if m.defaultPermissions { out.append("default_permissions") }
        return out
    }
}
