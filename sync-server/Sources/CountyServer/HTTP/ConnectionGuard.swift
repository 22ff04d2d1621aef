import Foundation
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Limits what idle and slow connections can hold: a connection must send a request's headers within
/// `headerTimeout` of opening (or of its previous answer, for keep-alive: `idleTimeout`), and one address may hold at
/// most `perAddress` connections at once. Without these, 20,000 idle connections with no token took `/healthz` down.
/// Bodies are not timed here: a village on a slow line may take minutes to upload a 1 MB push.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The open connections per remote address, shared by every connection of one server.
    final class Counts: Sendable {
        let perAddress: Int
        private let open = Mutex<[String: Int]>([:])

        init(perAddress: Int) { self.perAddress = perAddress }

        /// Counts a new connection from `address`; false when the address already holds its limit.
        func admit(_ address: String) -> Bool {
            open.withLock { counts in
                guard counts[address, default: 0] < perAddress else { return false }
                counts[address, default: 0] += 1
                return true
            }
        }

        func release(_ address: String) {
            open.withLock { counts in
                counts[address, default: 1] -= 1
                if counts[address] == 0 { counts[address] = nil }
            }
        }
    }

    private let counts: Counts
    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var address: String?
    private var timer: Scheduled<Void>?

    init(counts: Counts, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.counts = counts
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The handler is added once the connection is open: count it against its address, or close it at once.
        let remote = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard counts.admit(remote) else {
            context.close(promise: nil)
            return
        }
        address = remote
        arm(context, headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if let address { counts.release(address) }
        address = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context, idleTimeout) }  // kept alive: the next request must come
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
    }
}
