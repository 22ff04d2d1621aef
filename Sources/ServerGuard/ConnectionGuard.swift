import NIOCore
import NIOHTTPTypes

/// Limits what idle and slow connections can hold: a connection must send a request's headers within
/// `headerTimeout` of opening (or of its previous answer, for keep-alive: `idleTimeout`), one address group may hold
/// at most `perAddress` connections at once, and at `maxConnections` the oldest connection that sent no complete
/// request makes room (`ConnectionTable`). Without these, 20,000 idle connections with no token took `/healthz`
/// down, and 17 addresses × 256 idle connections filled the county's 4,096. Bodies are not timed here: a village on a
/// slow line may take minutes to upload a 1 MB push.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let table: ConnectionTable
    private var counted = false
    private var timer: Scheduled<Void>?

    init(table: ConnectionTable) { self.table = table }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func handlerAdded(context: ChannelHandlerContext) {
        // The handler is added once the connection is open: count it, or close it at once.
        let remote = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard table.open(id, channel: context.channel, address: remote) else {
            context.close(promise: nil)
            return
        }
        counted = true
        arm(context, table.limits.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if counted { table.close(id) }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
            table.requestStarted(id)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            table.answered(id)
            arm(context, table.limits.idleTimeout)  // kept alive: the next request must come
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ seconds: Double) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { channel.close(promise: nil) }
    }
}
