public import ArgumentParser
public import OmnisyncCore

/// How `customers show` names a customer, on the hub and on a terminal:
/// `ID` or `--card N`, with `--json` and `--reveal`.
public struct CustomerLookupOptions: ParsableArguments {
    @Argument(help: "The customer id.") public var id: String?
    @Option(help: "Find the customer by loyalty card number instead.") public var card: String?
    @Flag(help: "Print JSON.") public var json = false
    @Flag(help: "Show personal data unmasked.") public var reveal = false

    public init() {}

    /// Who to look up.
    public enum Lookup: Sendable {
        case id(CustomerID)
        case card(CardNumber)
    }

    public func validate() throws {
        guard (id == nil) != (card == nil) else { throw ValidationError("give a customer ID or --card N (one of them)") }
        _ = try lookup()
    }

    /// The validated id or card.
    public func lookup() throws -> Lookup {
        if let card {
            guard let number = CardNumber(rawValue: card) else { throw ValidationError("invalid card number: use 4-32 letters or digits") }
            return .card(number)
        }
        guard let id = id.flatMap(CustomerID.init(rawValue:)) else {
            throw ValidationError(InvalidIdentifier(noun: CustomerKind.noun, value: id ?? "").message)
        }
        return .id(id)
    }
}
