import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport

/// Time limits on each request to the hub, for `sync` and `run`.
///
/// Both are hard limits, not idle timers: a hub (or a middlebox) that accepts
/// the connection and then trickles or says nothing cannot hold a sync round
/// for longer than `--request-timeout`.
struct TimeoutOptions: ParsableArguments {
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp(
        "Seconds allowed to open the connection to the hub, TLS handshake included (default: 10).", valueName: "SECONDS"))
    var connectTimeout: Int?

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "Seconds allowed for one whole request, from connecting to the last byte of the answer (default: 60).", valueName: "SECONDS"))
    var requestTimeout: Int?

    /// The limits from the flags, else the settings (`connectTimeout`, `requestTimeout`), else 10 s and 60 s.
    func transport(_ settings: SettingsSource) throws(SettingsError) -> CurlHTTPClient.Options {
        let connect = connectTimeout ?? settings.int("connectTimeout") ?? 10
        let request = requestTimeout ?? settings.int("requestTimeout") ?? 60
        guard (1...3600).contains(connect) else {
            throw SettingsError("--connect-timeout must be from 1 to 3600 seconds (got \(connect); flag or setting connectTimeout)")
        }
        guard (1...3600).contains(request) else {
            throw SettingsError("--request-timeout must be from 1 to 3600 seconds (got \(request); flag or setting requestTimeout)")
        }
        return CurlHTTPClient.Options(connectTimeout: .seconds(connect), totalTimeout: .seconds(request))
    }
}
