import OvlModel
import Testing
@testable import OvlCase

private let head = "description: d\nrules: [R1]\noptions: [redirect_dir=on]\n"
private let lower = "layers:\n  lower:\n    - a/f: x\n"

@Suite struct StageParserTests {
    /// Each later stage is a `stage` step carrying its own options (nil: the case's); the first
    /// stage's options are the first mount's; steps are numbered across the stages.
    @Test func stagesBecomeSteps() throws {
        let c = try CaseParser.parse(yaml: head + lower + """
            stages:
              - options: [redirect_dir=on, index=on]
                steps:
                  - rename: {old: a, new: b}
              - steps:
                  - readdir: b
              - options: [redirect_dir=nofollow]

            """, file: "c.yaml")
        #expect(c.scenario.mountOptions.map(\.description) == ["redirect_dir=on", "index=on"])
        #expect(c.scenario.options.map(\.description) == ["redirect_dir=on"])
        #expect(c.scenario.stageCount == 3)
        #expect(c.scenario.steps.map(\.name) == ["rename", "stage", "readdir", "stage"])
        #expect(c.scenario.steps[1] == .nextStage(options: nil))
        #expect(c.scenario.steps[3] == .nextStage(options: [MountOption(key: "redirect_dir", value: "nofollow")]))
        #expect(c.stepLocations.count == 4)
        // CaseWriter writes the stages back as they were read.
        let again = try CaseParser.parse(yaml: CaseWriter.yaml(c.scenario, description: "d", rules: ["R1"]), file: "c.yaml")
        #expect(again.scenario.steps == c.scenario.steps)
        #expect(again.scenario.mountOptions == c.scenario.mountOptions)
    }

    @Test func emptyOrSingleStageList() {
        #expect(render(head + lower + "stages: []\n") == """
            c.yaml:7:9: error: 'stages' needs at least two stages (each {options: [...], steps: [...]}); found 0
            stages: []
                    ^
            """)
        #expect(render(head + lower + "stages:\n  - steps: [{stat: a}]\n").contains("found 1"))
    }

    @Test func stageRefusals() {
        let two = "stages:\n  - steps: []\n  - steps: []\n"
        #expect(render(head + lower + "steps: []\n" + two).contains("c.yaml:9:3: error: a staged case lists its steps in each stage, not in 'steps'"))
        #expect(render(head + lower + "  upper: none\n" + two).contains("a staged case needs an upper layer"))
        #expect(render(head + "layers:\n  lower:\n    - a/f: x\n    - \"@0/a\"\n" + two).contains("may not hold a layer inside another"))
        #expect(render(head + lower + "stages:\n  - steps: []\n  - stpes: []\n").contains("c.yaml:9:5: error: unknown key 'stpes'; expected one of: options, steps"))
        #expect(render(head + lower + "stages:\n  - steps: []\n  - options: [redirect_dir=sideways]\n").contains("c.yaml:9:15: error: bad value"))
    }

    /// `offline_lower` names a layer of the mount its stage runs on: each stage has one more.
    @Test func stageNamingALayerThatDoesNotExist() {
        let offline = "{offline_lower: {layer: 1, path: a/f, entry: y}}"
        #expect(render(head + lower + "stages:\n  - steps: [\(offline)]\n  - steps: []\n")
            == """
            c.yaml:8:13: error: offline_lower names lower layer 1; the case has 1
              - steps: [\(offline)]
                        ^
            """)
        #expect(render(head + lower + "stages:\n  - steps: []\n  - steps: [\(offline)]\n") == "<parsed>")
    }
}
