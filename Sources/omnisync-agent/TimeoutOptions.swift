import ArgumentParser
import OmnisyncAgentKit

/// Time limits on each request to the hub, for `sync` and `run`.
///
/// Both are hard limits, not idle timers: a hub (or a middlebox) that accepts
/// the connection and then trickles or says nothing cannot hold a sync round
/// for longer than `--request-timeout`.
struct TimeoutOptions: ParsableArguments {
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp(
        "Seconds allowed to open the connection to the hub, TLS handshake included.", valueName: "SECONDS"))
    var connectTimeout: Int = 10

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "Seconds allowed for one whole request, from connecting to the last byte of the answer.", valueName: "SECONDS"))
    var requestTimeout: Int = 60

    func validate() throws {
        guard (1...3600).contains(connectTimeout) else {
            throw ValidationError("--connect-timeout must be from 1 to 3600 seconds (got \(connectTimeout))")
        }
        guard (1...3600).contains(requestTimeout) else {
            throw ValidationError("--request-timeout must be from 1 to 3600 seconds (got \(requestTimeout))")
        }
    }

    var transport: CurlHTTPClient.Options {
        CurlHTTPClient.Options(connectTimeout: .seconds(connectTimeout), totalTimeout: .seconds(requestTimeout))
    }
}
