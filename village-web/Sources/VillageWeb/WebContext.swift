import Hummingbird
import NIOCore

/// The request context of the pages: Hummingbird's basic one plus the clerk's session, set by `SessionGuard`.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The session of a signed-in clerk (without a password, the one session of this process).
    public var session: Session?
    /// Who is connected: failed logins are counted per address (`SessionGuard.login`).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The session, which `SessionGuard` guarantees on every page but the login page.
    var csrf: String { session?.csrf ?? "" }
}
