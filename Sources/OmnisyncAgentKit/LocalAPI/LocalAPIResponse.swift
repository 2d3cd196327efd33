import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import OmnisyncCore

/// Bodies of the local API: JSON in, JSON out, encoded like the CLI's `--json`.
enum LocalAPIResponse {
    /// The largest request body accepted; a sale with hundreds of lines is a
    /// few tens of kilobytes.
    static let maxBodySize = 1 << 20

    /// `value` encoded with ``WireCoding`` (sorted keys, RFC 3339 times).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: try WireCoding.encode(value)))
        )
    }

    /// The request body, refused with 413 past ``maxBodySize``.
    static func body(of request: Request) async throws(LocalAPIError) -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: maxBodySize))
        } catch is NIOTooManyBytesError {
            throw LocalAPIError(.contentTooLarge, code: "payloadTooLarge", "request body larger than \(maxBodySize) bytes")
        } catch {
            throw LocalAPIError(.badRequest, code: "invalidInput", "cannot read the request body: \(error)")
        }
    }
}

/// An error of the HTTP layer itself (unknown route, body too large), with
/// the same JSON body as ``AgentError``.
struct LocalAPIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try LocalAPIResponse.json(ErrorBody(code: code, message: message), status: status)
    }
}
