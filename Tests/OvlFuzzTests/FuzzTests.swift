import OvlCase
import OvlFuzz
import OvlModel
import Testing

@Suite struct GeneratorTests {
    let generator = ScenarioGenerator(maxSteps: 8)

    @Test func sameSeedSameScenarios() {
        for i in 0..<50 {
            #expect(generator.scenario(seed: 42, index: i) == generator.scenario(seed: 42, index: i))
        }
    }

    @Test func differentSeedsDiffer() {
        let a = (0..<20).map { generator.scenario(seed: 1, index: $0) }
        let b = (0..<20).map { generator.scenario(seed: 2, index: $0) }
        #expect(a != b)
    }

    /// Every generated scenario is a valid case: it survives writing and parsing unchanged, with
    /// at least one step and the lowers a mount needs. (That the model predicts them, and agrees
    /// with itself through the checker, is `CheckerPropertyTests`.)
    @Test func generatedScenariosAreValidCases() throws {
        for i in 0..<300 {
            let s = generator.scenario(seed: 7, index: i)
            let stages = s.steps.filter { if case .nextStage = $0 { true } else { false } }.count
            #expect(!s.steps.isEmpty && s.steps.count - stages <= 8 && stages <= 3)
            #expect(s.lowers.count >= (s.upper == nil ? 2 : 1))
            let text = CaseWriter.yaml(s, description: "generated \(i)", rules: s.exercisedRules)
            let parsed = try CaseParser.parse(yaml: text, file: "gen-\(i).yaml")
            #expect(parsed.scenario == s, "scenario \(i) changed through the case file:\n\(text)")
        }
    }

    /// With no areas the generator makes, byte for byte, the case files the generator made before
    /// areas existed (FNV-1a of `--emit --seed 7 --count 40` on main before the change).
    @Test func noAreasReproducesOldSeeds() {
        let old = ScenarioGenerator(maxSteps: 8, areas: [])
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<40 {
            let s = old.scenario(seed: 7, index: i)
            let text = CaseWriter.yaml(s, description: "fuzz seed 7 sequence \(i)", rules: s.exercisedRules, groups: ["auto"])
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        #expect(hash == 0x29a9_8762_b6ca_1189)
    }

    /// Every area shows up in a few hundred scenarios, and only when it is asked for.
    @Test func areasShowUp() {
        func scenarios(_ areas: Set<FuzzArea>) -> [Scenario] {
            (0..<300).map { ScenarioGenerator(maxSteps: 8, areas: areas).scenario(seed: 5, index: $0) }
        }
        let all = scenarios(Set(FuzzArea.allCases))
        let callerSteps = all.flatMap(\.steps).filter { if case .asCaller = $0 { true } else { false } }
        #expect(callerSteps.count > 50)
        #expect(all.contains { s in s.lowers.contains { $0.entries.values.contains { $0.uid == 1000 } } })
        #expect(all.filter { $0.options.contains(MountOption(key: "metacopy", value: "on")) }.count > 30)
        #expect(all.contains { $0.upper?.entries.values.contains { $0.xattrs["trusted.overlay.metacopy"] != nil } ?? false })
        let data = all.filter { $0.dataLayerCount > 0 }
        #expect(data.count > 30)
        #expect(data.allSatisfy { s in s.lowers.dropLast(s.dataLayerCount).contains { $0.entries.values.contains { $0.xattrs["trusted.overlay.redirect"] != nil || $0.xattrs["trusted.overlay.overlay.redirect"] != nil } } || s.layerFS?.lower == "ramfs" })
        // Every read-only lower fs, `overlay` among them.
        #expect(Set(all.compactMap(\.layerFS)).count == 4 + LayerFilesystem.readOnly.count)
        #expect(all.contains { $0.steps.contains(.remountInPlace(options: "ro")) })
        let fdSteps = all.flatMap(\.steps).filter { if case .fd = $0 { true } else { false } }
        #expect(fdSteps.count > 150)
        let staged = all.filter { $0.stageCount > 1 }
        #expect(staged.count > 30)
        #expect(staged.allSatisfy { $0.upper != nil && $0.layerFS == nil && (2...4).contains($0.stageCount) })
        #expect(staged.contains { $0.steps.contains { if case .nextStage(let o?) = $0 { !o.isEmpty } else { false } } })
        let none = scenarios([FuzzArea.callers])
        #expect(none.allSatisfy { $0.stageCount == 1 })
        #expect(none.allSatisfy { $0.dataLayerCount == 0 && $0.layerFS == nil && !$0.options.contains { $0.key == "metacopy" } })
        #expect(none.allSatisfy { !$0.steps.contains { if case .remountInPlace = $0 { true } else { false } } })
        #expect(none.allSatisfy { !$0.steps.contains { if case .fd = $0 { true } else { false } } })
    }

    /// A layer on ramfs holds no xattrs (the builder could not set them), while layers of the
    /// same generator on other filesystems do: the generator makes both kinds, so the check bites.
    @Test func ramfsLayersHaveNoXattrs() {
        let g = ScenarioGenerator(maxSteps: 4)
        func hasXattrs(_ l: Layer?) -> Bool { l?.entries.values.contains { !$0.xattrs.isEmpty } ?? false }
        var ramfsLowers = 0, ramfsUppers = 0, otherLowersWithXattrs = 0, otherUppersWithXattrs = 0
        for i in 0..<1200 {
            let s = g.scenario(seed: 3, index: i)
            if s.layerFS?.lower == "ramfs" {
                ramfsLowers += 1
                #expect(!s.lowers.contains(where: hasXattrs), "scenario \(i)")
            } else if s.lowers.contains(where: hasXattrs) {
                otherLowersWithXattrs += 1
            }
            if s.layerFS?.upper == "ramfs" {
                ramfsUppers += 1
                #expect(!hasXattrs(s.upper), "scenario \(i)")
            } else if hasXattrs(s.upper) {
                otherUppersWithXattrs += 1
            }
        }
        #expect(ramfsLowers >= 10 && ramfsUppers >= 10, "ramfs lowers \(ramfsLowers), uppers \(ramfsUppers)")
        #expect(otherLowersWithXattrs >= 10 && otherUppersWithXattrs >= 10,
                "other lowers with xattrs \(otherLowersWithXattrs), uppers \(otherUppersWithXattrs)")
    }

    /// Lowers put on overlay lowers are written as nested layers are: no char-device whiteout
    /// below a root and no unescaped `trusted.overlay.*`, so the model follows them (its
    /// `Layer.seenThroughOverlay` gives no reason for them); some carry escaped markers and xwhiteouts, so the
    /// check bites.
    @Test func overlayLowersAreEscapedForNesting() {
        let g = ScenarioGenerator(maxSteps: 4)
        var nested = 0, escaped = 0, xwhiteouts = 0
        for i in 0..<1500 {
            let s = g.scenario(seed: 5, index: i)
            guard let fs = s.layerFS?.lower, LayerFilesystem.named(fs).sealing == .overlay else { continue }
            nested += 1
            for lower in s.lowers {
                #expect(!lower.entries.contains { $0.value.kind == .whiteout && $0.key.parent?.isRoot == false }, "scenario \(i)")
                let xattrs = lower.entries.values.flatMap(\.xattrs.keys)
                #expect(xattrs.allSatisfy { !$0.hasPrefix("trusted.overlay.") || $0.hasPrefix("trusted.overlay.overlay.") }, "scenario \(i)")
                if xattrs.contains(where: { $0.hasPrefix("trusted.overlay.overlay.") }) { escaped += 1 }
                if lower.entries.values.contains(where: { $0.xattrs["trusted.overlay.overlay.whiteout"] != nil }) { xwhiteouts += 1 }
            }
        }
        #expect(nested >= 10 && escaped >= 5 && xwhiteouts >= 3, "nested \(nested), escaped \(escaped), xwhiteouts \(xwhiteouts)")
    }

    @Test func areaNames() {
        #expect(FuzzArea.parse("none") == [])
        #expect(FuzzArea.parse("all") == Set(FuzzArea.allCases))
        #expect(FuzzArea.parse("callers,layer-fs") == [.callers, .layerFS])
        #expect(FuzzArea.parse("callers,bogus") == nil)
    }

    @Test func fixedOptionsAreUsed() {
        let opts = [MountOption(key: "index", value: "on")]
        let g = ScenarioGenerator(maxSteps: 3, options: opts)
        #expect((0..<20).allSatisfy { g.scenario(seed: 3, index: $0).options == opts })
    }
}

@Suite struct ShrinkerTests {
    /// A scenario with three lowers, an upper, options and many steps.
    func big() -> Scenario {
        ScenarioGenerator(maxSteps: 12).scenario(seed: 99, index: 0)
    }

    @Test func candidatesAreSmaller() {
        let s = big()
        let c = Shrinker.candidates(s)
        #expect(!c.isEmpty)
        #expect(c.allSatisfy { Shrinker.size($0) < Shrinker.size(s) })
        #expect(c.allSatisfy { !$0.steps.isEmpty })
    }

    /// Data-only layers are dropped one by one (the count follows), callers and `layer_fs:`
    /// are dropped, and the normal lowers a mount needs stay.
    @Test func shrinksNewAreas() throws {
        var s = Scenario(lowers: [Layer(), Layer(), Layer()], upper: nil, options: [],
                         steps: [.asCaller(Caller(uid: 1000, gid: 1000), .stat(RelPath(components: ["a"])))],
                         dataLayerCount: 1, layerFS: LayerFSOverride(lower: "ext4-nodtype"))
        let c = Shrinker.candidates(s)
        #expect(c.contains { $0.lowers.count == 2 && $0.dataLayerCount == 0 })
        #expect(!c.contains { $0.lowers.count - $0.dataLayerCount < 2 })
        #expect(c.contains { $0.steps == [.stat(RelPath(components: ["a"]))] })
        #expect(c.contains { $0.layerFS == nil })
        while let smaller = Shrinker.candidates(s).first { s = smaller }
        #expect(s.dataLayerCount == 0 && s.layerFS == nil && s.steps == [.stat(RelPath(components: ["a"]))])
    }

    /// Greedy shrinking with a predicate ("fails when some step unlinks `a`") ends at one step,
    /// with no layer entries, options or extra lowers left over.
    @Test func greedyShrinkReachesMinimum() {
        let unlinkA = Operation.unlink(RelPath(components: ["a"]))
        var s = big()
        s.steps.insert(unlinkA, at: s.steps.count / 2)
        s.options = [MountOption(key: "redirect_dir", value: "on")]
        let fails: (Scenario) -> Bool = { $0.steps.contains(unlinkA) }
        var rounds = 0
        while let smaller = Shrinker.candidates(s).first(where: fails) {
            s = smaller
            rounds += 1
        }
        #expect(s.steps == [unlinkA])
        #expect(s.options.isEmpty)
        #expect(s.lowers.count == 1 && s.lowers[0].entries.isEmpty)
        #expect(s.upper?.entries.isEmpty ?? true)
        #expect(rounds > 1)
    }
}

/// Issue 9: the model never damages clean layers — after any generated scenario whose given
/// layers pass the layer checker (the generator's upper layers may hold orphan whiteouts of
/// their own), the layers the model leaves behind pass it too. The invariants agree with every
/// rule the model applies.
@Suite struct InvariantsHoldOnGeneratedScenarios {
    @Test func modelLeavesCleanLayersClean() {
        var checked = 0
        for maxSteps in [8, 16] {
            let generator = ScenarioGenerator(maxSteps: maxSteps)
            for samefs in [true, false] {
                for i in 0..<250 {
                    let s = generator.scenario(seed: 11, index: i)
                    guard LayerSet(scenario: s).findings().isEmpty else { continue }
                    checked += 1
                    var model = OverlayModel(scenario: s, environment: Environment(defaults: .debian, samefs: samefs))
                    _ = model.mount()
                    for op in s.steps where model.mounted { _ = model.apply(op) }
                    _ = model.snapshot()
                    let findings = LayerSet(model: model).findings()
                    #expect(findings.isEmpty, "scenario \(i) (samefs \(samefs), \(maxSteps) steps): \(findings)")
                }
            }
        }
        #expect(checked > 500)
    }
}
