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
    /// at least one step, the lowers a mount needs, and a fixed option set when one is given.
    @Test func generatedScenariosAreValidCases() throws {
        for i in 0..<300 {
            let s = generator.scenario(seed: 7, index: i)
            #expect(!s.steps.isEmpty && s.steps.count <= 8)
            #expect(s.lowers.count >= (s.upper == nil ? 2 : 1))
            let text = CaseWriter.yaml(s, description: "generated \(i)", rules: s.exercisedRules)
            let parsed = try CaseParser.parse(yaml: text, file: "gen-\(i).yaml")
            #expect(parsed.scenario == s, "scenario \(i) changed through the case file:\n\(text)")
            var model = OverlayModel(scenario: s, environment: Environment(defaults: .debian, samefs: true))
            _ = model.mount()
            for op in s.steps { _ = model.apply(op) }
            _ = model.snapshot()
        }
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
                for i in 0..<400 {
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
        #expect(checked > 800)
    }
}
