import Foundation
import Histogram
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport

/// Many terminals pushing to one hub at once: `omnisync-hub serve` as its own
/// process, every simulated terminal on its own HTTPS connection pushing
/// small batches one after the other. The baseline is the same clients asking
/// `GET /healthz` as often: what the HTTP and TLS stack costs with no work
/// behind it.
struct HubLoadBenchmark {
    var terminals = 500
    var pushesPerTerminal = 20
    var entriesPerPush = 5
    var directory: String
    var binaries: String
    /// `--database` for the hub (nil: its embedded SQLite).
    var database: String? = nil
    /// Hub processes serving the load, terminals spread evenly (PostgreSQL only).
    var replicas = 1

    struct Result {
        var pushes: CurlMultiLoad.Result
        var health: CurlMultiLoad.Result
        var hubPeakBytes: Int?
        var acknowledgedEverything: Bool
    }

    func run(progress: @escaping (String) -> Void) async throws -> Result {
        let hubDirectory = directory + "/hub"
        let extra = database.map { ["--database", $0] } ?? []
        let (hub, url) = try ServerProcess.freshHub(binaries: binaries, scratch: directory, extraArguments: extra)
        var hubs = [hub]
        var urls = [url]
        defer { hubs.forEach { $0.stop() } }
        // More replicas on the same database, sharing the first one's TLS material.
        for _ in 1..<max(replicas, 1) {
            let replica = try ServerProcess(binaries + "/omnisync-hub", ["serve", "--data-dir", hubDirectory, "--listen", "127.0.0.1:0"] + extra)
            hubs.append(replica)
            urls.append(try replica.waitForLine(containing: "listening on ").components(separatedBy: "listening on ").last!)
        }

        // Registered straight in the hub's database, as `terminals add` does while serve runs.
        progress("hub load: registering \(terminals) terminals")
        let store = try await HubStores.open(database.map { .postgres(url: $0) } ?? .sqlite(path: hubDirectory + "/hub.sqlite"))
        var clients: [CurlMultiLoad.Client] = []
        var healthClients: [CurlMultiLoad.Client] = []
        for index in 0..<terminals {
            let id = String(format: "T-%04d", index)
            let token = TerminalToken.generate()
            _ = try await store.addTerminal(
                TerminalID(rawValue: id)!, store: StoreID(rawValue: "S-\(index / 5)")!, tokenHash: TerminalToken.hash(token), at: Date()
            )
            let headers = ["Authorization: Bearer \(token)", "Content-Type: application/json", "Accept: application/json"]
            let server = urls[index % urls.count]
            clients.append(CurlMultiLoad.Client(headers: headers, requests: try pushes(for: id), baseURL: server))
            healthClients.append(CurlMultiLoad.Client(
                headers: headers, requests: Array(repeating: .init(method: "GET", path: "/healthz", body: nil), count: pushesPerTerminal),
                baseURL: server
            ))
        }

        let load = CurlMultiLoad(baseURL: url, caFile: hubDirectory + "/tls/ca.pem")
        let health = try load.run(healthClients) { progress("hub load: /healthz \($0)/\($1)") }
        let pushes = try load.run(clients) { progress("hub load: pushes \($0)/\($1)") }
        let peak = hubs.compactMap(\.peakResidentBytes).max()
        let status = try await store.status()
        let expected = Int64(pushesPerTerminal * entriesPerPush)
        return Result(
            pushes: pushes, health: health, hubPeakBytes: peak,
            acknowledgedEverything: status.terminals.count == terminals && status.terminals.allSatisfy { $0.acknowledgedSeq == expected }
        )
    }

    /// A terminal's pushes: sales to a few dozen customers of its store, in
    /// batches as the agent sends them (entries, their hashes, the backlog).
    private func pushes(for terminal: String) throws -> [CurlMultiLoad.Request] {
        var factory = EntryFactory(terminal: terminal)
        let customers: [CustomerID] = (0..<40).map { _ in factory.identifier() }
        let total = pushesPerTerminal * entriesPerPush
        return try (0..<pushesPerTerminal).map { push in
            let entries = (0..<entriesPerPush).map { index in
                factory.sale(customer: customers[(push * entriesPerPush + index) % customers.count], cents: Int64(500 + index * 100))
            }
            let request = PushRequest(
                terminal: factory.terminal, backlog: Int64(total - (push + 1) * entriesPerPush), entries: entries,
                hashes: try entries.map { try ChainHash.of($0) }
            )
            return CurlMultiLoad.Request(method: "POST", path: "/v1/push", body: try WireCoding.encode(request))
        }
    }
}
