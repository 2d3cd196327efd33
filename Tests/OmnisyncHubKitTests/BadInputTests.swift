import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Every endpoint answers bad input with a 4xx and a JSON error naming the
/// problem: never a crash, a 500, or a silent drop.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var body: String?
        var admin = false
        var status: HTTPResponse.Status
        var mentions: String

        var description: String { "\(method) \(uri) \(body?.prefix(40) ?? "")" }
    }

    static let cases: [Case] = [
        Case(method: .post, uri: "/v1/push", body: "", status: .badRequest, mentions: "not valid JSON"),
        Case(method: .post, uri: "/v1/push", body: "[1,2]", status: .badRequest, mentions: "invalid request body"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T-1","backlog":0}"#, status: .badRequest, mentions: "entries: missing field"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T-1","backlog":-1,"entries":[]}"#, status: .badRequest, mentions: "backlog: must not be negative"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T 1","backlog":0,"entries":[]}"#, status: .badRequest, mentions: "terminal"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T-1","backlog":0,"entries":[{"seq":0}]}"#, status: .badRequest, mentions: "entries[0].seq"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T-1","backlog":0,"entries":["x"]}"#, status: .badRequest, mentions: "entries[0].seq"),
        Case(method: .post, uri: "/v1/push", body: #"{"terminal":"T-1","backlog":0,"entries":[{"seq":2},{"seq":1}]}"#, status: .badRequest, mentions: "strictly increasing"),
        Case(method: .get, uri: "/v1/pull?cursor=-4", status: .badRequest, mentions: "invalid cursor"),
        Case(method: .get, uri: "/v1/pull?limit=5000", status: .badRequest, mentions: "limit"),
        Case(method: .post, uri: "/v1/customers/lookup", body: #"{"card":"ab"}"#, status: .badRequest, mentions: "card number"),
        Case(method: .post, uri: "/v1/customers/lookup", body: #"{"customer":"x"}"#, status: .badRequest, mentions: "card: missing field"),
        Case(method: .get, uri: "/v1/customers/lookup", status: .notFound, mentions: "GET"),
        Case(method: .get, uri: "/v1/admin/customers/a%20b", admin: true, status: .badRequest, mentions: "customer id"),
        Case(method: .get, uri: "/v1/admin/customers/nobody", admin: true, status: .notFound, mentions: "no customer"),
        Case(method: .delete, uri: "/v1/push", status: .notFound, mentions: "DELETE"),
    ]

    @Test(arguments: cases)
    func badInputIsAnsweredWith4xxAndAJSONErrorNamingIt(_ item: Case) async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let answer = try await hub.test { client in
            try await client.send(item.method, item.uri, token: item.admin ? hub.adminToken : token, body: item.body.map { Data($0.utf8) })
        }
        #expect(answer.0 == item.status)
        let error = try #require(try? WireCoding.decode(ErrorBody.self, from: answer.1), "not a JSON error: \(String(decoding: answer.1, as: UTF8.self))")
        #expect(error.error.message.contains(item.mentions), "\(error.error.message)")
        // Nothing was stored by a refused push.
        #expect(try await hub.store.status().terminals.first?.acknowledgedSeq == 0)
    }
}

/// Push bodies may be gzip-compressed; the hub's limits hold for what they
/// inflate to.
@Suite struct CompressedBodyTests {
    func send(_ hub: HubFixture, token: String, body: ByteBuffer, encoding: String) async throws -> (HTTPResponse.Status, Data) {
        try await hub.test { client in
            try await client.execute(
                uri: "/v1/push", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentEncoding: encoding, .contentType: "application/json"],
                body: body
            ) { ($0.status, Data(buffer: $0.body)) }
        }
    }

    @Test(arguments: StoreBackend.available) func aGzipBodyIsReadAndABadOneRefused(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let json = try WireCoding.encode(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: factory.identifier())]))
        var plain = ByteBuffer(data: json)
        let good = try await send(hub, token: token, body: try plain.compress(with: .gzip()), encoding: "gzip")
        #expect(good.0 == .ok)
        #expect(try WireCoding.decode(PushResponse.self, from: good.1).stored == 1)

        let corrupt = try await send(hub, token: token, body: ByteBuffer(string: "definitely not gzip"), encoding: "gzip")
        #expect(corrupt.0 == .badRequest && corrupt.1.errorCode == "malformed_request")
        let brotli = try await send(hub, token: token, body: ByteBuffer(data: json), encoding: "br")
        #expect(brotli.0 == .unsupportedMediaType && brotli.1.errorCode == "unsupported_media_type")
    }

    @Test(arguments: StoreBackend.available) func aBodyInflatingBeyondTheLimitIsRefused(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        // 80 MiB of spaces compress to about 80 KiB: a zip bomb in miniature.
        var bomb = ByteBuffer(repeating: UInt8(ascii: " "), count: 80 << 20)
        let answer = try await send(hub, token: token, body: try bomb.compress(with: .gzip()), encoding: "gzip")
        #expect(answer.0 == .contentTooLarge, "\(String(decoding: answer.1, as: UTF8.self))")
        #expect(answer.1.errorCode == "payload_too_large")
    }
}
