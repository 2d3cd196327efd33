public import OmnisyncCore

/// The chain's product catalogue: what each SKU is and its category.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
/// Categories turn purchases into interests (``InterestTags``), so a change
/// of what a customer's SKUs mean makes the next recompute work out that
/// customer's interests again.
public protocol CatalogStore: Sendable {
    /// Adds the products not yet in the catalogue and updates those that
    /// are, in one transaction; products not listed stay as they were.
    /// Customers who bought a SKU that was added or changed category get
    /// their interests worked out again at the next recompute.
    func importProducts(_ products: [Product]) async throws(HubError) -> CatalogImportReport

    /// The catalogue, by SKU; only one category's products with `category`.
    func products(category: String?) async throws(HubError) -> [Product]

    /// The categories a customer bought most, by quantity net of returns, in
    /// every channel; SKUs the catalogue does not know are left out.
    func topCategories(of customer: CustomerID, limit: Int) async throws(HubError) -> [CategoryCount]
}
