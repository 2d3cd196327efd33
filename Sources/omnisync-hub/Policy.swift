import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Policy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Loyalty rules (chain-wide or per store) and the clock tolerance; terminals get them on their next pull.",
        discussion: """
            Examples:
              omnisync-hub policy show --json
              omnisync-hub policy set --store PARIS-01 --offline-allowance 200
            """,
        subcommands: [Show.self, Set.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the chain's rules, or those a store applies.",
            discussion: """
                Examples:
                  omnisync-hub policy show
                  omnisync-hub policy show --store PARIS-01 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "The rules this store applies (its own, else the chain's).") var store: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let opened = try await hub.openStore()
                let settings = try await opened.settings()
                let crm = try await opened.crmSettings()
                let policy: LoyaltyPolicy
                if let store {
                    policy = try await opened.policy(for: try StoreID(validating: store))
                } else {
                    policy = try await opened.policies().chain
                }
                if json {
                    try Output.json(PolicyListing(store: store, policy: policy, settings: settings, crm: crm))
                } else {
                    Output.fields([
                        ("applies to", store.map { "store \($0)" } ?? "the chain (stores without their own rules)"),
                        ("points per currency unit", String(policy.pointsPerCurrencyUnit)),
                        ("offline redemption allowance", "\(policy.offlineRedemptionAllowance) points"),
                        ("redemption needs a sync within", Output.age(Double(policy.maxRedemptionStaleness))),
                        ("clock tolerance", Output.age(Double(settings.clockToleranceSeconds)) + " (chain-wide)"),
                        ("card lookups per terminal", "\(settings.cardLookupsPerMinute) a minute (chain-wide)"),
                        ("phone country code", settings.phoneCountryCode.map { "+\($0) (chain-wide)" } ?? "none: national phone numbers are not matched"),
                        ("VIP", "net spend \(crm.vipSpend), \(crm.vipOrders) orders\(crm.vipPoints.map { " or \($0) points" } ?? "") in \(crm.tierWindowDays) days; kept above \(Int(crm.vipKeepShare * 100))% (chain-wide)"),
                        ("large purchase", crm.largePurchase > 0 ? "\(crm.largePurchase) minor units or more (chain-wide)" : "off"),
                        ("interests", crm.interestMaxTags > 0 ? "up to \(crm.interestMaxTags) categories with \(crm.interestMinItems)+ items and \(Int((crm.interestShare * 100).rounded()))%+ of a customer's items (chain-wide)" : "off"),
                    ])
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change rules for the chain, or for one store with --store; unspecified rules keep their values.",
            discussion: """
                Examples:
                  omnisync-hub policy set --points-per-unit 2
                  omnisync-hub policy set --store PARIS-01 --offline-allowance 200 --max-offline-redemption 86400
                  omnisync-hub policy set --vip-spend 100000 --tier-window-days 365
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "Change this store's rules instead of the chain's.") var store: String?
        @Option(name: .customLong("points-per-unit"), help: "Points per whole currency unit of a sale.") var pointsPerUnit: Int64?
        @Option(name: .customLong("offline-allowance"), help: "Points a terminal may let a balance go below zero.") var offlineAllowance: Int64?
        @Option(name: .customLong("max-offline-redemption"), help: ArgumentHelp("How long after its last sync a terminal may still redeem, in seconds.", valueName: "SECONDS"))
        var maxOfflineRedemption: Int64?
        @Option(name: .customLong("clock-tolerance"), help: ArgumentHelp("Chain-wide: how far in the future a terminal's clock may run before the hub clamps its timestamps, in seconds.", valueName: "SECONDS"))
        var clockTolerance: Int64?
        @Option(name: .customLong("card-lookups-per-minute"), help: ArgumentHelp("Chain-wide: card lookups one terminal may make per minute.", valueName: "N"))
        var cardLookupsPerMinute: Int64?
        @Option(
            name: .customLong("phone-country-code"),
            help: ArgumentHelp("Chain-wide: the country calling code a nationally written phone number is read in when customers are matched (e.g. 33).", valueName: "CODE")
        )
        var phoneCountryCode: String?
        @Option(name: .customLong("vip-spend"), help: ArgumentHelp("Chain-wide: net spend in the tier window (minor units of the customer's main currency) that makes a VIP; 0: spend does not count.", valueName: "AMOUNT"))
        var vipSpend: Int64?
        @Option(name: .customLong("vip-orders"), help: ArgumentHelp("Chain-wide: orders in the tier window that make a VIP; 0: orders do not count.", valueName: "N"))
        var vipOrders: Int64?
        @Option(name: .customLong("vip-points"), help: ArgumentHelp("Chain-wide: a points balance that makes a VIP; 0: points do not count.", valueName: "N"))
        var vipPoints: Int64?
        @Option(name: .customLong("tier-window-days"), help: ArgumentHelp("Chain-wide: the rolling window tiers look at.", valueName: "DAYS"))
        var tierWindowDays: Int64?
        @Option(name: .customLong("large-purchase"), help: ArgumentHelp("Chain-wide: a purchase of at least this many minor units raises a large-purchase event and tag; 0: none does.", valueName: "AMOUNT"))
        var largePurchase: Int64?
        @Option(name: .customLong("interest-share"), help: ArgumentHelp("Chain-wide: the share of a customer's catalogued items (0-1) a category needs to be an interest.", valueName: "SHARE"))
        var interestShare: Double?
        @Option(name: .customLong("interest-min-items"), help: ArgumentHelp("Chain-wide: the items of a category a customer must have bought for it to be an interest.", valueName: "N"))
        var interestMinItems: Int64?
        @Option(name: .customLong("interest-max-tags"), help: ArgumentHelp("Chain-wide: the interests kept per customer; 0: no interest tags.", valueName: "N"))
        var interestMaxTags: Int?

        private var changesCRM: Bool {
            vipSpend != nil || vipOrders != nil || vipPoints != nil || tierWindowDays != nil || largePurchase != nil
                || interestShare != nil || interestMinItems != nil || interestMaxTags != nil
        }

        func validate() throws {
            for (name, value) in [("--points-per-unit", pointsPerUnit), ("--offline-allowance", offlineAllowance), ("--max-offline-redemption", maxOfflineRedemption), ("--clock-tolerance", clockTolerance)] {
                if let value, value < 0 { throw ValidationError("\(name) must not be negative") }
            }
            if pointsPerUnit == nil && offlineAllowance == nil && maxOfflineRedemption == nil && clockTolerance == nil && cardLookupsPerMinute == nil
                && phoneCountryCode == nil && !changesCRM
            {
                throw ValidationError("nothing to change: give at least one rule")
            }
            if store != nil && (clockTolerance != nil || cardLookupsPerMinute != nil || phoneCountryCode != nil || changesCRM) {
                throw ValidationError("--clock-tolerance, --card-lookups-per-minute, --phone-country-code and the tier rules are chain-wide; set them without --store")
            }
            for (name, value) in [("--vip-spend", vipSpend), ("--vip-orders", vipOrders), ("--vip-points", vipPoints), ("--large-purchase", largePurchase)] {
                if let value, !(0...InputBounds.maxAmount).contains(value) { throw ValidationError("\(name) must be between 0 and \(InputBounds.maxAmount)") }
            }
            if let tierWindowDays, !(1...3660).contains(tierWindowDays) { throw ValidationError("--tier-window-days must be between 1 and 3660") }
            if let interestShare, !(interestShare > 0 && interestShare <= 1) { throw ValidationError("--interest-share must be more than 0 and at most 1") }
            if let interestMinItems, !(1...1_000_000).contains(interestMinItems) { throw ValidationError("--interest-min-items must be between 1 and 1000000") }
            if let interestMaxTags, !(0...10).contains(interestMaxTags) { throw ValidationError("--interest-max-tags must be between 0 and 10") }
            if let code = phoneCountryCode, !PhoneNumber.isCallingCode(code.hasPrefix("+") ? String(code.dropFirst()) : code) {
                throw ValidationError("--phone-country-code must be a country calling code of 1 to 3 digits, such as 33 or 44")
            }
            let limits: [(String, Int64?, ClosedRange<Int64>)] = [
                ("--points-per-unit", pointsPerUnit, LoyaltyPolicy.pointsPerCurrencyUnitRange),
                ("--offline-allowance", offlineAllowance, LoyaltyPolicy.offlineRedemptionAllowanceRange),
                ("--max-offline-redemption", maxOfflineRedemption, LoyaltyPolicy.maxRedemptionStalenessRange),
                ("--clock-tolerance", clockTolerance, 0...HubSettings.maxClockToleranceSeconds),
                ("--card-lookups-per-minute", cardLookupsPerMinute, HubSettings.cardLookupsPerMinuteRange),
            ]
            for case (let name, let value?, let range) in limits where !range.contains(value) {
                throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound)")
            }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let opened = try await hub.openStore()
                if pointsPerUnit != nil || offlineAllowance != nil || maxOfflineRedemption != nil {
                    let storeID = try store.map { try StoreID(validating: $0) }
                    var policy: LoyaltyPolicy
                    if let storeID { policy = try await opened.policy(for: storeID) } else { policy = try await opened.policies().chain }
                    policy.pointsPerCurrencyUnit = pointsPerUnit ?? policy.pointsPerCurrencyUnit
                    policy.offlineRedemptionAllowance = offlineAllowance ?? policy.offlineRedemptionAllowance
                    policy.maxRedemptionStaleness = maxOfflineRedemption ?? policy.maxRedemptionStaleness
                    try await opened.setPolicy(policy, for: storeID)
                }
                if clockTolerance != nil || cardLookupsPerMinute != nil || phoneCountryCode != nil {
                    var settings = try await opened.settings()
                    settings.clockToleranceSeconds = clockTolerance ?? settings.clockToleranceSeconds
                    settings.cardLookupsPerMinute = cardLookupsPerMinute ?? settings.cardLookupsPerMinute
                    if let code = phoneCountryCode { settings.phoneCountryCode = code.hasPrefix("+") ? String(code.dropFirst()) : code }
                    try await opened.setSettings(settings)
                }
                if changesCRM {
                    var crm = try await opened.crmSettings()
                    crm.vipSpend = vipSpend ?? crm.vipSpend
                    crm.vipOrders = vipOrders ?? crm.vipOrders
                    if let vipPoints { crm.vipPoints = vipPoints == 0 ? nil : vipPoints }
                    crm.tierWindowDays = tierWindowDays ?? crm.tierWindowDays
                    crm.largePurchase = largePurchase ?? crm.largePurchase
                    crm.interestShare = interestShare ?? crm.interestShare
                    crm.interestMinItems = interestMinItems ?? crm.interestMinItems
                    crm.interestMaxTags = interestMaxTags ?? crm.interestMaxTags
                    try await opened.setCRMSettings(crm)
                }
                print("rules updated for \(store.map { "store \($0)" } ?? "the chain"); terminals apply them after their next pull")
            }
        }
    }
}

/// `policy show --json`.
struct PolicyListing: Encodable {
    var store: String?
    var policy: LoyaltyPolicy
    var settings: HubSettings
    /// The chain's CRM rules (tiers, large purchase, interests), under `crm`.
    var crm: CRMSettings

    enum CodingKeys: String, CodingKey {
        case store, pointsPerCurrencyUnit, offlineRedemptionAllowance, maxRedemptionStaleness, clockToleranceSeconds, cardLookupsPerMinute, phoneCountryCode
        case crm
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(store, forKey: .store)
        try container.encode(policy.pointsPerCurrencyUnit, forKey: .pointsPerCurrencyUnit)
        try container.encode(policy.offlineRedemptionAllowance, forKey: .offlineRedemptionAllowance)
        try container.encode(policy.maxRedemptionStaleness, forKey: .maxRedemptionStaleness)
        try container.encode(settings.clockToleranceSeconds, forKey: .clockToleranceSeconds)
        try container.encode(settings.cardLookupsPerMinute, forKey: .cardLookupsPerMinute)
        try container.encode(settings.phoneCountryCode, forKey: .phoneCountryCode)
        try container.encode(crm, forKey: .crm)
    }
}
