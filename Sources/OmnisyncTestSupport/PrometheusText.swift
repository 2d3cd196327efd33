public import Foundation

/// The samples of a Prometheus text exposition (`GET /metrics`), by
/// `name{labels}` exactly as written, for tests to read figures from.
public struct PrometheusText: Sendable {
    private var samples: [String: Double] = [:]

    /// Every sample key, as written.
    public var keys: Dictionary<String, Double>.Keys { samples.keys }

    /// Reads `body`; a line that is neither a comment nor `KEY VALUE` is an error,
    /// since a scraper would refuse it too.
    public init(_ body: Data) throws {
        let text = String(decoding: body, as: UTF8.self)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw TestSupportError("not a Prometheus sample line: \(line)")
            }
            samples[String(line[..<space])] = value
        }
    }

    /// The value of the sample `key` (`name` or `name{label="value",...}`).
    public subscript(key: String) -> Double? { samples[key] }
}
