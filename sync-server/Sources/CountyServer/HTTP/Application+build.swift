import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import RegistryCore

/// How the server runs.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// How far ahead of the server's clock a change may be stamped.
    public var maxSkew: TimeInterval = 600
    /// The largest request body accepted; a push batch is at most about 1 MB.
    public var maxBody = 2 << 20
    /// How long a new connection may take to send a request's headers.
    public var headerTimeout: TimeInterval = 30
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeout: TimeInterval = 60
    /// How many connections one address may hold at once (a township's NAT may carry a few dozen villages).
    public var connectionsPerAddress = 256
    /// How many connections the server holds at once, below the process's file limit.
    public var maxConnections = 4096
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
    PushController(store: store, options: options, logger: logger, villages: villages).add(to: router)
    PullController(store: store, logger: logger, villages: villages).add(to: router)
    RelayController(store: store, options: options, logger: logger, regions: RegionAuthenticator(store: store)).add(
        to: router)
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
    let counts = ConnectionGuard.Counts(perAddress: options.connectionsPerAddress)
    let guardHandler: @Sendable () -> [any RemovableChannelHandler] = {
        [
            ConnectionGuard(
                counts: counts, headerTimeout: .milliseconds(Int64(options.headerTimeout * 1000)),
                idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)))
        ]
    }
    return Application(
        router: buildRouter(store: store, options: options, logger: logger),
        server: try options.tls.map {
            try .tls(
                .http1(configuration: .init(additionalChannelHandlers: guardHandler())),
                tlsConfiguration: try tlsConfiguration(certificate: $0.certificate, key: $0.key))
        }
            ?? .http1(configuration: .init(additionalChannelHandlers: guardHandler())),
        configuration: .init(
            address: .hostname(options.host, port: options.port), serverName: "sync-server",
            availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
        logger: logger)
}

/// The server's TLS configuration from PEM files, refused in one line naming the file when one cannot be read.
func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
    let chain: [NIOSSLCertificate]
    let privateKey: NIOSSLPrivateKey
    do {
        chain = try NIOSSLCertificate.fromPEMFile(certificate)
    } catch {
        throw RegistryError(
            nil, zh: "--tls-cert：无法读取证书 \(certificate)（应为 PEM）",
            en: "--tls-cert: cannot read the certificate \(certificate) (PEM expected)")
    }
    do {
        privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
    } catch {
        throw RegistryError(
            nil, zh: "--tls-key：无法读取私钥 \(key)（应为 PEM）",
            en: "--tls-key: cannot read the private key \(key) (PEM expected)")
    }
    return TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
}
