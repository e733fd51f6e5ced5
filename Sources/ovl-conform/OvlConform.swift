import ArgumentParser
import Foundation
import OvlRunner

/// The `ovl-conform` command: conformance runs of overlayfs against the reference model.
struct OvlConform: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovl-conform",
        abstract: "Check the overlay filesystem module against a reference model, in a QEMU guest.",
        discussion: """
            Exit status: 0 every observation matched the model; 1 a difference, crash or hang; \
            125 the module did not build or load (git bisect skips); 128 usage, case file or setup error.
            """,
        subcommands: [Run.self, Fuzz.self, Validate.self, Predict.self, List.self, Fsck.self, Guest.self]
    )
}

/// Entry point: maps every error to the exit codes `git bisect run` understands.
@main
enum Main {
    static func main() {
        do {
            var command = try OvlConform.parseAsRoot()
            try command.run()
        } catch let status as ExitCode {
            exit(status.rawValue)
        } catch {
            let code = OvlConform.exitCode(for: error)
            if code == .success {
                OvlConform.exit(withError: error)  // --help, --version
            }
            let message = OvlConform.fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // argument-parser's usage errors (64) and anything unexpected mean a broken run, not a bad commit.
            exit(ExitStatus.broken.rawValue)
        }
    }
}
