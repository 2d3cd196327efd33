import CompressNIO
public import Foundation
import NIOCore
import NIOFoundationCompat
public import OmnisyncCore

/// The ``HubTransport`` over HTTPS, authenticating with the terminal's token.
public struct HubClient: HubTransport {
    private let baseURL: String
    private let token: String
    private let http: CurlHTTPClient
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - hub: the hub's base URL, `https://hub.example:8443`.
    ///   - token: the terminal's token, sent as `Authorization: Bearer`.
    ///   - options: TLS pinning and time limits.
    public init(hub: String, token: String, options: CurlHTTPClient.Options, now: @escaping @Sendable () -> Date = Date.init) throws(TransportError) {
        self.baseURL = hub.hasSuffix("/") ? String(hub.dropLast()) : hub
        self.token = token
        self.http = try CurlHTTPClient(options: options)
        self.now = now
    }

    /// Bodies are gzip-compressed: a week of journal shrinks about sixfold,
    /// which matters on a store's uplink.
    public func payload(forPush body: Data) throws(TransportError) -> PushPayload {
        do {
            var buffer = ByteBuffer(data: body)
            return PushPayload(data: Data(buffer: try buffer.compress(with: .gzip())), contentEncoding: "gzip")
        } catch {
            throw .invalidResponse("cannot compress the push body: \(error)")
        }
    }

    public func push(_ payload: PushPayload) async throws(TransportError) -> PushResponse {
        let headers = payload.contentEncoding.map { ["Content-Encoding: \($0)"] } ?? []
        return try await send("POST", "/v1/push", body: payload.data, extraHeaders: headers, as: PushResponse.self)
    }

    public func pull(cursor: String?, limit: Int) async throws(TransportError) -> PullResponse {
        var path = "/v1/pull?limit=\(limit)"
        if let cursor {
            path += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
        }
        return try await send("GET", path, body: nil, as: PullResponse.self)
    }

    public func priceChanges(since version: Int64) async throws(TransportError) -> PriceDelta.Received? {
        let path = "/v1/prices?since=\(version)"
        let body: Data
        do {
            body = try await send("GET", path, body: nil)
        } catch .rejected(404, _, _) {
            // A hub older than price lists: nothing to fetch, not a failed round.
            return nil
        }
        do {
            return try PriceDelta.Received.read(body)
        } catch {
            throw .invalidResponse("\(path): \(error.description)")
        }
    }

    public func lookUp(card: CardNumber) async throws(TransportError) -> ProfileState? {
        let body: Data
        do {
            body = try WireCoding.encode(CardLookupRequest(card: card))
        } catch {
            throw .invalidResponse("cannot encode the card lookup: \(error)")
        }
        do {
            return try await send("POST", "/v1/customers/lookup", body: body, as: ProfileState.self)
        } catch .rejected(404, _, _) {
            return nil
        }
    }

    private func send<Answer: Decodable>(_ method: String, _ path: String, body: Data?, extraHeaders: [String] = [], as type: Answer.Type) async throws(TransportError) -> Answer {
        let answer = try await send(method, path, body: body, extraHeaders: extraHeaders)
        do {
            return try WireCoding.decode(type, from: answer)
        } catch {
            throw .invalidResponse("\(path): \(error.description)")
        }
    }

    /// The body of a successful answer; an error answer thrown as ``TransportError/rejected(status:code:message:)``.
    private func send(_ method: String, _ path: String, body: Data?, extraHeaders: [String] = []) async throws(TransportError) -> Data {
        let headers = extraHeaders + [
            "Authorization: Bearer \(token)",
            "Accept: application/json",
            "Content-Type: application/json",
            // The hub measures each terminal's clock skew from this.
            "Omnisync-Sent-At: \(RFC3339.format(now()))",
        ]
        let response = try await http.perform(method: method, url: baseURL + path, headers: headers, body: body)
        guard (200..<300).contains(response.status) else {
            if let error = try? WireCoding.decode(ErrorBody.self, from: response.body) {
                throw .rejected(status: response.status, code: error.error.code, message: error.error.message)
            }
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .rejected(status: response.status, code: "http_\(response.status)", message: text.isEmpty ? "no error body" : text)
        }
        return response.body
    }
}
