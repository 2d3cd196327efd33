public import Foundation
public import OmnisyncCore

/// What an online order does to the hub's customers: the pure part of
/// ``ChannelStore/recordOnlineOrder(_:channel:at:)``, shared by every backend.
///
/// A backend normalises the order's identifiers (``identity(of:phoneCountryCode:)``),
/// finds the customer they name (card first, then email, then phone), and
/// applies the order to that customer's record, or to a new one, inside its
/// transaction.
public enum OnlineOrderIngestor {
    /// An order's customer identifiers, normalised.
    public struct Identity: Hashable, Sendable {
        public var card: CardNumber?
        public var email: EmailAddress?
        public var phone: PhoneNumber?

        public var isEmpty: Bool { card == nil && email == nil && phone == nil }
    }

    /// The identifiers of `order`, normalised; the reason when one is
    /// unusable: the order is then quarantined, not matched by the others
    /// (a mistyped email could be someone else's).
    public static func identity(of order: OnlineOrder, phoneCountryCode: String?) -> Result<Identity, UnusableIdentifier> {
        var identity = Identity()
        if let card = order.customer.card {
            guard let value = CardNumber(rawValue: card) else {
                return .failure(UnusableIdentifier("card '\(Self.masked(card))' is not a card number"))
            }
            identity.card = value
        }
        if let email = order.customer.email {
            guard let value = EmailAddress(normalizing: email) else {
                return .failure(UnusableIdentifier("email '\(Self.masked(email))' is not an email address"))
            }
            identity.email = value
        }
        if let phone = order.customer.phone {
            guard let value = PhoneNumber(normalizing: phone, defaultCallingCode: phoneCountryCode) else {
                let hint = phoneCountryCode == nil ? " (a national number needs the chain's country code: `omnisync-hub policy set --phone-country-code CODE`)" : ""
                return .failure(UnusableIdentifier("phone '\(Self.masked(phone))' is not a phone number\(hint)"))
            }
            identity.phone = value
        }
        return .success(identity)
    }

    /// Why an order's identifiers cannot be used.
    public struct UnusableIdentifier: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The replica whose points counter holds what a channel's orders earn:
    /// `@ch.NAME` (terminal ids cannot start with `@`, so it never collides
    /// with a terminal's).
    public static func replica(of channel: String) -> ReplicaID {
        ReplicaID(rawValue: "@ch." + channel)!
    }

    /// What applying an order did: the customer's record after it, and the
    /// offer it used beyond the customer's grant (or without one, or outside
    /// its window), to flag for review as a till's double use is.
    public struct Applied: Sendable {
        public var record: CustomerRecord
        public var flaggedOffer: FlaggedOffer?
    }

    /// An order's use of an offer that head office should review.
    public struct FlaggedOffer: Sendable, Hashable {
        public var campaign: CampaignID
        public var uses: Int
        public var allowed: Int?
        public var outsideWindow: Bool
    }

    /// Applies `order` to `record` (the customer the identity names, or a
    /// new one): the identifiers fill the profile's empty fields and index the
    /// card (never overwriting what is there: an order from last year must
    /// not undo this week's edit at a till), the order earns points under
    /// `policy` on its channel's counter, uses its offer like a till's sale
    /// (so every till sees the offer used), and the activity counts it.
    /// Changes nothing when it throws.
    public static func apply(
        _ order: OnlineOrder, identity: Identity, to record: CustomerRecord, policy: LoyaltyPolicy, stamp: HLCTimestamp
    ) throws(ApplyError) -> Applied {
        var updated = record
        let id = record.state.id
        var fill: [ProfileField: String?] = [:]
        if let email = identity.email, record.state.fields[.email]?.value == nil { fill[.email] = email.value }
        if let phone = identity.phone, record.state.fields[.phone]?.value == nil { fill[.phone] = phone.value }
        if !fill.isEmpty {
            try updated.state.apply(.profile(ProfileEvent(customer: id, set: fill)), by: .hub, at: stamp) { "order \(order.orderID)" }
        }
        let sale = SaleEvent(
            customer: id, card: identity.card, enrolled: false, lines: order.lines, total: order.total, receipt: nil,
            pointsEarned: policy.pointsEarned(by: order.total), pointsRedeemed: 0, offer: order.offer
        )
        let report = try updated.state.apply(.sale(sale), by: replica(of: order.channel), at: stamp) {
            "order \(order.orderID) of channel \(order.channel)"
        }
        if !updated.state.isErased {
            try updated.activity.apply(online: order)
        }
        var flagged = report.offerOveruse.map { FlaggedOffer(campaign: $0.campaign, uses: $0.uses, allowed: $0.allowed, outsideWindow: false) }
        // Within the grant's count but not its window: a till would have refused it; the shop's order is kept and flagged.
        if flagged == nil, let campaign = order.offer, let grant = updated.state.offers[campaign]?.value, !grant.isValid(at: order.at) {
            flagged = FlaggedOffer(campaign: campaign, uses: updated.state.uses(of: campaign), allowed: grant.uses, outsideWindow: true)
        }
        return Applied(record: updated, flaggedOffer: flagged)
    }

    /// The last four characters, for messages and logs (personal data is masked).
    static func masked(_ text: String) -> String {
        text.count <= 4 ? String(repeating: "•", count: text.count) : "…" + text.suffix(4)
    }
}
