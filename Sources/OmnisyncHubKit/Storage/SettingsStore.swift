public import Foundation
public import OmnisyncCore

/// Loyalty policies and hub settings.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol SettingsStore: Sendable {
    /// The loyalty policy of `store`: its own, else the chain's.
    func policy(for store: StoreID) async throws(HubError) -> LoyaltyPolicy

    /// The chain's policy and the stores that override it.
    func policies() async throws(HubError) -> (chain: LoyaltyPolicy, stores: [StoreID: LoyaltyPolicy])

    /// Sets the chain's policy (`store` nil) or one store's; terminals get it on their next pull.
    func setPolicy(_ policy: LoyaltyPolicy, for store: StoreID?) async throws(HubError)

    func settings() async throws(HubError) -> HubSettings
    func setSettings(_ settings: HubSettings) async throws(HubError)
}
