import Foundation

/// A one-line, human readable description of why a JSON document was refused,
/// naming the field: `lines[0].unitPrice.amount: expected an integer`.
///
/// `DecodingError`'s own descriptions are written for Swift developers; these
/// are written for the integrator reading an HTTP 400 body or a cashier's
/// terminal log.
public struct DecodingProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dotted path to the offending field; empty for the document itself.
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// Translates any error thrown while decoding into a problem naming the field.
    public init(_ error: any Error) {
        switch error {
        case let problem as DecodingProblem:
            self = problem
        case DecodingError.keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), reason: "missing field")
        case DecodingError.valueNotFound(let type, let context):
            self.init(field: Self.path(context.codingPath), reason: "expected \(Self.noun(for: type)), found null")
        case DecodingError.typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), reason: "expected \(Self.noun(for: type))")
        case DecodingError.dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(field: "", reason: "not valid JSON")
            } else {
                self.init(field: Self.path(context.codingPath), reason: Self.readable(context.debugDescription))
            }
        default:
            self.init(field: "", reason: String(describing: error))
        }
    }

    public var description: String {
        field.isEmpty ? reason : "\(field): \(reason)"
    }

    /// Swift's own message for a string enum ("Cannot initialize Kind from
    /// invalid String value layaway") in an integrator's words.
    static func readable(_ description: String) -> String {
        guard description.hasPrefix("Cannot initialize"), let range = description.range(of: "invalid String value ") else {
            return description
        }
        return "unexpected value '\(description[range.upperBound...])'"
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    static func noun(for type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt32.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
