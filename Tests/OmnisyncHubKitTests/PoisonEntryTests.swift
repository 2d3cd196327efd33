import Foundation
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import PropertyBased
import Synchronization
import Testing

/// Nothing a terminal sends can take the hub down: raw pushes full of extreme
/// values (0, negatives, near `Int64.max`, huge quantities, long strings) are
/// answered, every bad entry is quarantined with a reason and acknowledged,
/// and another terminal keeps syncing after each.
@Suite struct PoisonEntryTests {
    /// Values at and around every bound, and the extremes of `Int64`.
    static let extremes: [Int64] = [
        0, 1, -1, 99, 100, 1_000_000, 1_000_001, InputBounds.maxAmount, InputBounds.maxAmount + 1,
        InputBounds.maxPointsPerEntry, InputBounds.maxPointsPerEntry + 1, Int64.max / 2, Int64.max - 1, Int64.max, Int64.min,
    ]
    static let extreme = Gen.int(in: 0...(extremes.count - 1)).map { extremes[$0] }
    static func choice(_ values: [Int]) -> Generator<Int, Shrink.Integer<Int>> {
        Gen.int(in: 0...(values.count - 1)).map { values[$0] }
    }
    /// One raw entry's values: kind, quantity, unit price, total, points earned, points redeemed, SKU length, tags.
    static let spec = zip(
        Gen.int(in: 0...2), extreme, extreme, extreme, extreme, extreme, choice([1, 64, 65, 5000]), choice([0, 1, 100, 101])
    ).map { RawEntry.Spec(kind: $0, quantity: $1, unitPrice: $2, total: $3, earned: $4, redeemed: $5, skuLength: $6, tags: $7) }
    static let batch = spec.array(of: 1...6)
    static let runs = ProcessInfo.processInfo.environment["OMNISYNC_PROPERTY_RUNS"].flatMap(Int.init).map { $0 / 4 } ?? 60

    @Test(arguments: StoreBackend.available) func extremeValuesAreQuarantinedWithAReasonAndOtherTerminalsKeepSyncing(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let goodToken = try await hub.register("T-GOOD")
        var good = EntryFactory(terminal: "T-GOOD")
        let regular: CustomerID = good.identifier()
        let run = Counter()

        await propertyCheck(count: Self.runs, input: Self.batch) { specs in
            let name = "T-BAD-\(run.next())"
            let token = try await hub.register(name)
            var chain = RawEntry.Chain(terminal: name)
            let entries = specs.map { chain.next($0) }
            let body = try WireCoding.encode(JSONValue.object([
                "terminal": .string(name), "backlog": .integer(0), "entries": .array(entries.map(\.json)),
            ]))

            let (status, answer) = try await hub.test { client in try await client.send(.post, "/v1/push", token: token, body: body) }
            #expect(status == .ok, "a push of well-sequenced entries is always answered: \(String(decoding: answer, as: UTF8.self))")
            let response = try WireCoding.decode(PushResponse.self, from: answer)
            #expect(response.acknowledgedSeq == Int64(entries.count), "every entry is acknowledged, applied or quarantined")

            let quarantined = try await hub.store.quarantined().filter { $0.terminal.rawValue == name }
            let bySeq = Dictionary(uniqueKeysWithValues: quarantined.map { ($0.seq, $0.reason) })
            for (index, entry) in entries.enumerated() {
                let seq = Int64(index + 1)
                if entry.isBad {
                    #expect(bySeq[seq]?.isEmpty == false, "seq \(seq) (\(entry.spec)) is out of bounds but was applied")
                } else {
                    #expect(bySeq[seq] == nil, "seq \(seq) (\(entry.spec)) is well-formed but was quarantined: \(bySeq[seq] ?? "")")
                }
            }

            // The chain's other terminals are not held up.
            let sale = good.sale(customer: regular, cents: 500)
            let answers = try await hub.push([(PushRequest(terminal: good.terminal, backlog: 0, entries: [sale]), goodToken)])
            #expect(answers.first?.acknowledgedSeq == sale.seq)
        }
        #expect(try await hub.store.customer(id: regular)?.state.pointsBalance == 5 * Int64(run.value))
    }

    @Test(arguments: StoreBackend.available) func pointsThatWouldOverflowACounterAreQuarantinedNotATrap(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let nothing = Money(amount: 0, currency: Currency(rawValue: "EUR")!)
        // Returns taking back the most points an entry may carry: each within
        // every bound, but the 9,224th overflows the terminal's counter.
        let giveBack = { (factory: inout EntryFactory) in
            factory.entry(.return(ReturnEvent(
                customer: customer, card: nil, lines: [SaleLine(sku: "X", quantity: 1, unitPrice: nothing)], total: nothing,
                receipt: nil, originalReceipt: "R-0", pointsReversed: InputBounds.maxPointsPerEntry
            )))
        }
        var state = ProfileState(id: customer)
        var applied = 0
        var refused: ApplyError?
        while refused == nil {
            do {
                try state.apply(giveBack(&factory))
                applied += 1
            } catch {
                refused = error
            }
        }
        #expect(applied == Int(Int64.max / InputBounds.maxPointsPerEntry))
        #expect(refused?.code == .pointsOverflow)
        #expect(state.pointsBalance == -Int64(applied) * InputBounds.maxPointsPerEntry, "a refused entry leaves the state as it was")

        // The hub, fed the same history and one more sale, quarantines the one that overflows and goes on.
        factory = EntryFactory(terminal: "T-1")
        var entries = (0...applied).map { _ in giveBack(&factory) }
        entries.append(factory.sale(customer: customer, cents: 1000))
        for start in stride(from: 0, to: entries.count, by: InputBounds.maxEntriesPerPush) {
            let slice = Array(entries[start..<min(start + InputBounds.maxEntriesPerPush, entries.count)])
            try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: slice), token)])
        }
        let quarantined = try await hub.store.quarantined()
        #expect(quarantined.map(\.seq) == [Int64(applied + 1)])
        #expect(quarantined.first?.reason.contains("overflow") == true, "\(quarantined)")
        #expect(try await hub.store.status().terminals.first?.acknowledgedSeq == Int64(entries.count))
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == state.pointsBalance + 10)
    }
}

/// A thread-safe counter for naming each property run's terminal.
final class Counter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}

/// A journal entry written as raw JSON, so its values can be anything a
/// tampered or buggy terminal might send, linked into a valid hash chain so
/// that the hub judges the values and not the chain.
struct RawEntry {
    struct Spec: Sendable, CustomStringConvertible {
        var kind: Int
        var quantity: Int64
        var unitPrice: Int64
        var total: Int64
        var earned: Int64
        var redeemed: Int64
        var skuLength: Int
        var tags: Int

        var description: String {
            "kind \(kind) qty \(quantity) price \(unitPrice) total \(total) earned \(earned) redeemed \(redeemed) sku \(skuLength) tags \(tags)"
        }
    }

    var spec: Spec
    var json: JSONValue
    var isBad: Bool

    /// Numbers the entries of one terminal and links each to the one before.
    struct Chain {
        let terminal: String
        let customer = "C-\(UUID().uuidString.prefix(8))"
        var seq: Int64 = 0
        var previous: String?
        var wall: Int64 = 1_795_000_000_000

        init(terminal: String) {
            self.terminal = terminal
        }

        mutating func next(_ spec: Spec) -> RawEntry {
            seq += 1
            wall += 1
            let money = { (amount: Int64) in JSONValue.object(["amount": .integer(amount), "currency": .string("EUR")]) }
            let line = JSONValue.object([
                "sku": .string(String(repeating: "S", count: spec.skuLength)), "quantity": .integer(spec.quantity), "unitPrice": money(spec.unitPrice),
            ])
            var data: [String: JSONValue] = ["customer": .string(customer)]
            let kind: String
            // What the hub must refuse, judged from the documented bounds alone.
            var bad = spec.skuLength > 64
            let lineAmount = spec.quantity.multipliedReportingOverflow(by: spec.unitPrice)
            let receiptBad = !(1...InputBounds.maxQuantity).contains(spec.quantity) || !(0...InputBounds.maxAmount).contains(spec.unitPrice)
                || lineAmount.overflow || lineAmount.partialValue > InputBounds.maxAmount || spec.total < 0 || spec.total > lineAmount.partialValue
            let pointsBad = { (points: Int64) in !(0...InputBounds.maxPointsPerEntry).contains(points) }
            switch spec.kind {
            case 0:
                kind = "sale"
                data.merge(["enrolled": .bool(false), "lines": .array([line]), "total": money(spec.total),
                            "pointsEarned": .integer(spec.earned), "pointsRedeemed": .integer(spec.redeemed)]) { $1 }
                bad = bad || receiptBad || pointsBad(spec.earned) || pointsBad(spec.redeemed)
                    // More points than the store's policy (one per euro) gives is a policy exception.
                    || (!receiptBad && spec.earned > spec.total / 100)
            case 1:
                kind = "return"
                data.merge(["lines": .array([line]), "total": money(spec.total), "originalReceipt": .string("R-1"),
                            "pointsReversed": .integer(spec.earned)]) { $1 }
                bad = bad || receiptBad || pointsBad(spec.earned)
            default:
                kind = "profile"
                bad = spec.tags > InputBounds.maxTagsPerChange
                data.merge(["enrolled": .bool(false), "set": .object([:]), "observed": .object([:]), "consent": .object([:]), "erase": .bool(false),
                            "addTags": .array((0..<max(spec.tags, 1)).map { "tag-\($0)" }.sorted().map(JSONValue.string)), "removeTags": .array([])]) { $1 }
            }
            // Written as the agent writes entries (tags sorted), so the chain's hashes agree.
            var entry: [String: JSONValue] = [
                "id": .string("E-\(terminal)-\(seq)"), "terminal": .string(terminal), "seq": .integer(seq),
                "recordedAt": .string(RFC3339.format(Date(millis: wall)!)), "hlc": .string("\(wall):0:\(terminal)"),
                "kind": .string(kind), "data": .object(data),
            ]
            if let previous { entry["previousHash"] = .string(previous) }
            let json = JSONValue.object(entry)
            previous = ChainHash.of((try? WireCoding.encode(json)) ?? Data())
            return RawEntry(spec: spec, json: json, isBad: bad)
        }
    }
}
