extension Decoder {
    /// Throws when the current JSON object has a key that `Keys` does not list.
    ///
    /// The data contract says unknown fields are an error, not ignored: a POS
    /// integration that misspells `pointsRedeemed` must hear about it at once
    /// rather than silently record a sale without the redemption.
    public func rejectUnknownKeys<Keys: CodingKey>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "unknown field")
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// Throws a data-corrupted error at `key` with `message`, keeping the path so
    /// that the one-line error names the field.
    public func invalid(_ key: Key, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: message)
    }

    /// Decodes a whole number. For `1.5` or `1e40` where an integer is
    /// expected, Foundation throws an internal error that surfaces as "not
    /// valid JSON" without the field; this names it.
    public func decodeInteger(forKey key: Key) throws -> Int64 {
        let mismatch = DecodingError.typeMismatch(Int64.self, .init(codingPath: codingPath + [key], debugDescription: "not a whole number"))
        do {
            return try decode(Int64.self, forKey: key)
        } catch let error as DecodingError {
            if case .dataCorrupted = error { throw mismatch }
            throw error
        } catch {
            throw mismatch
        }
    }

    /// ``decodeInteger(forKey:)`` for an optional field.
    public func decodeIntegerIfPresent(forKey key: Key) throws -> Int64? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeInteger(forKey: key)
    }
}
