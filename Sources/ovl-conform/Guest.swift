import ArgumentParser
import OvlGuest

/// `ovl-conform guest`: the agent the VM runs (hidden; started by the guest's init).
struct Guest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a plan inside the guest (internal).", shouldDisplay: false)

    @Option var plan: String
    @Option var out: String

    func run() throws {
        let status = GuestAgent.run(planPath: plan, outDir: out)
        if status != 0 { throw ExitCode(status) }
    }
}
