import ArgumentParser
import OmnisyncCore
import OmnisyncHubKit

/// How the hub's `customers show` names a customer: `ID`, `--card N`, or,
/// at the hub only (where contacts are indexed), `--email E` or `--phone P`.
struct HubCustomerLookupOptions: ParsableArguments {
    @Argument(help: "The customer id.") var id: String?
    @Option(help: "Find the customer by loyalty card number instead.") var card: String?
    @Option(help: "Find the customer by email address (compared trimmed and lower-cased).") var email: String?
    @Option(help: "Find the customer by phone number (compared in E.164, national numbers in the chain's country code).") var phone: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show personal data unmasked.") var reveal = false

    enum Lookup {
        case id(CustomerID)
        case card(CardNumber)
        case contact(DuplicateContact.Kind, String)
    }

    func validate() throws {
        guard [id, card, email, phone].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give a customer ID, --card N, --email E or --phone P (one of them)")
        }
        if id != nil || card != nil { _ = try lookup(phoneCountryCode: nil) }
        if let email, EmailAddress(normalizing: email) == nil { throw ValidationError("--email is not an email address") }
    }

    func lookup(phoneCountryCode: String? = nil) throws -> Lookup {
        if let email {
            guard let address = EmailAddress(normalizing: email) else { throw ValidationError("--email is not an email address") }
            return .contact(.email, address.value)
        }
        if let phone {
            guard let number = PhoneNumber(normalizing: phone, defaultCallingCode: phoneCountryCode) else {
                throw ValidationError("--phone is not a phone number (write it with its country code, +33 6…, or set `policy set --phone-country-code`)")
            }
            return .contact(.phone, number.value)
        }
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
