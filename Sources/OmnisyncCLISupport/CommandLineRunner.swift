public import ArgumentParser
import Foundation

/// Runs a root command with the exit codes of the command-line contract.
///
/// ArgumentParser ends a usage error (unknown option, missing argument, a
/// `ValidationError`) with 64 (`EX_USAGE`); scripts written against Omnisync
/// expect 2. Everything else is as ArgumentParser does it: help and version
/// exit 0, a command's own `ExitCode` is kept.
public enum CommandLineRunner {
    public static func main<Root: AsyncParsableCommand>(_ root: Root.Type) async -> Never {
        do {
            var command = try root.parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            if root.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            root.exit(withError: error)
        }
    }
}
