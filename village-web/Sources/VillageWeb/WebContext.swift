import Hummingbird

/// The request context of the pages: Hummingbird's basic one plus the clerk's session, set by `SessionGuard`.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The session of a signed-in clerk (without a password, the one session of this process).
    public var session: Session?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The session, which `SessionGuard` guarantees on every page but the login page.
    var csrf: String { session?.csrf ?? "" }
}
