import Foundation
import Testing
@testable import OmnisyncCore

/// Examples of the merge rules. (Property tests over random histories belong
/// to the merge engine; these pin down each rule on a small history.)
@Suite struct ProfileStateTests {
    let customer = CustomerID(rawValue: "C-1")!

    func stamp(_ wall: Int64, _ replica: String) -> HLCTimestamp {
        HLCTimestamp(wallMillis: wall, counter: 0, replica: ReplicaID(rawValue: replica)!)
    }

    func entry(_ terminal: String, seq: Int64, wall: Int64, _ event: JournalEvent) -> JournalEntry {
        JournalEntry(
            id: EntryID(rawValue: "\(terminal)-\(seq)")!, terminal: TerminalID(rawValue: terminal)!, seq: seq,
            recordedAt: Date(timeIntervalSince1970: Double(wall) / 1000), hlc: stamp(wall, terminal), event: event
        )
    }

    func sale(_ points: Int64, redeemed: Int64 = 0) -> JournalEvent {
        let total = Money(amount: points * 100, currency: Currency(rawValue: "EUR")!)
        return .sale(SaleEvent(
            customer: customer, card: nil, enrolled: false, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: total)],
            total: total, receipt: nil, pointsEarned: points, pointsRedeemed: redeemed
        ))
    }

    @Test func laterWriteWinsWhateverTheMergeOrder() throws {
        var a = ProfileState(id: customer)
        try a.apply(entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, set: [.name: "Ann"]))))
        var b = ProfileState(id: customer)
        try b.apply(entry("T-2", seq: 1, wall: 200, .profile(ProfileEvent(customer: customer, set: [.name: "Anne"]))))
        var ab = a
        ab.merge(b)
        var ba = b
        ba.merge(a)
        #expect(ab == ba)
        #expect(ab.value(of: .name) == "Anne")
        #expect(try WireCoding.encode(ab) == WireCoding.encode(ba))
    }

    @Test func mergingIsIdempotent() throws {
        var state = ProfileState(id: customer)
        try state.apply(entry("T-1", seq: 1, wall: 100, sale(12)))
        try state.apply(entry("T-1", seq: 2, wall: 110, .profile(ProfileEvent(customer: customer, addTags: [Tag(rawValue: "vip")!]))))
        var twice = state
        twice.merge(state)
        #expect(twice == state)
    }

    @Test func pointsFromTwoTerminalsAddUpAndResendingAStateDoesNotDoubleThem() throws {
        var a = ProfileState(id: customer)
        try a.apply(entry("T-1", seq: 1, wall: 100, sale(10)))
        var b = ProfileState(id: customer)
        try b.apply(entry("T-2", seq: 1, wall: 100, sale(5, redeemed: 3)))
        var merged = a
        merged.merge(b)
        merged.merge(b)
        merged.merge(a)
        #expect(merged.pointsEarned == 15)
        #expect(merged.pointsRedeemed == 3)
        #expect(merged.pointsBalance == 12)
    }

    @Test func aTagAddedConcurrentlyWithItsRemovalSurvives() throws {
        let vip = Tag(rawValue: "vip")!
        var base = ProfileState(id: customer)
        try base.apply(entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, addTags: [vip]))))
        // T-2 saw the first addition and removes it; T-3, concurrently, adds the tag again.
        var remover = base
        try remover.apply(entry("T-2", seq: 1, wall: 300, .profile(ProfileEvent(customer: customer, removeTags: [TagRemoval(tag: vip, observed: base.tags.dots(of: vip))]))))
        var adder = base
        try adder.apply(entry("T-3", seq: 1, wall: 200, .profile(ProfileEvent(customer: customer, addTags: [vip]))))
        var merged = remover
        merged.merge(adder)
        #expect(merged.tags.elements == [vip])
        var removedOnly = base
        removedOnly.merge(remover)
        #expect(removedOnly.tags.elements.isEmpty)
    }

    @Test func erasureAbsorbsLaterStaleEdits() throws {
        var erased = ProfileState(id: customer)
        try erased.apply(entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, set: [.name: "Ann"]))))
        try erased.apply(entry("T-1", seq: 2, wall: 200, .profile(ProfileEvent(customer: customer, erase: true))))
        var stale = ProfileState(id: customer)
        try stale.apply(entry("T-2", seq: 1, wall: 900, .profile(ProfileEvent(customer: customer, set: [.email: "ann@example.com"]))))
        try stale.apply(entry("T-2", seq: 2, wall: 901, sale(40)))
        var merged = stale
        merged.merge(erased)
        #expect(merged.isErased)
        #expect(merged.value(of: .email) == nil)
        #expect(merged.pointsBalance == 0)
        try merged.apply(entry("T-2", seq: 3, wall: 950, .profile(ProfileEvent(customer: customer, set: [.name: "Back"]))))
        #expect(merged.value(of: .name) == nil)
        let view = CustomerView(merged, reveal: true)
        #expect(view.erased && view.name == nil && view.cards.isEmpty)
    }

    @Test func viewsMaskPersonalDataUnlessRevealed() throws {
        var state = ProfileState(id: customer)
        try state.apply(entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(
            customer: customer, card: CardNumber(rawValue: "12345678"),
            set: [.name: "Jane Doe", .email: "jane@example.com", .phone: "+33612345678", .birthday: "1990-04-01", .language: "fr"]
        ))))
        let masked = CustomerView(state)
        #expect(masked.name == "J*** D***")
        #expect(masked.email == "j***@example.com")
        #expect(masked.phone == "+*********78")
        #expect(masked.birthday == "****-**-**")
        #expect(masked.language == "fr")
        #expect(masked.cards == ["****5678"])
        let revealed = CustomerView(state, reveal: true)
        #expect(revealed.name == "Jane Doe")
        #expect(revealed.cards == ["12345678"])
    }
}

extension ProfileStateTests {
    /// Found by the property tests: applying a second erasure must keep the
    /// later stamp, as merging two erased copies does.
    @Test func twoErasuresConvergeOnTheLaterOneWhicheverArrivesFirst() throws {
        let first = entry("T-0", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, erase: true)))
        let second = entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, erase: true)))
        var applied = ProfileState(id: customer)
        try applied.apply(first)
        try applied.apply(second)
        var reversed = ProfileState(id: customer)
        try reversed.apply(second)
        try reversed.apply(first)
        #expect(applied == reversed)
        #expect(applied.erasure == second.hlc)
    }

    @Test func anOptOutBeatsAConcurrentOptInButNotALaterOne() throws {
        let base = ProfileState(id: customer)
        let optIn = entry("T-1", seq: 1, wall: 300, .profile(ProfileEvent(customer: customer, consent: [.email: ConsentWrite(value: .optedIn)])))
        let optOut = entry("T-2", seq: 1, wall: 200, .profile(ProfileEvent(customer: customer, consent: [.email: ConsentWrite(value: .optedOut)])))
        var concurrent = base
        try concurrent.apply(optIn)
        let report = try concurrent.apply(optOut)
        // The opt-in is later by the clock, yet the concurrent opt-out wins, and the overridden opt-in is reported.
        #expect(concurrent.consent[.email]?.value == .optedOut)
        #expect(report.conflicts.map(\.field) == ["consent.email"])
        #expect(report.conflicts.first?.lost.value == "in")
        // An opt-in made after seeing the opt-out supersedes it.
        let informed = entry("T-1", seq: 2, wall: 400, .profile(ProfileEvent(
            customer: customer, consent: [.email: ConsentWrite(value: .optedIn, observed: concurrent.consent[.email]!.dots)]
        )))
        try concurrent.apply(informed)
        #expect(concurrent.consent[.email]?.value == .optedIn)
    }

    @Test func aConcurrentOverwriteIsReportedButADeliberateOneIsNot() throws {
        var state = ProfileState(id: customer)
        let first = entry("T-1", seq: 1, wall: 100, .profile(ProfileEvent(customer: customer, set: [.name: "Ann"])))
        try state.apply(first)
        // T-2 had not seen "Ann": a concurrent write, later by the clock.
        let concurrent = try state.apply(entry("T-2", seq: 1, wall: 200, .profile(ProfileEvent(customer: customer, set: [.name: "Anna"]))))
        #expect(concurrent.conflicts == [FieldConflict(field: "name", lost: .init(value: "Ann", stamp: first.hlc), won: .init(value: "Anna", stamp: stamp(200, "T-2")))])
        // T-1 then corrects it, having seen "Anna": no conflict.
        let deliberate = try state.apply(entry("T-1", seq: 2, wall: 300, .profile(ProfileEvent(customer: customer, set: [.name: "Anne"], observed: [.name: stamp(200, "T-2")]))))
        #expect(deliberate.conflicts.isEmpty)
        #expect(state.value(of: .name) == "Anne")
    }

    @Test func anIdentityMergeAddsPointsAndAnswersForBothIds() throws {
        let duplicate = CustomerID(rawValue: "C-2")!
        var kept = ProfileState(id: customer)
        try kept.apply(entry("T-1", seq: 1, wall: 100, sale(30)))
        var gone = ProfileState(id: duplicate)
        let duplicateSale = JournalEntry(
            id: EntryID(rawValue: "T-1-2")!, terminal: TerminalID(rawValue: "T-1")!, seq: 2, recordedAt: Date(timeIntervalSince1970: 0.2),
            hlc: stamp(200, "T-1"),
            event: .sale(SaleEvent(customer: duplicate, card: nil, enrolled: false, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: Money(amount: 2000, currency: Currency(rawValue: "EUR")!))], total: Money(amount: 2000, currency: Currency(rawValue: "EUR")!), receipt: nil, pointsEarned: 20, pointsRedeemed: 0))
        )
        try gone.apply(duplicateSale)
        kept.absorb(gone)
        // Same terminal, two customers: a join that took the maximum would give 30.
        #expect(kept.pointsBalance == 50)
        #expect(kept.answers(for: duplicate))
        #expect(CustomerView(kept).mergedFrom == [duplicate])
    }
}
