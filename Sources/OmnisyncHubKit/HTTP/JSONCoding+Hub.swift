import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import OmnisyncCore

extension Request {
    /// Reads and decodes the JSON body, answering 413 beyond the context's
    /// limit and 400 with the offending field for anything undecodable.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, context: HubRequestContext) async throws(HubError) -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw HubError(.payloadTooLarge, "request body larger than \(context.maxUploadSize) bytes; send smaller batches")
        } catch {
            throw HubError(.malformedRequest, "cannot read the request body: \(error)")
        }
        do {
            return try WireCoding.decode(type, from: Data(buffer: buffer))
        } catch {
            throw HubError(.malformedRequest, "invalid request body: \(error.description)")
        }
    }
}

extension ErrorBody {
    /// The error as a response with `status`, encoded like every other body.
    func response(status: HTTPResponse.Status) throws -> Response {
        var response = try JSONResponse(value: self, status: status).response()
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Bearer"
        }
        return response
    }
}

/// A JSON response encoded with ``WireCoding`` (sorted keys, RFC 3339 times).
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try response()
    }

    func response() throws -> Response {
        let data = try WireCoding.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: data))
        )
    }
}
