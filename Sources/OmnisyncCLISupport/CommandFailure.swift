import ArgumentParser
import Foundation

/// Runs a command body and turns a failure into the contract's exit codes:
/// one readable line on standard error, then exit 1 (or the code `exitCode`
/// picks, e.g. 3 when the hub could not be reached).
///
/// Usage errors never get here: ArgumentParser reports them with exit 2.
public func reportingFailures<T>(
    program: String,
    exitCode: (any Error) -> Int32 = { _ in 1 },
    _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as SettingsError {
        // A settings mistake is a usage error (exit 2), like a bad flag.
        Output.error("\(program): \(error)")
        throw ExitCode(2)
    } catch {
        Output.error("\(program): \(error)")
        throw ExitCode(exitCode(error))
    }
}
