import OvlFuzz
import OvlModel
import Testing

/// The guest refuses a step on an fd name no earlier `open` made (a harness fault, not EBADF), so
/// the generator must never emit one.
@Suite struct FdNameTests {
    @Test func everyFdStepFollowsAnOpenOfItsName() {
        let generator = ScenarioGenerator(maxSteps: 8, areas: [.fds])
        var fdSteps = 0
        for i in 0..<400 {
            var opened: Set<String> = []
            for op in generator.scenario(seed: 1205, index: i).steps {
                guard case .fd(let f) = op else { continue }
                fdSteps += 1
                if case .open(_, _, let name) = f { opened.insert(name); continue }
                #expect(opened.contains(f.fd), "scenario \(i): \(f.name) on \(f.fd) before any open of it")
            }
        }
        #expect(fdSteps > 100)
    }
}
