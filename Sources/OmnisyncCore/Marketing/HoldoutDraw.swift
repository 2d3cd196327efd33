import Crypto
public import Foundation

/// Whether a customer is held out of a campaign: a draw decided by the
/// campaign and the customer alone, so it is the same on every replica, on
/// every recompute and whatever order customers are seen in, and stays put
/// for the campaign's life.
///
/// The first eight bytes of SHA-256 over `campaign:customer` are read as a
/// number in [0, 1); the customer is held out when it is below the share.
/// SHA-256 spreads the inputs evenly, so over many customers the held-out
/// fraction is the share (a binomial draw: within ±0.3 points of a 10% share
/// for 100,000 customers, 99.7% of the time).
public enum HoldoutDraw {
    /// The draw for `customer` in `campaign`, in [0, 1).
    public static func value(campaign: CampaignID, customer: CustomerID) -> Double {
        let digest = SHA256.hash(data: Data("\(campaign.rawValue):\(customer.rawValue)".utf8))
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // The top 53 bits: every value exactly representable, never 1.
        return Double(prefix >> 11) / Double(UInt64(1) << 53)
    }

    /// True when `customer` is in the holdout group of `campaign`, whose
    /// holdout share is `share` (0 to 1).
    public static func isHeldOut(campaign: CampaignID, customer: CustomerID, share: Double) -> Bool {
        value(campaign: campaign, customer: customer) < share
    }
}
