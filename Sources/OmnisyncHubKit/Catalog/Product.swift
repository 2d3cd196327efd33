public import OmnisyncCore

/// A SKU as the chain's catalogue describes it: what it is called and the
/// category it belongs to (`omnisync-hub products import`).
///
/// Sale lines carry SKUs only; the catalogue is how the hub reads a
/// customer's purchases as interests ("buys running gear") rather than part
/// numbers: the top categories of the 360 view and the `interest-…` tags the
/// tills show (``InterestTags``).
public struct Product: Sendable, Hashable, Codable {
    public var sku: String
    public var name: String
    public var category: String

    /// Checks a product as an operator's file gives it: a SKU as sale lines
    /// take it (1-64 characters without spaces), a name of up to 200
    /// characters (may be empty), and a category of 1-48 characters with at
    /// least one letter or digit. Surrounding spaces are trimmed.
    public init(sku: String, name: String = "", category: String) throws(HubError) {
        let sku = sku.trimmingWhitespace()
        let name = name.trimmingWhitespace()
        let category = category.trimmingWhitespace()
        guard Self.isValidSKU(sku) else {
            throw HubError(.malformedRequest, "sku \"\(sku)\" must be 1-64 characters without spaces")
        }
        guard name.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HubError(.malformedRequest, "the name of \(sku) must be at most 200 printable characters")
        }
        guard (1...48).contains(category.count), !category.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
            !InterestTags.slug(category).isEmpty
        else {
            throw HubError(.malformedRequest, "the category of \(sku) must be 1-48 printable characters with a letter or digit")
        }
        self.sku = sku
        self.name = name
        self.category = category
    }

    /// A product as a backend stored it, after the checks above.
    /// A SKU as sale lines take it: 1-64 characters without spaces.
    public static func isValidSKU(_ sku: String) -> Bool {
        (1...64).contains(sku.count) && !sku.contains(where: \.isWhitespace)
    }

    init(stored sku: String, name: String, category: String) {
        self.sku = sku
        self.name = name
        self.category = category
    }

    enum CodingKeys: String, CodingKey {
        case sku, name, category
    }

    /// Strict like every request: unknown fields are an error.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sku = try container.decode(String.self, forKey: .sku)
        let name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        let category = try container.decode(String.self, forKey: .category)
        do throws(HubError) {
            try self.init(sku: sku, name: name, category: category)
        } catch {
            throw DecodingProblem(field: "", reason: error.message)
        }
    }
}

/// A category and how many items of it a customer bought, net of returns.
public struct CategoryCount: Sendable, Hashable, Codable {
    public var category: String
    public var quantity: Int64

    public init(category: String, quantity: Int64) {
        self.category = category
        self.quantity = quantity
    }
}

/// What a catalogue import changed.
public struct CatalogImportReport: Sendable, Hashable, Encodable {
    public var products: Int
    public var added: Int
    public var changed: Int
    public var unchanged: Int

    public init(products: Int, added: Int, changed: Int, unchanged: Int) {
        self.products = products
        self.added = added
        self.changed = changed
        self.unchanged = unchanged
    }
}
