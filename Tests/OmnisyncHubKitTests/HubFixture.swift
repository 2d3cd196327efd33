import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport

/// A hub with an embedded store in a temporary directory, driven through its
/// real router (no network, no mocks of our HTTP layer).
struct HubFixture {
    let directory: TemporaryDirectory
    let store: any HubStore
    /// The PostgreSQL database's URL, for a test that reads its tables (nil on SQLite).
    var databaseURL: String?
    let adminToken = "osa_test-admin-token"

    /// A hub on embedded SQLite in a temporary directory.
    init() throws {
        directory = try TemporaryDirectory("hub")
        store = try SQLiteHubStore(path: directory.appending("hub.sqlite"))
    }

    private init(directory: TemporaryDirectory, store: any HubStore) {
        self.directory = directory
        self.store = store
    }

    /// A hub on `backend`: the suites that run on both use this.
    static func make(_ backend: StoreBackend) async throws -> HubFixture {
        switch backend {
        case .sqlite:
            return try HubFixture()
        case .postgres:
            let url = try await PostgresScratch.database("fixture")
            var fixture = HubFixture(directory: try TemporaryDirectory("hub"), store: try await PostgresHubStore(url: url))
            fixture.databaseURL = url
            return fixture
        }
    }

    /// Registers a terminal and returns its token.
    func register(_ terminal: String, store storeID: String = "S-1") async throws -> String {
        let token = TerminalToken.generate()
        _ = try await store.addTerminal(TerminalID(rawValue: terminal)!, store: StoreID(rawValue: storeID)!, tokenHash: TerminalToken.hash(token), at: Date())
        return token
    }

    /// Pushes each batch with its terminal's token, in order, and returns the answers.
    @discardableResult
    func push(_ batches: [(PushRequest, String)]) async throws -> [PushResponse] {
        try await test { client in
            var answers: [PushResponse] = []
            for (batch, token) in batches {
                let (status, body) = try await client.push(batch, token: token)
                guard status == .ok else { throw TestSupportError("push answered \(status): \(String(decoding: body, as: UTF8.self))") }
                answers.append(try WireCoding.decode(PushResponse.self, from: body))
            }
            return answers
        }
    }

    /// Runs `body` with a client bound to the hub's router, which counts into
    /// `metrics` and reads the time from `now`.
    func test<Value>(
        metrics: HubMetrics = HubMetrics(),
        now: @escaping @Sendable () -> Date = Date.init,
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        // Access lines of hundreds of in-process requests would bury test output.
        var logger = Logger(label: "hub-fixture")
        logger.logLevel = .warning
        let app = Application(router: HubRouter.make(store: store, adminToken: adminToken, metrics: metrics, now: now), logger: logger)
        return try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends `body` to `uri` with a bearer token and returns status and body.
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: Data? = nil) async throws -> (HTTPResponse.Status, Data) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            (response.status, Data(buffer: response.body))
        }
    }

    func push(_ request: PushRequest, token: String) async throws -> (HTTPResponse.Status, Data) {
        try await send(.post, "/v1/push", token: token, body: try WireCoding.encode(request))
    }
}

extension Data {
    /// The `error.code` of a JSON error body.
    var errorCode: String? { (try? WireCoding.decode(ErrorBody.self, from: self))?.error.code }
}
