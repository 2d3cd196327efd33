import CompressNIO
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
        let body = try await collectJSON(context: context)
        do {
            return try WireCoding.decode(type, from: body)
        } catch {
            throw HubError(.malformedRequest, "invalid request body: \(error.description)")
        }
    }

    /// Reads a push, through the fast path for what the agent sends (see
    /// ``IncomingPush/read(_:)``).
    mutating func decodePush(context: HubRequestContext) async throws(HubError) -> IncomingPush {
        let body = try await collectJSON(context: context)
        do {
            return try IncomingPush.read(body)
        } catch {
            throw HubError(.malformedRequest, "invalid request body: \(error.description)")
        }
    }

    /// The body, inflated if it came gzipped, within the context's limit.
    private mutating func collectJSON(context: HubRequestContext) async throws(HubError) -> Data {
        var buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw HubError(.payloadTooLarge, "request body larger than \(context.maxUploadSize) bytes; send smaller batches")
        } catch {
            throw HubError(.malformedRequest, "cannot read the request body: \(error)")
        }
        switch headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            break
        case "gzip":
            buffer = try Self.inflate(&buffer, limit: context.maxUploadSize * 4)
        case let encoding?:
            throw HubError(.unsupportedMediaType, "Content-Encoding \(encoding) is not supported; send gzip or no encoding")
        }
        return Data(buffer: buffer)
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

extension Request {
    /// Inflates a gzip body through a fixed window, refusing it as soon as the
    /// output passes `limit` (a zip bomb inflates to gigabytes from a few
    /// kilobytes; the check is ours, counted as the bytes come out).
    static func inflate(_ body: inout ByteBuffer, limit: Int) throws(HubError) -> ByteBuffer {
        let decompressor = CompressionAlgorithm.gzip().decompressor
        decompressor.window = ByteBufferAllocator().buffer(capacity: 64 << 10)
        var output = ByteBufferAllocator().buffer(capacity: min(limit, max(body.readableBytes * 4, 64 << 10)))
        do {
            try decompressor.startStream()
            try body.decompressStream(with: decompressor) { chunk in
                guard output.readableBytes + chunk.readableBytes <= limit else {
                    throw HubError(.payloadTooLarge, "request body inflates beyond \(limit) bytes; send smaller batches")
                }
                var chunk = chunk
                output.writeBuffer(&chunk)
            }
            try decompressor.finishStream()
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError(.malformedRequest, "request body is not valid gzip: \(error)")
        }
        return output
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

/// A JSON response gzip-compressed when it is large and the client accepts
/// gzip: a whole price list for a till that never had one is megabytes of
/// repetitive JSON that shrinks about tenfold.
struct CompressibleJSONResponse: ResponseGenerator {
    /// The JSON, already encoded.
    var encoded: Data
    /// Smaller bodies go as they are: compressing them costs more than it saves.
    static var threshold: Int { 16 << 10 }

    init(encoded: Data) {
        self.encoded = encoded
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = ByteBuffer(data: encoded)
        var headers: HTTPFields = [.contentType: "application/json", .vary: "Accept-Encoding"]
        let accepted = request.headers[.acceptEncoding]?.lowercased().split(separator: ",").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) } ?? []
        if body.readableBytes >= Self.threshold, accepted.contains("gzip") {
            body = try body.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}

/// A body already encoded as JSON (a pull answer with stored profiles spliced in).
struct EncodedJSONResponse: ResponseGenerator {
    var body: Data

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}
