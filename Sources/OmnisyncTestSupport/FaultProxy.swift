import Foundation
import OmnisyncCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback that injects network faults between an agent and
/// a hub, for tests that need the network to misbehave for real.
///
/// Each accepted connection draws one fault: pass it through, delay every
/// chunk, cut it after some bytes of the request (mid-body), cut it after some
/// bytes of the response (the hub has acted but its answer never arrives),
/// close it at once, or stall (accept, swallow everything, never answer: a
/// black hole only a time limit gets out of). TLS flows through untouched, so
/// cuts land mid-record.
public final class FaultProxy: Sendable {
    public enum Fault: String, CaseIterable, Sendable {
        case none, delay, cutRequest, cutResponse, refuse, stall

        /// The faults a request survives by retrying, drawn by default.
        public static let transient: [Fault] = [.none, .delay, .cutRequest, .cutResponse, .refuse]
    }

    public let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    private struct State {
        var faults: [Fault]
        var upstreamPort: Int
        /// With several (a balancer), each new connection goes to the next.
        var upstreamPorts: [Int] = []
        var connections = 0
        var random: SeededGenerator
        var drawn: [Fault: Int] = [:]
        var open = true
    }

    /// Starts forwarding to `127.0.0.1:upstreamPort`, drawing each connection's
    /// fault from `faults` (repeat a fault to make it likelier) with a seeded
    /// generator whose seed is printed (see ``TestSeed``).
    public init(upstreamPort: Int, faults: [Fault] = Fault.transient) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw TestSupportError("cannot listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        let random = faults.count > 1 ? TestSeed.generator("fault proxy on port \(port)") : SeededGenerator(seed: 1)
        self.state = Mutex(State(faults: faults, upstreamPort: upstreamPort, random: random))
        BrokenPipes.ignore()
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    /// A proxy that passes everything through to `upstreamPort`: a stable
    /// address for a hub that restarts on a new port (tests never restart a
    /// server on a port another process may have taken meanwhile).
    public static func front(for upstreamPort: Int) throws -> FaultProxy {
        try FaultProxy(upstreamPort: upstreamPort, faults: [.none])
    }

    /// Forwards new connections to `port` from now on.
    public func forward(to port: Int) {
        state.withLock {
            $0.upstreamPort = port
            $0.upstreamPorts = []
        }
    }

    /// A round-robin load balancer in front of several servers (hub
    /// replicas): each new connection goes to the next of `ports`.
    public static func balancer(across ports: [Int]) throws -> FaultProxy {
        let proxy = try FaultProxy(upstreamPort: ports[0], faults: [.none])
        proxy.state.withLock { $0.upstreamPorts = ports }
        return proxy
    }

    /// How many connections drew each fault so far.
    public var drawn: [Fault: Int] { state.withLock { $0.drawn } }

    /// Stops accepting connections.
    public func stop() {
        state.withLock { $0.open = false }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while state.withLock({ $0.open }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let (fault, upstreamPort, cutAfter) = state.withLock { state -> (Fault, Int, Int) in
                let fault = state.faults.randomElement(using: &state.random) ?? .none
                state.drawn[fault, default: 0] += 1
                if !state.upstreamPorts.isEmpty {
                    state.upstreamPort = state.upstreamPorts[state.connections % state.upstreamPorts.count]
                    state.connections += 1
                }
                // A cut falls somewhere inside the first few kilobytes: the TLS
                // handshake, the request's headers, or its body.
                return (fault, state.upstreamPort, Int.random(in: 200...6000, using: &state.random))
            }
            if fault == .refuse {
                close(client)
                continue
            }
            if fault == .stall {
                Thread { Self.swallow(client) }.start()
                continue
            }
            let server = LoopbackSocket.connect(port: upstreamPort)
            guard server >= 0 else {
                close(client)
                continue
            }
            let requestLimit = fault == .cutRequest ? cutAfter : Int.max
            let responseLimit = fault == .cutResponse ? cutAfter : Int.max
            let delay = fault == .delay
            Thread { Self.pump(from: client, to: server, limit: requestLimit, delay: delay) }.start()
            Thread { Self.pump(from: server, to: client, limit: responseLimit, delay: delay) }.start()
        }
    }

    /// Reads and discards until the client gives up and closes.
    private static func swallow(_ client: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while read(client, &buffer, buffer.count) > 0 {}
        close(client)
    }

    /// Copies bytes one way until either side closes or `limit` bytes have
    /// passed; then closes both directions, as a pulled cable would.
    private static func pump(from source: Int32, to destination: Int32, limit: Int, delay: Bool) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var forwarded = 0
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            // Timing only (threads' timing is not replayable anyway), so not from the seeded draws.
            if delay { usleep(UInt32.random(in: 0...20_000)) }
            let allowed = min(count, limit - forwarded)
            var written = 0
            while written < allowed {
                let result = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + written, allowed - written, Int32(MSG_NOSIGNAL)) }
                if result <= 0 { break }
                written += result
            }
            forwarded += written
            if written < count { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        close(source)
    }
}
