import OmnisyncInsight

/// A behaviour cluster as `omnisync-hub segments clusters` describes it:
/// its size, its centre in the features' own units, and the features that
/// set it apart most (furthest from the average customer, in standard
/// deviations).
public struct ClusterDescription: Sendable, Hashable, Encodable {
    public var cluster: Int
    /// Customers in it now (the last refit's count when none were written since).
    public var customers: Int
    /// Feature name → value at the centre, in plain units.
    public var centroid: [String: Double]
    /// The three features furthest from the average, most distinctive first.
    public var distinctive: [Distinctive]

    public struct Distinctive: Sendable, Hashable, Encodable {
        public var feature: String
        /// How many standard deviations from the average customer (negative: below).
        public var deviations: Double
        public var value: Double
    }

    /// Every cluster of `model`, with the current `counts` per cluster.
    public static func describe(_ model: ClusterModel, counts: [Int: Int]) -> [ClusterDescription] {
        model.centroids.enumerated().map { index, standardised in
            let plain = model.scaling.invert(standardised)
            let names = model.features.map(\.description)
            let ranked = standardised.indices.sorted { abs(standardised[$0]) != abs(standardised[$1]) ? abs(standardised[$0]) > abs(standardised[$1]) : $0 < $1 }
            return ClusterDescription(
                cluster: index, customers: counts[index] ?? model.sizes[index],
                centroid: Dictionary(uniqueKeysWithValues: zip(names, plain)),
                distinctive: ranked.prefix(3).map { Distinctive(feature: names[$0], deviations: standardised[$0], value: plain[$0]) }
            )
        }
    }

    /// "high items per order (4.2, +1.8 sd)", for a table.
    public var summary: String {
        distinctive.map { item in
            let direction = item.deviations >= 0 ? "high" : "low"
            return "\(direction) \(item.feature) (\(Self.format(item.value)), \(item.deviations >= 0 ? "+" : "")\(Self.format(item.deviations)) sd)"
        }.joined(separator: "; ")
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
