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

/// `GET /v1/prices?since=V`: what a till needs to catch up, compact (each
/// changed row once) and limited to what its store uses.
@Suite struct PriceChangesRouteTests {
    static func list(_ csv: String) throws -> PriceList {
        try PriceFile.read(Data(("type,sku,currency,price,store,region,promotion,percent,starts,ends,stores\n" + csv).utf8), format: .csv)
    }

    static func delta(_ client: any TestClientProtocol, since: String, token: String) async throws -> PriceDelta {
        let (status, body) = try await client.send(.get, "/v1/prices?since=\(since)", token: token)
        #expect(status == .ok)
        return try WireCoding.decode(PriceDelta.self, from: body)
    }

    @Test(arguments: StoreBackend.available) func aTillGetsTheWholeListThenOnlyWhatChangedForItsStore(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "PARIS-01")
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await hub.store.importPriceList(try Self.list("""
            base,SHOE,EUR,89.99,,,,,,,
            base,SOCK,EUR,12.99,,,,,,,
            override,SHOE,EUR,79.99,NICE-03,,,,,,
            override,SHOE,EUR,84.99,,SOUTH,,,,,
            region,,,,LYON-02,SOUTH,,,,,
            promotion,SOCK,,,,,P-PARIS,10,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,PARIS-01
            promotion,SOCK,,,,,P-LYON,10,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,LYON-02
            """), at: at)
        // Version 2: the sock's price changes, Nice's override goes, Lyon's promotion moves to Paris too.
        _ = try await hub.store.importPriceList(try Self.list("""
            base,SHOE,EUR,89.99,,,,,,,
            base,SOCK,EUR,11.99,,,,,,,
            override,SHOE,EUR,84.99,,SOUTH,,,,,
            region,,,,LYON-02,SOUTH,,,,,
            promotion,SOCK,,,,,P-PARIS,10,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,PARIS-01
            promotion,SOCK,,,,,P-LYON,10,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,LYON-02 PARIS-01
            """), at: at.addingTimeInterval(60))

        let (first, catchUp, upToDate, restored, bad) = try await hub.test { client in
            (
                try await Self.delta(client, since: "0", token: paris),
                try await Self.delta(client, since: "1", token: paris),
                try await Self.delta(client, since: "2", token: paris),
                try await Self.delta(client, since: "7", token: paris),
                try await client.send(.get, "/v1/prices?since=-1", token: paris)
            )
        }
        // The whole list for Paris: no other store's price, region, or promotion.
        #expect(first.version == 2 && first.full && first.removed.isEmpty)
        #expect(Set(first.entries.map(\.key)) == [
            "base SHOE EUR", "base SOCK EUR", "override SHOE region SOUTH EUR", "promotion P-PARIS", "promotion P-LYON",
        ])
        // From version 1: only the rows changed since, each once; Nice's override to drop.
        #expect(catchUp.version == 2 && !catchUp.full)
        #expect(Set(catchUp.entries.map(\.key)) == ["base SOCK EUR", "promotion P-LYON"])
        #expect(catchUp.removed == ["override SHOE store NICE-03 EUR"])
        // Up to date: nothing.
        #expect(upToDate == PriceDelta(version: 2, full: false, entries: [], removed: []))
        // A version the hub never made (it was restored from a backup): the whole list again.
        #expect(restored.full && restored.entries.count == first.entries.count)
        #expect(bad.0 == .badRequest)
        // What a till computes from the whole list equals the hub's answer.
        let quote = try PriceList(entries: first.entries).quote(sku: "SOCK", store: StoreID(rawValue: "PARIS-01")!, tier: nil,
                                                               at: RFC3339.parse("2026-01-15T00:00:00Z")!, currency: Currency(rawValue: "EUR")!)
        #expect(quote.price.amount == 1079)
    }

    @Test func aLargeAnswerTravelsGzippedToAClientThatAcceptsIt() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "PARIS-01")
        let rows = (0..<2_000).map { "base,SKU-\($0),EUR,\(10 + $0 % 90).99,,,,,,," }.joined(separator: "\n")
        _ = try await hub.store.importPriceList(try Self.list(rows), at: Date())
        let (plain, gzipped) = try await hub.test { client in
            (
                try await client.execute(uri: "/v1/prices?since=0", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 },
                try await client.execute(uri: "/v1/prices?since=0", method: .get, headers: [.authorization: "Bearer \(token)", .acceptEncoding: "br, gzip;q=0.9"]) { $0 }
            )
        }
        #expect(plain.headers[.contentEncoding] == nil)
        #expect(gzipped.headers[.contentEncoding] == "gzip")
        #expect(gzipped.body.readableBytes * 4 < plain.body.readableBytes, "\(gzipped.body.readableBytes) bytes gzipped, \(plain.body.readableBytes) plain")
        var compressed = gzipped.body
        let inflated = try compressed.decompress(with: .gzip())
        let delta = try WireCoding.decode(PriceDelta.self, from: Data(buffer: inflated))
        #expect(delta.full && delta.entries.count == 2_000)
        #expect(Data(buffer: inflated) == Data(buffer: plain.body), "the same document either way")
    }
}
