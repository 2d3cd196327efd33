import CCurl
import CurlShim
import Foundation
import Histogram

/// Many HTTPS clients at once from one thread: libcurl's multi interface
/// drives one easy handle per simulated terminal, each with its own
/// connection, so the hub sees as many concurrent connections as terminals.
///
/// Every client sends its requests one after the other (a terminal waits for
/// its push to be acknowledged before sending the next); all clients run at
/// once. Latency is measured per request, from handing it to libcurl to its
/// last response byte.
final class CurlMultiLoad {
    /// One request a client makes.
    struct Request {
        var method: String
        var path: String
        var body: Data?
    }

    /// One simulated client: its headers and the requests it sends, in order.
    struct Client {
        var headers: [String]
        var requests: [Request]
        /// The server this client talks to, when not the load's own (one of several replicas).
        var baseURL: String? = nil
    }

    struct Result {
        var requests: Int
        var failures: Int
        var firstFailure: String?
        var elapsed: Duration
        /// Microseconds.
        var latency: Histogram<UInt64>
    }

    private let baseURL: String
    private let caFile: String

    init(baseURL: String, caFile: String) {
        self.baseURL = baseURL
        self.caFile = caFile
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }

    /// Runs every client's requests, all clients concurrently, and waits for all.
    func run(_ clients: [Client], progress: (Int, Int) -> Void) throws -> Result {
        guard let multi = curl_multi_init() else { throw BenchError("curl_multi_init failed") }
        defer { curl_multi_cleanup(multi) }
        var handles: [UnsafeMutableRawPointer] = []
        var lists: [UnsafeMutablePointer<curl_slist>?] = []
        defer {
            for handle in handles { curl_easy_cleanup(handle) }
            for list in lists { curl_slist_free_all(list) }
        }
        var clientOf: [UnsafeMutableRawPointer: Int] = [:]
        var next = [Int](repeating: 0, count: clients.count)
        var startedAt: [UnsafeMutableRawPointer: ContinuousClock.Instant] = [:]
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var failures = 0
        var firstFailure: String?
        let total = clients.reduce(0) { $0 + $1.requests.count }
        var done = 0

        func start(_ handle: UnsafeMutableRawPointer, _ request: Request) throws {
            var code = CURLE_OK
            func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
            let server = clientOf[handle].flatMap { clients[$0].baseURL } ?? baseURL
            set(omnisync_curl_setopt_string(handle, CURLOPT_URL, server + request.path))
            if request.method == "GET" {
                set(omnisync_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            } else {
                let payload = request.body ?? Data()
                set(omnisync_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count)))
                payload.withUnsafeBytes { bytes in
                    set(omnisync_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)))
                }
            }
            guard code == CURLE_OK else { throw BenchError("cannot set up a request: libcurl error \(code.rawValue)") }
            startedAt[handle] = .now
            guard curl_multi_add_handle(multi, handle) == CURLM_OK else { throw BenchError("curl_multi_add_handle failed") }
        }

        for (index, client) in clients.enumerated() {
            guard let handle = curl_easy_init() else { throw BenchError("curl_easy_init failed") }
            handles.append(handle)
            var list: UnsafeMutablePointer<curl_slist>?
            for header in client.headers { list = curl_slist_append(list, header) }
            lists.append(list)
            _ = omnisync_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = omnisync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            _ = omnisync_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            _ = omnisync_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)
            _ = omnisync_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, 120_000)
            _ = omnisync_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
            // Response bodies are counted, not kept.
            _ = omnisync_curl_setopt_write_callback(handle, { _, size, count, _ in size * count }, nil)
            clientOf[handle] = index
            if let first = client.requests.first {
                next[index] = 1
                try start(handle, first)
            }
        }

        let started = ContinuousClock.now
        var running: Int32 = 0
        repeat {
            guard curl_multi_perform(multi, &running) == CURLM_OK else { throw BenchError("curl_multi_perform failed") }
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                let elapsed = ContinuousClock.now - startedAt[handle]!
                curl_multi_remove_handle(multi, handle)
                var status = 0
                _ = omnisync_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                if result != CURLE_OK || status != 200 {
                    failures += 1
                    if firstFailure == nil {
                        firstFailure = result != CURLE_OK ? String(cString: curl_easy_strerror(result)) : "HTTP \(status)"
                    }
                }
                _ = latency.record(UInt64(max(1, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)))
                done += 1
                if done % 500 == 0 { progress(done, total) }
                let index = clientOf[handle]!
                if next[index] < clients[index].requests.count {
                    let request = clients[index].requests[next[index]]
                    next[index] += 1
                    try start(handle, request)
                    running += 1
                }
            }
            if running > 0 {
                guard curl_multi_poll(multi, nil, 0, 1000, nil) == CURLM_OK else { throw BenchError("curl_multi_poll failed") }
            }
        } while running > 0
        return Result(requests: done, failures: failures, firstFailure: firstFailure, elapsed: ContinuousClock.now - started, latency: latency)
    }
}
