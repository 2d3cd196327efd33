import Foundation

/// The hub's stored form of a profile's merge state.
///
/// The hub reads and writes the state of every customer a push touches, in
/// the push's transaction; as JSON through Foundation that was most of the
/// ingest's time. This form is the same lattice value in a compact binary
/// layout (``CompactWriter``): `ProfileState(compactBytes: state.compactBytes)
/// == state` for every state (checked by a property test), so the merge and
/// erasure semantics are untouched. JSON stays the wire form for terminals.
extension ProfileState {
    /// Layout version, the first byte; a reader refuses any other. Version 2
    /// adds campaign offers and their uses after the erasure; version 3 adds
    /// the hub's insight after those. A profile without the newer parts is
    /// written in the older version, byte for byte as before.
    static let compactVersion: UInt8 = 1
    static let compactVersionWithOffers: UInt8 = 2
    static let compactVersionWithInsight: UInt8 = 3

    public var compactBytes: [UInt8] {
        var writer = CompactWriter()
        let withInsight = insight != nil
        let withOffers = withInsight || !offers.isEmpty || !offerUses.isEmpty
        writer.byte(withInsight ? Self.compactVersionWithInsight : withOffers ? Self.compactVersionWithOffers : Self.compactVersion)
        writer.string(id.rawValue)
        writer.count(cards.count)
        for card in cards { writer.string(card.rawValue) }
        writer.count(fields.count)
        for (field, register) in fields {
            writer.string(field.rawValue)
            if let value = register.value {
                writer.byte(1)
                writer.string(value)
            } else {
                writer.byte(0)
            }
            writer.stamp(register.stamp)
        }
        writer.count(tags.adds.count)
        for (tag, dots) in tags.adds {
            writer.string(tag.rawValue)
            writer.stamps(dots)
        }
        writer.stamps(tags.removed)
        writer.count(points.count)
        for (origin, ledger) in points {
            writer.string(origin.rawValue)
            for counters in [ledger.earned, ledger.reversed, ledger.redeemed] {
                writer.count(counters.count)
                for (replica, value) in counters {
                    writer.string(replica.rawValue)
                    writer.signed(value)
                }
            }
        }
        writer.count(consent.count)
        for (channel, register) in consent {
            writer.string(channel.rawValue)
            writer.count(register.live.count)
            for (dot, value) in register.live {
                writer.stamp(dot)
                writer.byte(value == .optedIn ? 1 : 0)
            }
            writer.stamps(register.superseded)
        }
        writer.count(mergedFrom.count)
        for id in mergedFrom { writer.string(id.rawValue) }
        if let erasure {
            writer.byte(1)
            writer.stamp(erasure)
        } else {
            writer.byte(0)
        }
        if withOffers {
            writer.count(offers.count)
            for (campaign, register) in offers {
                writer.string(campaign.rawValue)
                if let grant = register.value {
                    writer.byte(1)
                    writer.string(grant.description)
                    writer.signed(grant.validFrom.millis)
                    writer.signed(grant.validUntil.millis)
                    writer.unsigned(UInt64(grant.uses))
                } else {
                    writer.byte(0)
                }
                writer.stamp(register.stamp)
            }
            writer.count(offerUses.count)
            for (campaign, stamps) in offerUses {
                writer.string(campaign.rawValue)
                writer.stamps(stamps)
            }
        }
        if let insight {
            if let value = insight.value {
                writer.byte(1)
                writer.optionalDouble(value.pAlive)
                writer.optionalDouble(value.expectedPurchases90d)
                if let money = value.value12m {
                    writer.byte(1)
                    writer.signed(money.amount)
                    writer.string(money.currency.rawValue)
                } else {
                    writer.byte(0)
                }
                if let cluster = value.cluster {
                    writer.byte(1)
                    writer.unsigned(UInt64(cluster))
                } else {
                    writer.byte(0)
                }
                writer.count(value.recommendations.count)
                for sku in value.recommendations { writer.string(sku) }
                writer.signed(value.modelFittedAt.millis)
            } else {
                writer.byte(0)
            }
            writer.stamp(insight.stamp)
        }
        return writer.bytes
    }

    public init(compactBytes: [UInt8]) throws(CompactReader.Damaged) {
        var reader = CompactReader(compactBytes)
        let version = try reader.byte()
        guard (Self.compactVersion...Self.compactVersionWithInsight).contains(version) else { throw CompactReader.Damaged() }
        self.init(id: try reader.value(CustomerID.self))
        let cardCount = try reader.count()
        cards.reserveCapacity(cardCount)
        for _ in 0..<cardCount { cards.insert(try reader.value(CardNumber.self)) }
        for _ in 0..<(try reader.count()) {
            let field = try reader.value(ProfileField.self)
            let value: String? = try reader.byte() == 1 ? try reader.string() : nil
            fields[field] = LWWRegister(value: value, stamp: try reader.stamp())
        }
        var adds: [Tag: Set<HLCTimestamp>] = [:]
        for _ in 0..<(try reader.count()) {
            let tag = try reader.value(Tag.self)
            adds[tag] = try reader.stamps()
        }
        tags = TagSet(adds: adds, removed: try reader.stamps())
        for _ in 0..<(try reader.count()) {
            let origin = try reader.value(CustomerID.self)
            var counters: [[ReplicaID: Int64]] = []
            for _ in 0..<3 {
                var counter: [ReplicaID: Int64] = [:]
                for _ in 0..<(try reader.count()) { counter[try reader.value(ReplicaID.self)] = try reader.signed() }
                counters.append(counter)
            }
            points[origin] = PointsLedger(earned: counters[0], reversed: counters[1], redeemed: counters[2])
        }
        for _ in 0..<(try reader.count()) {
            let channel = try reader.value(ConsentChannel.self)
            var live: [HLCTimestamp: ConsentValue] = [:]
            for _ in 0..<(try reader.count()) {
                let dot = try reader.stamp()
                live[dot] = try reader.byte() == 1 ? .optedIn : .optedOut
            }
            consent[channel] = ConsentRegister(live: live, superseded: try reader.stamps())
        }
        for _ in 0..<(try reader.count()) { mergedFrom.insert(try reader.value(CustomerID.self)) }
        if try reader.byte() == 1 { erasure = try reader.stamp() }
        if version >= Self.compactVersionWithOffers {
            for _ in 0..<(try reader.count()) {
                let campaign = try reader.value(CampaignID.self)
                var grant: OfferGrant?
                if try reader.byte() == 1 {
                    let description = try reader.string()
                    guard let from = Date(millis: try reader.signed()), let until = Date(millis: try reader.signed()),
                        let uses = Int(exactly: try reader.unsigned())
                    else { throw CompactReader.Damaged() }
                    grant = OfferGrant(campaign: campaign, description: description, validFrom: from, validUntil: until, uses: uses)
                }
                offers[campaign] = LWWRegister(value: grant, stamp: try reader.stamp())
            }
            for _ in 0..<(try reader.count()) {
                offerUses[try reader.value(CampaignID.self)] = try reader.stamps()
            }
        }
        if version >= Self.compactVersionWithInsight {
            var value: CustomerInsight?
            if try reader.byte() == 1 {
                let pAlive = try reader.optionalDouble()
                let expected = try reader.optionalDouble()
                var money: Money?
                if try reader.byte() == 1 {
                    let amount = try reader.signed()
                    money = Money(amount: amount, currency: try reader.value(Currency.self))
                }
                let cluster: Int? = try reader.byte() == 1 ? Int(exactly: try reader.unsigned()) : nil
                var recommendations: [String] = []
                for _ in 0..<(try reader.count()) { recommendations.append(try reader.string()) }
                guard let fittedAt = Date(millis: try reader.signed()) else { throw CompactReader.Damaged() }
                value = CustomerInsight(
                    pAlive: pAlive, expectedPurchases90d: expected, value12m: money, cluster: cluster, recommendations: recommendations,
                    modelFittedAt: fittedAt
                )
            }
            insight = LWWRegister(value: value, stamp: try reader.stamp())
        }
        guard reader.isAtEnd else { throw CompactReader.Damaged() }
    }
}

extension CompactWriter {
    /// A flag byte, then the value's bits when present.
    mutating func optionalDouble(_ value: Double?) {
        if let value {
            byte(1)
            unsigned(value.bitPattern)
        } else {
            byte(0)
        }
    }

    mutating func stamp(_ stamp: HLCTimestamp) {
        signed(stamp.wallMillis)
        unsigned(UInt64(stamp.counter))
        string(stamp.replica.rawValue)
    }

    mutating func stamps(_ stamps: Set<HLCTimestamp>) {
        count(stamps.count)
        for stamp in stamps { self.stamp(stamp) }
    }
}

extension CompactReader {
    mutating func optionalDouble() throws(Damaged) -> Double? {
        try byte() == 1 ? Double(bitPattern: try unsigned()) : nil
    }

    mutating func stamp() throws(Damaged) -> HLCTimestamp {
        let wall = try signed()
        guard let counter = UInt32(exactly: try unsigned()) else { throw Damaged() }
        return HLCTimestamp(wallMillis: wall, counter: counter, replica: try value(ReplicaID.self))
    }

    mutating func stamps() throws(Damaged) -> Set<HLCTimestamp> {
        let count = try count()
        var stamps = Set<HLCTimestamp>(minimumCapacity: count)
        for _ in 0..<count { stamps.insert(try stamp()) }
        return stamps
    }
}
