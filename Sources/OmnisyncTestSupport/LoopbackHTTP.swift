public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a real socket (TCP on loopback or a Unix
/// socket), one connection per request, for tests of the agent's local API.
///
/// It is blocking: tests that want many concurrent callers run it on threads
/// of their own (see ``concurrently(_:_:)``), not on the cooperative pool.
public enum LoopbackHTTP {
    public enum Address: Sendable {
        case tcp(port: Int)
        case unix(path: String)
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        /// The body as a JSON object (a test failure when it is not one).
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw TestSupportError("response body is not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }

        /// `error.code` of an error body, nil for any other body.
        public var errorCode: String? {
            ((try? json())?["error"] as? [String: Any])?["code"] as? String
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends one request and reads the whole response (the server closes the
    /// connection after it: the request says `Connection: close`).
    public static func send(_ method: String, _ path: String, body: Data? = nil, to address: Address) throws -> Response {
        let descriptor: Int32
        switch address {
        case .tcp(let port): descriptor = LoopbackSocket.connect(port: port)
        case .unix(let path): descriptor = LoopbackSocket.connect(unixPath: path)
        }
        guard descriptor >= 0 else { throw TestSupportError("cannot connect to \(address): errno \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".utf8)
        if let body {
            request.append(Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8))
        }
        request.append(Data("\r\n".utf8))
        if let body { request.append(body) }
        // The server may answer before it has read the whole body (a 413 for
        // an oversized one) and stop reading: then stop sending and read the
        // answer, rather than block in send() for ever.
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                var events = pollfd(fd: descriptor, events: Int16(POLLIN | POLLOUT), revents: 0)
                guard poll(&events, 1, 60_000) > 0 else { throw TestSupportError("\(address) neither read the request nor answered within 60 s") }
                if events.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { break }
                let count = Glibc.send(descriptor, bytes.baseAddress! + sent, min(bytes.count - sent, 64 << 10), Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { continue }
                if count < 0 && (errno == EPIPE || errno == ECONNRESET) { break }
                guard count > 0 else { throw TestSupportError("send to \(address) failed: errno \(errno)") }
                sent += count
            }
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else { throw TestSupportError("no complete answer to \(method) \(path) from \(address) (errno \(errno))") }
            received.append(contentsOf: buffer[0..<count])
        }
        do {
            return try parse(received)
        } catch {
            throw TestSupportError("\(method) \(path) on \(address): \(error)")
        }
    }

    /// Sends a JSON body.
    public static func send(_ method: String, _ path: String, json: String, to address: Address) throws -> Response {
        try send(method, path, body: Data(json.utf8), to: address)
    }

    private static func parse(_ data: Data) throws -> Response {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw TestSupportError("malformed HTTP response: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestSupportError("malformed HTTP status line: \(head.first ?? "")")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: Data(data[end.upperBound...]))
    }

    /// Runs `body(0..<count)` on `count` threads at once and returns their
    /// results in index order: real concurrent callers, each blocking on its
    /// own connection.
    public static func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for index in 0..<count {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread {
                            continuation.resume(with: Result { (index, try body(index)) })
                        }.start()
                    }
                }
            }
            var results = [T?](repeating: nil, count: count)
            for try await (index, value) in group { results[index] = value }
            return results.map { $0! }
        }
    }
}
