public import Foundation

extension Date {
    /// Milliseconds since 1970, rounded to the nearest: how timestamps are
    /// stored and how hybrid logical clocks read wall time. (Nearest, so that
    /// a date made from milliseconds gives the same milliseconds back despite
    /// floating-point error.)
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// The date `millis` milliseconds after 1970; nil for nil, so optional
    /// database columns convert in one step.
    public init?(millis: Int64?) {
        guard let millis else { return nil }
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}
