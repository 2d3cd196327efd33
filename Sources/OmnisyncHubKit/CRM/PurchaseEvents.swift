public import Foundation
public import OmnisyncCore

/// Purchases the CRM reacts to at once, without waiting for the recompute:
/// a customer's first purchase, and a purchase at or above the chain's
/// large-purchase amount. Each is recorded as an event (`customer_events`,
/// for a campaign tool to read) and tags the profile (`first-purchase`,
/// `large-purchase`), which the tills of the customer's stores then pull.
public enum PurchaseEvents {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case firstPurchase = "first_purchase"
        case largePurchase = "large_purchase"

        /// The profile tag the event adds.
        public var tag: Tag {
            switch self {
            case .firstPurchase: Tag(rawValue: "first-purchase")!
            case .largePurchase: Tag(rawValue: "large-purchase")!
            }
        }
    }

    /// One raised event.
    public struct Event: Sendable, Hashable {
        public var customer: CustomerID
        public var kind: Kind
        public var at: Date
        public var total: Money
    }

    /// One purchase: a sale at a terminal or an order of another channel.
    public struct Purchase: Sendable, Hashable {
        public var customer: CustomerID
        public var total: Money
        public var at: Date

        public init(customer: CustomerID, total: Money, at: Date) {
            self.customer = customer
            self.total = total
            self.at = at
        }
    }

    /// The events `purchases` raise, in order: the first purchase of a customer
    /// who had no order before them (`ordersBefore`), and every purchase of at
    /// least `largeAmount` minor units (0: none is large).
    public static func detect(_ purchases: [Purchase], ordersBefore: (CustomerID) -> Int, largeAmount: Int64) -> [Event] {
        var events: [Event] = []
        var bought: Set<CustomerID> = []
        for purchase in purchases {
            if ordersBefore(purchase.customer) == 0, bought.insert(purchase.customer).inserted {
                events.append(Event(customer: purchase.customer, kind: .firstPurchase, at: purchase.at, total: purchase.total))
            }
            if largeAmount > 0, purchase.total.amount >= largeAmount {
                events.append(Event(customer: purchase.customer, kind: .largePurchase, at: purchase.at, total: purchase.total))
            }
        }
        return events
    }

    /// Adds the tags of `kinds` to a profile, stamped by the hub; an erased
    /// profile stays empty.
    public static func tag(_ state: inout ProfileState, with kinds: Set<Kind>, stamp: HLCTimestamp) throws(ApplyError) {
        guard !kinds.isEmpty, !state.isErased else { return }
        let missing = kinds.map(\.tag).filter { state.tags.adds[$0] == nil }
        guard !missing.isEmpty else { return }
        try state.apply(.profile(ProfileEvent(customer: state.id, addTags: missing)), by: .hub, at: stamp) { "a purchase event" }
    }
}
