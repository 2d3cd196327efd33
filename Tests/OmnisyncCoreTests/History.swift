import Testing
import Foundation
@testable import OmnisyncCore

/// One step of a random history: an edit at a replica, or a replica merging
/// another's state (a sync), described by small integers so the property
/// library can generate and shrink it.
struct HistoryStep: Sendable, CustomStringConvertible {
    var replica: Int
    var action: Int
    var customer: Int
    var choice: Int
    var amount: Int
    var clockJump: Int

    var description: String { "r\(replica) a\(action) c\(customer) x\(choice) n\(amount) j\(clockJump)" }
}

/// Replays a list of ``HistoryStep`` on three replicas (terminals T-0...T-2)
/// holding two customers, the way terminals do: each edit is recorded as a
/// journal entry, resolved against the replica's own state (observed stamps,
/// observed tag dots, superseded consent), applied there, and kept so a "hub"
/// can apply every entry later. Wall clocks drift and jump backwards.
struct History {
    static let replicas = 3
    static let customers = (0..<2).map { CustomerID(rawValue: "C-\($0)")! }
    static let tags = ["vip", "running", "kids"].map { Tag(rawValue: $0)! }
    static let campaigns = ["CMP-1", "CMP-2"].map { CampaignID(rawValue: $0)! }

    var states: [[CustomerID: ProfileState]] = Array(repeating: [:], count: replicas)
    /// Entries of each replica in its sequence order.
    var entries: [[JournalEntry]] = Array(repeating: [], count: replicas)
    private var clocks = (0..<replicas).map { HybridLogicalClock(replica: ReplicaID(rawValue: "T-\($0)")!) }
    /// Offers the hub granted or withdrew (it writes them, tills pull them): the hub's view applies them all.
    private(set) var grants: [(customer: CustomerID, campaign: CampaignID, grant: OfferGrant?, stamp: HLCTimestamp)] = []
    /// Predictions the hub wrote (or cleared), likewise applied by the hub's view.
    private(set) var insights: [(customer: CustomerID, insight: CustomerInsight?, stamp: HLCTimestamp)] = []
    private var hubClock = HybridLogicalClock(replica: .hub)
    private var walls = [Int64](repeating: 1_795_000_000_000, count: replicas)
    private var writes = 0
    /// Whether histories may erase a customer (the conflict-log property excludes it).
    let allowErasure: Bool

    init(_ steps: [HistoryStep], allowErasure: Bool = true) {
        self.allowErasure = allowErasure
        for step in steps { play(step) }
    }

    func state(_ replica: Int, _ customer: CustomerID) -> ProfileState {
        states[replica][customer] ?? ProfileState(id: customer)
    }

    private mutating func play(_ step: HistoryStep) {
        let replica = step.replica % Self.replicas
        // Clocks mostly advance, sometimes jump back a little.
        walls[replica] += Int64(step.clockJump % 7) - 2
        let customer = Self.customers[step.customer % Self.customers.count]
        let current = state(replica, customer)
        let event: JournalEvent
        switch step.action % 10 {
        case 0:
            // A sync: this replica merges another's copy of every customer.
            let other = (replica + 1 + step.choice % (Self.replicas - 1)) % Self.replicas
            for (id, remote) in states[other] {
                var merged = states[replica][id] ?? ProfileState(id: id)
                merged.merge(remote)
                states[replica][id] = merged
                if let latest = remote.latestStamp { clocks[replica].observe(latest, wallMillis: walls[replica]) }
            }
            return
        case 1:
            let total = Money(amount: Int64(step.amount % 50) * 100, currency: Currency(rawValue: "EUR")!)
            let redeemed = Int64(step.choice % 3 == 0 ? step.amount % 30 : 0)
            // Now and then the sale uses an offer (held or not: the till checks, the state just counts).
            let offer = step.choice % 4 == 1 ? Self.campaigns[step.amount % Self.campaigns.count] : nil
            event = .sale(SaleEvent(
                customer: customer, card: nil, enrolled: false, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: total)],
                total: total, receipt: nil, pointsEarned: total.wholeUnits, pointsRedeemed: redeemed, offer: offer
            ))
        case 9 where step.choice % 3 == 2:
            // The hub writes its predictions (now and then clears them), and this replica pulls them.
            let stamp = hubClock.tick(wallMillis: walls.max()!)
            let insight = step.amount % 6 == 0 ? nil : CustomerInsight(
                pAlive: Double(step.amount % 100) / 100, expectedPurchases90d: step.amount % 4 == 0 ? nil : Double(step.amount) / 7,
                value12m: step.amount % 3 == 0 ? nil : Money(amount: Int64(step.amount) * 13, currency: Currency(rawValue: "EUR")!),
                cluster: step.amount % 5 == 0 ? nil : step.amount % 4, recommendations: (0..<(step.amount % 4)).map { "SKU-\($0 + step.amount)" },
                modelFittedAt: Date(millis: walls.min()!)!
            ).rounded()
            var updated = current
            updated.writeInsight(insight, at: stamp)
            states[replica][customer] = updated
            insights.append((customer, insight, stamp))
            clocks[replica].observe(stamp, wallMillis: walls[replica])
            return
        case 9:
            // The hub grants (or withdraws) an offer, and this replica pulls it.
            let campaign = Self.campaigns[step.choice % Self.campaigns.count]
            let stamp = hubClock.tick(wallMillis: walls.max()!)
            let from = Date(millis: walls.min()! - 1000)!
            let grant = step.amount % 5 == 0
                ? nil : OfferGrant(campaign: campaign, description: "offer \(step.amount)", validFrom: from, validUntil: from.addingTimeInterval(3600), uses: 1 + step.amount % 2)
            var updated = current
            updated.grant(grant, of: campaign, at: stamp)
            states[replica][customer] = updated
            grants.append((customer, campaign, grant, stamp))
            clocks[replica].observe(stamp, wallMillis: walls[replica])
            return
        case 2:
            let total = Money(amount: Int64(step.amount % 20) * 100, currency: Currency(rawValue: "EUR")!)
            event = .return(ReturnEvent(
                customer: customer, card: nil, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: total)], total: total,
                receipt: nil, originalReceipt: "R", pointsReversed: total.wholeUnits
            ))
        case 3, 4:
            let field = ProfileField.editable[step.choice % ProfileField.editable.count]
            writes += 1
            // Every write carries a distinct value, so a lost value is recognisable.
            let value: String? = step.amount % 11 == 0 ? nil : Self.value(for: field, write: writes, replica: replica)
            event = .profile(ProfileEvent(customer: customer, set: [field: value], observed: current.fields[field].map { [field: $0.stamp] } ?? [:]))
        case 5:
            event = .profile(ProfileEvent(customer: customer, addTags: [Self.tags[step.choice % Self.tags.count]]))
        case 6:
            let tag = Self.tags[step.choice % Self.tags.count]
            event = .profile(ProfileEvent(customer: customer, removeTags: [TagRemoval(tag: tag, observed: current.tags.dots(of: tag))]))
        case 7:
            let channel = ConsentChannel.allCases[step.choice % ConsentChannel.allCases.count]
            let value: ConsentValue = step.amount % 2 == 0 ? .optedIn : .optedOut
            event = .profile(ProfileEvent(customer: customer, consent: [channel: ConsentWrite(value: value, observed: current.consent[channel]?.dots ?? [])]))
        default:
            if allowErasure && step.amount % 13 == 0 {
                event = .profile(ProfileEvent(customer: customer, erase: true))
            } else {
                event = .scan(ScanEvent(customer: customer, card: CardNumber(rawValue: "CARD\(step.choice % 4)")!, enrolled: false))
            }
        }
        let terminal = TerminalID(rawValue: "T-\(replica)")!
        let entry = JournalEntry(
            id: EntryID(rawValue: "E-\(replica)-\(entries[replica].count + 1)")!, terminal: terminal,
            seq: Int64(entries[replica].count + 1), recordedAt: Date(millis: walls[replica])!,
            hlc: clocks[replica].tick(wallMillis: walls[replica]), event: event
        )
        entries[replica].append(entry)
        var updated = current
        Self.apply(entry, to: &updated)
        states[replica][customer] = updated
    }

    /// Generated histories stay far inside every bound, so a refusal is a failure of the test.
    @discardableResult
    static func apply(_ entry: JournalEntry, to state: inout ProfileState) -> ProfileState.ApplyReport {
        do {
            return try state.apply(entry)
        } catch {
            Issue.record("a generated entry was refused: \(error)")
            return ProfileState.ApplyReport()
        }
    }

    static func value(for field: ProfileField, write: Int, replica: Int) -> String {
        switch field {
        case .email: "w\(write)r\(replica)@example.com"
        case .phone: "+3360000\(String(format: "%04d", write))"
        case .birthday: "19\(String(format: "%02d", write % 100))-01-0\(1 + replica)"
        case .language: ["fr", "de", "pt-BR", "ar", "en"][write % 5]
        default: "Name \(write)-\(replica)"
        }
    }

    /// The hub's view: every entry applied once, each replica's entries in
    /// their sequence order, replicas interleaved as `order` says (an index of
    /// the replica to take the next entry from, repeated as needed).
    func hub(interleaving order: [Int]) -> (states: [CustomerID: ProfileState], reports: [(JournalEntry, ProfileState.ApplyReport)]) {
        var next = [Int](repeating: 0, count: Self.replicas)
        var states: [CustomerID: ProfileState] = [:]
        var reports: [(JournalEntry, ProfileState.ApplyReport)] = []
        var pick = 0
        var remaining = entries.map(\.count).reduce(0, +)
        while remaining > 0 {
            var replica = order.isEmpty ? pick % Self.replicas : order[pick % order.count] % Self.replicas
            pick += 1
            while next[replica] == entries[replica].count { replica = (replica + 1) % Self.replicas }
            let entry = entries[replica][next[replica]]
            next[replica] += 1
            remaining -= 1
            let customer = entry.event.customer!
            var state = states[customer] ?? ProfileState(id: customer)
            reports.append((entry, Self.apply(entry, to: &state)))
            states[customer] = state
        }
        for grant in grants {
            var state = states[grant.customer] ?? ProfileState(id: grant.customer)
            state.grant(grant.grant, of: grant.campaign, at: grant.stamp)
            states[grant.customer] = state
        }
        for write in insights {
            var state = states[write.customer] ?? ProfileState(id: write.customer)
            state.writeInsight(write.insight, at: write.stamp)
            states[write.customer] = state
        }
        return (states, reports)
    }
}

/// Canonical JSON, for byte-for-byte comparison (encoding these values cannot fail).
func canonical(_ value: some Encodable) -> String {
    String(decoding: (try? WireCoding.encode(value)) ?? Data("unencodable".utf8), as: UTF8.self)
}

extension Dictionary where Key == CustomerID, Value == ProfileState {
    /// Canonical JSON of every customer.
    var canonicalJSON: String {
        canonical(History.customers.map { self[$0] ?? ProfileState(id: $0) })
    }
}
