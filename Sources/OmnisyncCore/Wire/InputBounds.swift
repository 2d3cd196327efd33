/// The documented bounds of everything a terminal or POS software can send.
///
/// Every value that later takes part in arithmetic (money, quantities,
/// points, clock readings) is bounded when it is decoded, with an error
/// naming the field, so that no single entry can overflow a computation at
/// the agent or the hub. Sums over many entries (a customer's points, their
/// spend) are still checked where they accumulate: an entry that would
/// overflow one is refused at the till and quarantined at the hub, never
/// allowed to trap. `docs/protocol.md` lists these bounds for integrators.
public enum InputBounds {
    /// The largest amount of any money value on a receipt, in minor units:
    /// 10^12 (ten billion euros, a trillion yen). Unit prices, line amounts,
    /// the lines' sum and the total all stay within it.
    public static let maxAmount: Int64 = 1_000_000_000_000

    /// The largest quantity on one line.
    public static let maxQuantity: Int64 = 1_000_000

    /// The most lines on one receipt.
    public static let maxLines = 1_000

    /// The most points one entry may earn, redeem or reverse: 10^15, more
    /// than ``maxAmount`` at the highest earning rate.
    public static let maxPointsPerEntry: Int64 = 1_000_000_000_000_000

    /// The highest loyalty earning rate (points per whole currency unit).
    public static let maxPointsPerCurrencyUnit: Int64 = 1_000

    /// The most tags one profile change may add or remove.
    public static let maxTagsPerChange = 100

    /// The most live tags one profile may carry; a change that would go past
    /// it is refused at the till and quarantined at the hub.
    public static let maxTagsPerProfile = 500

    /// The most tag removals (tombstones) one profile keeps. A removal must
    /// remember the additions it cancelled, or a copy of one arriving later
    /// would bring the tag back; they are never dropped (dropping them is
    /// not convergent), so their number is capped instead: at one add and
    /// remove a day, 5,000 last over thirteen years. A removal past it is
    /// refused at the till and quarantined at the hub.
    public static let maxTombstonesPerProfile = 5_000

    /// The latest wall-clock reading a timestamp may carry: the last
    /// millisecond of year 9999, far enough that it never limits honest
    /// clocks and near enough that adding a tolerance cannot overflow.
    public static let maxWallMillis: Int64 = 253_402_300_799_999

    /// The most entries one push may carry.
    public static let maxEntriesPerPush = 1_000
}

/// Arithmetic that reports overflow instead of trapping, for values that
/// accumulate across entries.
extension Int64 {
    /// `self + other`, or nil when it does not fit.
    public func checkedAdding(_ other: Int64) -> Int64? {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? nil : sum
    }

    /// `self * other`, or nil when it does not fit.
    public func checkedMultiplying(by other: Int64) -> Int64? {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : product
    }

    /// `self + other`, held at the bounds of `Int64` instead of overflowing:
    /// for totals shown to people, which must never trap.
    public func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, held at the bounds of `Int64`.
    public func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}

extension Sequence where Element == Int64 {
    /// The sum, held at the bounds of `Int64` instead of overflowing.
    public func saturatingSum() -> Int64 {
        reduce(0) { $0.saturatingAdding($1) }
    }
}
