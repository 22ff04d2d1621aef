import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RegistryCore
import ServerGuard

/// How the server runs.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// How far ahead of the server's clock a change may be stamped.
    public var maxSkew: TimeInterval = 600
    /// The largest request body accepted; a push batch is at most about 1 MB.
    public var maxBody = 2 << 20
    /// The push bodies (villages' and relays') held at once, in bytes (`PushGate`); more wait, unread.
    public var pushBytesInFlight = 4 << 20
    /// Header and idle timeouts, connections per address group and in all (`ConnectionLimits`).
    public var connections = ConnectionLimits()
    /// How many declarations one address may post in `declarationWindow` seconds (a family at one phone, a
    /// village office helping its returnees: a few dozen; a script: thousands).
    public var declarationsPerAddress = 30
    public var declarationWindow: TimeInterval = 600
    /// The certificate chain and private key (PEM files) to serve HTTPS with; nil serves plain HTTP (behind a proxy
    /// that terminates TLS, or on 127.0.0.1).
    public var tls: (certificate: String, key: String)?

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The router over a store: the sync endpoints, the health check, and the county officer's pages. One controller
/// per file; each is generic over the store, so that the same routes serve SQLite and PostgreSQL.
public func buildRouter<Store: CountyStore>(store: Store, options: ServerOptions, logger: Logger) -> Router<
    CountyRequestContext
> {
    let router = Router(context: CountyRequestContext.self)
    // Request counts and latency by route template, method and status (`GET /metrics`).
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorLogMiddleware(logger: logger))
    router.add(middleware: MethodNotAllowedMiddleware())
    router.add(middleware: ClientVersionMiddleware())
    let villages = VillageAuthenticator(store: store)
    let county = CountyAuthenticator(store: store)
    HealthController(store: store, options: options, villages: villages).add(to: router)
    // One gate for villages' pushes and regions' relays: both end at the same writer, and both hold memory until then.
    let gate = PushGate(budget: options.pushBytesInFlight)
    PushController(store: store, options: options, logger: logger, villages: villages, gate: gate).add(to: router)
    PullController(store: store, logger: logger, villages: villages).add(to: router)
    RelayController(
        store: store, options: options, logger: logger, regions: RegionAuthenticator(store: store), gate: gate
    ).add(to: router)
    SummaryController(store: store, options: options, county: county).add(to: router)
    MetricsController(store: store, options: options, county: county).add(to: router)
    DashboardController(store: store, options: options, county: county).add(to: router)
    DeclareController(
        store: store, options: options, logger: logger,
        limiter: RateLimiter(limit: options.declarationsPerAddress, window: options.declarationWindow)
    ).add(to: router)
    return router
}

/// The HTTP application over a store, with the connection guard in front (and TLS, when `options.tls` names the files).
public func buildApplication<Store: CountyStore>(
    store: Store, options: ServerOptions, logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    Application(
        router: buildRouter(store: store, options: options, logger: logger),
        server: try guardedServer(limits: options.connections, tls: options.tls),
        configuration: .init(
            address: .hostname(options.host, port: options.port), serverName: "sync-server",
            availableConnectionsDelegate: acceptLimit(options.connections)),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
        logger: logger)
}
