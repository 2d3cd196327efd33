/// A customer's purchases as the lifetime models read them (the "RFM
/// summary" of Fader, Hardie & Lee): how many repeat purchases, when the
/// last one was, how long the customer has been known, and what the repeat
/// purchases were worth on average.
///
/// Times are in one unit of the caller's choice (the hub uses days; the
/// CDNOW sample is in weeks): the models' scale parameters take that unit,
/// and their predictions are for periods in it.
public struct PurchaseHistory: Sendable, Hashable {
    /// Repeat purchases (x): purchase periods after the first one.
    public var frequency: Int
    /// Time from the first purchase to the last (tₓ); 0 without repeats.
    public var recency: Double
    /// Time from the first purchase to the end of observation (T).
    public var age: Double
    /// The average value of the repeat purchases (mₓ), in the currency's
    /// units; nil without repeats (the Gamma-Gamma model leaves them out).
    public var monetary: Double?

    public init(frequency: Int, recency: Double, age: Double, monetary: Double? = nil) {
        precondition(frequency >= 0 && recency >= 0 && age >= recency, "a history has x ≥ 0 and 0 ≤ tₓ ≤ T")
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetary = monetary
    }
}
