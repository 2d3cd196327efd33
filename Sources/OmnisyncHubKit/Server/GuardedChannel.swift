import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// A child channel that enforces ``ConnectionLimits`` around the hub's
/// TLS and HTTP channel: it counts open connections, closes those past the
/// cap as they arrive, and closes a connection whose TLS handshake has not
/// finished in time. (The idle timeout is Hummingbird's own, set on the HTTP
/// channel.)
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let limits: ConnectionLimits
    let open: OpenConnections
    /// True when `base` starts with a TLS handshake.
    let usesTLS: Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard open.admit(upTo: limits.maxConnections) else {
            channel.close(promise: nil)
            let refused = open.refusedOne()
            // Once, then every thousandth: a flood must not flood the log too.
            if refused == 1 || refused.isMultiple(of: 1_000) {
                logger.warning("connection refused: the hub holds its maximum of open connections", metadata: [
                    "maxConnections": "\(limits.maxConnections)", "refusedSoFar": "\(refused)",
                ])
            }
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        channel.closeFuture.whenComplete { [open] _ in open.release() }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            if usesTLS {
                let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
                try channel.pipeline.syncOperations.addHandler(HandshakeDeadline(timeout: limits.tlsHandshakeTimeout), position: .after(tls))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// Why a connection was closed at once.
    struct ConnectionRefused: Error {}
}

/// The hub's count of open connections, shared by every child channel.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    /// Counts a new connection unless `limit` are open already.
    func admit(upTo limit: Int) -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() {
        count.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Counts a refused connection and returns how many so far.
    func refusedOne() -> Int {
        refused.add(1, ordering: .relaxed).newValue
    }
}

/// Closes the connection unless the TLS handshake completes in time. Sits
/// right after NIOSSL's handler, whose completion event it waits for, then
/// removes itself.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: Duration
    private var deadline: Scheduled<Void>?

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            deadline?.cancel()
            deadline = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
