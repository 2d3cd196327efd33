import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// A campaign audience honours consent and never includes an erased
/// customer; segment and tier filters use the last recompute.
@Suite struct AudienceTests {
    @Test(arguments: StoreBackend.available) func theAudienceExcludesOptedOutUnansweredAndErasedCustomers(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var till = EntryFactory(terminal: "T-1")
        let (optedIn, optedOut, silent, erased): (CustomerID, CustomerID, CustomerID, CustomerID) = (till.identifier(), till.identifier(), till.identifier(), till.identifier())
        func consent(_ customer: CustomerID, _ value: ConsentValue) -> JournalEntry {
            till.entry(.profile(ProfileEvent(customer: customer, consent: [.email: ConsentWrite(value: value)])))
        }
        var entries: [JournalEntry] = []
        for customer in [optedIn, optedOut, silent, erased] { entries.append(till.sale(customer: customer, cents: 5000)) }
        entries += [consent(optedIn, .optedIn), consent(optedOut, .optedIn), consent(optedOut, .optedOut), consent(erased, .optedIn)]
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: entries), token)])
        _ = try await hub.store.eraseCustomer(erased, at: Date())

        #expect(try await hub.store.audience(AudienceFilter(consent: .email)).map(\.state.id) == [optedIn])
        let everyone = try await hub.store.audience(AudienceFilter())
        #expect(Set(everyone.map(\.state.id)) == [optedIn, optedOut, silent])

        // Filters by the last recompute's answers: all four bought once, just now.
        _ = try await hub.store.recompute(at: Date())
        #expect(Set(try await hub.store.audience(AudienceFilter(lifecycle: "new")).map(\.state.id)) == [optedIn, optedOut, silent])
        #expect(try await hub.store.audience(AudienceFilter(tier: "VIP")).isEmpty)
        #expect(try await hub.store.audience(AudienceFilter(segment: "new", consent: .email)).map(\.state.id) == [optedIn])
    }
}
