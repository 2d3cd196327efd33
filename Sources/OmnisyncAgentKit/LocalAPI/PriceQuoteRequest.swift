import Foundation
import OmnisyncCore

/// POS software's question "what does this SKU cost here?" (`POST
/// /v1/prices/quote`), answered offline like `omnisync-agent prices show`.
///
/// A body, not a query string: the card is personal data and URLs end up in
/// logs.
struct PriceQuoteRequest: Decodable {
    var sku: String
    /// The customer's card, for their tier's member price.
    var card: CardNumber?
    /// When to price (default: now), RFC 3339.
    var at: Date?
    var currency: Currency?

    enum CodingKeys: String, CodingKey { case sku, card, at, currency }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku)
        guard (1...64).contains(sku.count), !sku.contains(where: \.isWhitespace) else {
            throw container.invalid(.sku, "must be 1-64 characters without spaces")
        }
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        if let text = try container.decodeIfPresent(String.self, forKey: .at) {
            guard let time = RFC3339.parse(text) else { throw container.invalid(.at, "must be a time like 2026-03-20T12:00:00Z") }
            at = time
        }
        currency = try container.decodeIfPresent(Currency.self, forKey: .currency)
    }
}
