/// A point-of-sale terminal or kiosk, as registered at the hub.
public enum TerminalKind: IdentifierKind {
    public static let noun = "terminal id"
}

/// A store; terminals belong to exactly one store.
public enum StoreKind: IdentifierKind {
    public static let noun = "store id"
}

/// A customer, minted offline at a terminal (UUIDv7) or imported from a channel.
public enum CustomerKind: IdentifierKind {
    public static let noun = "customer id"
}

/// One journal entry, minted by the terminal that recorded it (UUIDv7).
public enum EntryKind: IdentifierKind {
    public static let noun = "entry id"
}

/// A replica that writes profile state: a terminal, or a hub (`@hub`).
///
/// Terminal ids cannot start with `@`, so hub replica ids never collide with
/// terminal ids.
public enum ReplicaKind: IdentifierKind {
    public static let noun = "replica id"

    public static func isValid(_ value: String) -> Bool {
        if value.hasPrefix("@") { return isPlainToken(String(value.dropFirst())) }
        return isPlainToken(value)
    }
}

/// A marketing campaign, minted by the hub when it is created (UUIDv7).
public enum CampaignKind: IdentifierKind {
    public static let noun = "campaign id"
}

public typealias TerminalID = Identifier<TerminalKind>
public typealias StoreID = Identifier<StoreKind>
public typealias CustomerID = Identifier<CustomerKind>
public typealias EntryID = Identifier<EntryKind>
public typealias ReplicaID = Identifier<ReplicaKind>
public typealias CampaignID = Identifier<CampaignKind>

extension ReplicaID {
    /// The replica id under which a hub writes profile state.
    public static let hub = ReplicaID(rawValue: "@hub")!

    /// The replica id of a terminal: terminals write profile state as themselves.
    public init(_ terminal: TerminalID) {
        // Every valid terminal id is a valid replica id.
        self.init(alreadyValidated: terminal.rawValue)
    }
}
