import CCurl
import CurlShim
public import Foundation

/// A minimal HTTPS client over libcurl, for the agent's talks with the hub.
///
/// libcurl is used, rather than an NIO client, because it is the TLS stack
/// point-of-sale Linux images already ship and patch (OpenSSL), and because
/// `CURLOPT_CAINFO` gives exactly the pinning the agent needs: with a pinned CA
/// file, only certificates chaining to that CA are accepted.
///
/// One easy handle is reused for every request, so consecutive batches of a
/// catch-up share one TLS connection.
///
/// Why the unchecked sendability below is safe: every stored property is
/// immutable except what the libcurl easy handle points to, and that is
/// created in `init`, used only by blocks run on `queue` (a serial
/// DispatchQueue, so never by two threads at once), and freed in `deinit`,
/// when no block can be running because each block holds a strong
/// reference to `self`.
public final class CurlHTTPClient: @unchecked Sendable {

    /// Settings fixed for the client's lifetime.
    public struct Options: Sendable, Hashable {
        /// PEM file of the CA the server's certificate must chain to; nil uses
        /// the system's trust store.
        public var caFile: String?
        /// PEM client certificate and its key, presented when the hub asks
        /// (mutual TLS); nil presents none.
        public var clientCertificateFile: String?
        public var clientKeyFile: String?
        /// Limit on establishing the TCP and TLS connection.
        public var connectTimeout: Duration
        /// Limit on the whole request, from start to the last response byte.
        public var totalTimeout: Duration
        /// Responses larger than this are refused rather than buffered.
        public var maxResponseBytes: Int

        public init(
            caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
            connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60), maxResponseBytes: Int = 64 << 20
        ) {
            self.caFile = caFile
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// A response: status code and body.
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
    }

    private static let globalInitialisation: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    private let options: Options
    private let queue = DispatchQueue(label: "omnisync.curl")
    private let handle: UnsafeMutableRawPointer

    public init(options: Options) throws(TransportError) {
        _ = Self.globalInitialisation
        guard let handle = curl_easy_init() else {
            throw .invalidResponse("libcurl could not create a handle (out of memory?)")
        }
        self.handle = handle
        self.options = options
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Performs one request off the Swift concurrency pool (libcurl blocks).
    public func perform(method: String, url: String, headers: [String], body: Data?) async throws(TransportError) -> Response {
        let result: Result<Response, TransportError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.performBlocking(method: method, url: url, headers: headers, body: body))
            }
        }
        return try result.get()
    }

    private func performBlocking(method: String, url: String, headers: [String], body: Data?) -> Result<Response, TransportError> {
        curl_easy_reset(handle)
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        defer { curl_slist_free_all(headerList) }

        let sink = ResponseSink(limit: options.maxResponseBytes)
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            set(omnisync_curl_setopt_string(handle, CURLOPT_URL, url))
            set(omnisync_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(omnisync_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.milliseconds))
            set(omnisync_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.totalTimeout.milliseconds))
            set(omnisync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(omnisync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            // Clear text is refused outright: the token and customers' personal
            // data never travel unencrypted, not even after a redirect, and
            // never over TLS older than 1.2.
            set(omnisync_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "https"))
            set(omnisync_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "https"))
            set(omnisync_curl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
            if let caFile = options.caFile {
                set(omnisync_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
                // Only the pinned CA: ignore the system's directory of CAs.
                set(omnisync_curl_setopt_pointer(handle, CURLOPT_CAPATH, nil))
            }
            if let certificate = options.clientCertificateFile, let key = options.clientKeyFile {
                set(omnisync_curl_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM"))
                set(omnisync_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate))
                set(omnisync_curl_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM"))
                set(omnisync_curl_setopt_string(handle, CURLOPT_SSLKEY, key))
            }
            set(omnisync_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
            set(omnisync_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            set(omnisync_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress))
            set(omnisync_curl_setopt_write_callback(handle, responseSinkWrite, sinkPointer.toOpaque()))
            if method == "GET" {
                set(omnisync_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            } else {
                set(omnisync_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method))
                let payload = body ?? Data()
                set(omnisync_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count)))
                payload.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this call.
                    set(omnisync_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)))
                }
            }
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }

        guard code == CURLE_OK else {
            let buffered = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let detail = buffered.isEmpty ? String(validatingCString: curl_easy_strerror(code)) ?? "libcurl error \(code.rawValue)" : buffered
            if sink.overflowed {
                return .failure(.invalidResponse("response larger than \(options.maxResponseBytes) bytes"))
            }
            return .failure(Self.classify(code, detail: detail))
        }
        var status = 0
        _ = omnisync_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(Response(status: status, body: sink.data))
    }

    /// OpenSSL's ways of saying the peer went away.
    static func isConnectionDrop(_ detail: String) -> Bool {
        ["SSL_ERROR_SYSCALL", "Connection reset", "unexpected eof", "Broken pipe"].contains { detail.localizedCaseInsensitiveContains($0) }
    }

    /// TLS alerts by which a hub refuses the client's certificate (or its
    /// absence): "certificate required" (TLS 1.3), "bad certificate",
    /// "unknown ca", "certificate expired", "certificate revoked".
    static func isClientCertificateRefusal(_ detail: String) -> Bool {
        ["alert certificate required", "alert bad certificate", "alert unknown ca", "alert certificate expired", "alert certificate revoked"]
            .contains { detail.localizedCaseInsensitiveContains($0) }
    }

    /// Sorts libcurl's failures into what a support engineer needs to know.
    static func classify(_ code: CURLcode, detail: String) -> TransportError {
        // The hub's alert can surface at the handshake or at the first read
        // (TLS 1.3 checks the client's certificate after the client is done).
        if isClientCertificateRefusal(detail) {
            return .clientCertificateRefused(detail)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .unreachable("no answer within the time limit (\(detail))")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .clearTextRefused(detail)
        case CURLE_SSL_CERTPROBLEM:
            return .clientCertificateUnusable(detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return .untrustedCertificate(detail)
        case CURLE_SSL_CONNECT_ERROR:
            // A connection dropped mid-handshake is the network, not the certificate.
            return isConnectionDrop(detail) ? .unreachable("connection cut during the TLS handshake (\(detail))") : .tlsHandshakeFailed(detail)
        default:
            return .unreachable(detail)
        }
    }
}

/// Collects response bytes for the write callback, up to a limit.
private final class ResponseSink {
    var data = Data()
    var overflowed = false
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }
}

/// libcurl's write callback: appends to the ``ResponseSink`` in `userdata`.
private func responseSinkWrite(_ pointer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let pointer, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard sink.data.count + length <= sink.limit else {
        sink.overflowed = true
        return 0
    }
    sink.data.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

extension Duration {
    /// Whole milliseconds, as libcurl's `_MS` options take them.
    var milliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
