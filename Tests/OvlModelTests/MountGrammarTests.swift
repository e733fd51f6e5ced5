import OvlModel
import Testing

private func env(_ version: KernelVersion) -> Environment {
    var e = Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4"))
    e.kernel = version
    return e
}
private let v612 = KernelVersion(6, 12, 118)
private let v61 = KernelVersion(6, 1, 192)

/// A model of one lower `l0` holding `f`, an upper and a work folder with the names given.
private func model(_ params: [String]?, api: MountAPI = .mount2, kernel: KernelVersion = v612,
                   names: [String] = ["l0"], upper: String = "u", work: String = "w", generated: Int = 0) -> OverlayModel {
    var l = Layer()
    l.entries[RelPath(parsing: "f") ?? .root] = Node(kind: .file(data: "x"))
    let spec = MountSpec(api: api, lowerNames: names + (0..<generated).map { "g\(names.count + $0)" }, upperName: upper,
                         workName: work, spareNames: ["x"], generated: generated, params: params)
    let lowers = [l] + Array(repeating: Layer(), count: names.count - 1 + generated)
    return OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(), options: [], steps: [], mountSpec: spec),
                        environment: env(kernel))
}

@Suite struct MountGrammarTests {
    /// `ovl_next_opt` splits at unescaped commas and keeps the `\`; `ovl_unescape` drops it.
    @Test func splitAndUnescape() {
        #expect(MountGrammar.splitOptions("a=x\\,y,,b") == ["a=x\\,y", "b"])
        #expect(MountGrammar.unescape("a\\:b\\\\c") == "a:b\\c")
        #expect(MountGrammar.showEscape("a b,c\\d:e=f") == "a\\040b\\054c\\134d:e=f")
    }

    /// R3: an escaped name mounts through both APIs on 6.12 and mountinfo shows it as given.
    @Test func escapedNamesMount() {
        for api in MountAPI.allCases {
            var m = model(nil, api: api, names: ["a:b"], upper: "u,v", work: "w x")
            let o = m.mount()
            #expect(o.errno == nil)
            #expect(o.shown == "rw,lowerdir=$DIR/a\\134:b,upperdir=$DIR/u\\134\\054v,workdir=$DIR/w\\040x,uuid=on")
        }
    }

    /// 6.1's fsconfig joins the keys into one legacy string and refuses a comma in a value at its call.
    @Test func legacyFsconfigRefusesComma() {
        var m = model(nil, api: .fsconfig, kernel: v61, names: ["c,d"])
        let o = m.mount()
        #expect(o.errno == .EINVAL && o.stage == "fsconfig 1" && o.kernelLog.isEmpty)
        var m2 = model(nil, api: .mount2, kernel: v61, names: ["c,d"])
        #expect(m2.mount().errno == nil)
    }

    /// The later key wins; lowerdir+ after lowerdir= is refused, logged only through mount(2).
    @Test func repeatedAndMixedKeys() {
        var m = model(["lowerdir={s0}", "lowerdir={lowers}", "upperdir={s0}", "upperdir={u}", "workdir={w}"])
        #expect(m.mount().shown == "rw,lowerdir=$DIR/l0,upperdir=$DIR/u,workdir=$DIR/w,uuid=on")
        var a = model(["lowerdir={lowers}", "lowerdir+={s0}", "upperdir={u}", "workdir={w}"])
        #expect(a.mount().kernelLog == ["overlay: lowerdir+ and datadir+ cannot follow lowerdir"])
        var b = model(["lowerdir={lowers}", "lowerdir+={s0}", "upperdir={u}", "workdir={w}"], api: .fsconfig)
        let o = b.mount()
        #expect(o.errno == .EINVAL && o.stage == "fsconfig 2" && o.kernelLog.isEmpty)
    }

    /// OVL_MAX_STACK: 500 layers mount, 501 do not; 6.1 and 6.12 agree for lowerdir=.
    @Test func layerLimit() {
        for kernel in [v612, v61] {
            var at = model(nil, kernel: kernel, generated: 499)
            #expect(at.mount().errno == nil)
            var past = model(nil, kernel: kernel, generated: 500)
            #expect(past.mount().kernelLog == ["overlayfs: too many lower directories, limit is 500"])
        }
        var plus = model(["lowerdir+={each}", "upperdir={u:e}", "workdir={w:e}"], api: .fsconfig, generated: 500)
        #expect(plus.mount().stage == "fsconfig 501")
    }

    /// Colon forms: refused while splitting from 6.5, an empty layer (after work/ is made) before.
    @Test func colonForms() {
        var trailing = model(["lowerdir={l0}:", "upperdir={u}", "workdir={w}"])
        #expect(trailing.mount().kernelLog == ["overlayfs: unescaped trailing colons in lowerdir mount option."])
        var legacy = model(["lowerdir={l0}:", "upperdir={u}", "workdir={w}"], kernel: v61)
        #expect(legacy.mount().kernelLog == ["overlayfs: empty lowerdir"])
        #expect(legacy.snapshot().work != nil)
    }

    /// R6: workdir and upperdir must be separate subtrees.
    @Test func workdirInsideUpper() {
        var m = model(["lowerdir={lowers}", "upperdir={u}", "workdir={u}"])
        #expect(m.mount().kernelLog == ["overlayfs: workdir and upperdir must be separate subtrees"])
    }
}
