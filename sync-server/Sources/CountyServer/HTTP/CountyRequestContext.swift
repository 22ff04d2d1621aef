import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basic one plus the peer's address, which the declaration
/// form's rate limit counts by. (Behind a reverse proxy every request comes from the proxy: limit there instead.)
public struct CountyRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
