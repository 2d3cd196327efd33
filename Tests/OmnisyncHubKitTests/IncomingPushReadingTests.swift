import Foundation
import Testing
import OmnisyncCore
import OmnisyncTestSupport
@testable import OmnisyncHubKit

/// `IncomingPush.read`, the hub's fast path for push bodies, against the
/// full decoder it falls back to.
@Suite struct IncomingPushReadingTests {
    /// What decoding must agree on, entry by entry.
    struct Reading: Equatable {
        var seq: Int64
        var decoded: Result<JournalEntry, DecodingProblem>
        var receivedHash: String
        var recordedHash: String?
        var bytes: Data
    }

    static func readings(_ push: IncomingPush) -> [Reading] {
        push.entries.map { Reading(seq: $0.seq, decoded: $0.decoded, receivedHash: $0.receivedHash, recordedHash: $0.recordedHash, bytes: $0.bytes) }
    }

    @Test func readsWhatTheAgentSendsAsTheFullDecoderDoesKeepingEachEntrysBytes() throws {
        var factory = EntryFactory(terminal: "T-1")
        let customer = CustomerID(rawValue: "C-1")!
        let entries = [
            factory.sale(customer: customer, card: CardNumber(rawValue: "CARD1")!, enrolled: true),
            factory.profile(customer: customer, set: .name, to: "Zoë \"Z\" Müller"),
            factory.sale(customer: customer, cents: 0),
        ]
        let encoded = try entries.map { try WireCoding.encode($0) }
        let hashes = encoded.map { ChainHash.of($0) as String? }
        let body = PushRequest.body(terminal: factory.terminal, backlog: 7, encodedEntries: encoded, hashes: hashes)

        let fast = try IncomingPush.read(body)
        let full = try WireCoding.decode(IncomingPush.self, from: body)
        #expect(fast.terminal == full.terminal && fast.backlog == full.backlog)
        #expect(Self.readings(fast) == Self.readings(full))
        // Each entry kept the bytes it was sent as, and hashes them as the terminal did.
        #expect(fast.entries.map(\.bytes) == encoded)
        #expect(fast.entries.map(\.receivedHash) == hashes.compactMap { $0 })
    }

    @Test(arguments: [
        // Not canonical (whitespace, key order), an entry that does not decode, a bad envelope.
        #"{"terminal":"T-1","backlog":0,"entries":[]}"#,
        #"{ "backlog":0,"entries":[],"terminal":"T-1"}"#,
        #"{"backlog":0,"entries":[{"seq":3,"id":"E-3","kind":"sale"}],"terminal":"T-1"}"#,
        #"{"backlog":-1,"entries":[],"terminal":"T-1"}"#,
        #"{"backlog":0,"entries":[],"hashes":["a"],"terminal":"T-1"}"#,
        #"{"backlog":0,"entries":[{"seq":0}],"terminal":"T-1"}"#,
    ])
    func anythingElseReadsExactlyAsTheFullDecoderReadsIt(body: String) throws {
        let data = Data(body.utf8)
        let full = Result { () throws(DecodingProblem) in try WireCoding.decode(IncomingPush.self, from: data) }
        let fast = Result { () throws(DecodingProblem) in try IncomingPush.read(data) }
        switch (fast, full) {
        case (.success(let a), .success(let b)):
            #expect(Self.readings(a) == Self.readings(b))
        case (.failure(let a), .failure(let b)):
            #expect(a == b)
        default:
            Issue.record("fast \(fast) and full \(full) disagree")
        }
    }
}
