public import OmnisyncCore

/// Applies accepted entries to the customers they are about: the pure heart
/// of ingestion, shared by every storage backend.
public struct EntryProjector: Sendable {
    /// What became of one accepted entry.
    public enum Outcome: Sendable, Hashable {
        /// Applied (or anonymous: nothing to apply).
        case applied(JournalEntry)
        /// Stored for an operator, not applied.
        case quarantined(reason: String, raw: JSONValue?)
    }

    /// The store of the terminal whose entries these are.
    public var store: StoreID

    public init(store: StoreID) {
        self.store = store
    }

    /// Customers the accepted entries touch: the backend loads these first.
    public static func customers(touchedBy entries: [IncomingEntry]) -> Set<CustomerID> {
        Set(entries.compactMap { try? $0.decoded.get().event.customer })
    }

    /// Applies `entries` in order to `customers` (loaded, or absent for new
    /// customers) and returns each entry's outcome.
    public func apply(_ entries: [IncomingEntry], from terminal: TerminalID, to customers: inout [CustomerID: CustomerRecord]) -> [Outcome] {
        entries.map { incoming in
            switch incoming.decoded {
            case .failure(let problem):
                return .quarantined(reason: "cannot decode: \(problem)", raw: incoming.raw)
            case .success(let entry):
                guard entry.terminal == terminal else {
                    return .quarantined(reason: "entry names terminal \(entry.terminal), pushed by \(terminal)", raw: nil)
                }
                if let customer = entry.event.customer {
                    var record = customers[customer] ?? CustomerRecord(id: customer)
                    record.state.apply(entry)
                    if record.state.isErased {
                        record.activity = CustomerActivity()
                    } else {
                        record.activity.apply(entry, store: store)
                    }
                    customers[customer] = record
                }
                return .applied(entry)
            }
        }
    }
}
