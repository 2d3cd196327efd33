/// The JSON body of every error the hub answers: `{"error":{"code","message"}}`.
///
/// `code` is stable and meant for programs (`unauthorized`, `gap`...);
/// `message` is one sentence for the person reading a log.
public struct ErrorBody: Hashable, Sendable, Codable {
    public struct Detail: Hashable, Sendable, Codable {
        public var code: String
        public var message: String
    }

    public var error: Detail

    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}
