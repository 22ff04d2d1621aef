import Foundation
import Hummingbird
import Logging
import Mustache
import NIOCore
import RegistryCore
import ServerGuard

/// The clerk's pages over one registry: the router and what its pages share.
public final class WebApp: Sendable {
    let registry: Registry
    let options: WebOptions
    let pages = Pages()
    let guardian: SessionGuard
    let syncRunner: SyncRunner

    public init(registry: Registry, options: WebOptions) {
        self.registry = registry
        self.options = options
        guardian = SessionGuard(options: options)
        syncRunner = SyncRunner(registry: registry)
    }

    /// Every page, one controller per file.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: PageHeadersMiddleware())
        router.add(middleware: SessionMiddleware(guardian: guardian))
        LoginController(app: self).add(to: router)
        TodayController(app: self).add(to: router)
        IntakeController(app: self).add(to: router)
        PeopleController(app: self).add(to: router)
        PersonController(app: self).add(to: router)
        ReportController(app: self).add(to: router)
        SweepController(app: self).add(to: router)
        SyncController(app: self).add(to: router)
        FilesController(app: self).add(to: router)
        return router
    }

    /// The HTTP application; `onRunning` gets the port (0 asks the system for a free one).
    /// Every connection passes the same guard as the county's (header and idle timeouts, per-address and total
    /// caps): 1,100 half-open requests made `/today` unreachable without it.
    public func application(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws
        -> some ApplicationProtocol
    {
        Application(
            router: router(),
            server: try guardedServer(limits: options.connections, tls: options.tls),
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "registry-web",
                availableConnectionsDelegate: acceptLimit(options.connections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? self.options.port) },
            logger: logger)
    }

    /// Runs a registry call; a refusal comes back as the RegistryError it is.
    func attempt<T>(_ body: () throws -> T) -> Result<T, RegistryError> {
        do { return .success(try body()) } catch { return .failure(RegistryError.from(error)) }
    }
}

/// No script, no framing, no outside resource, no caching of pages with personal data.
struct PageHeadersMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            // A clerk's browser gets a page that says what went wrong and the way back, not JSON.
            response = ErrorPage.response(error)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        // same-origin, not no-referrer: under no-referrer a browser posts forms with `Origin: null`, and the
        // session guard refuses a post whose Origin is not this server.
        for header in PageSecurity.headers(referrerPolicy: "same-origin") {
            response.headers[.init(header.name)!] = header.value
        }
        return response
    }
}

/// The page of a refused request (a form that expired, a person not found, a file too large).
enum ErrorPage {
    static let template = try! PageTemplate.parse(PackageResources.error_mustache)

    static func response(_ error: HTTPError) -> Response {
        let message: String
        switch error.status {
        case .notFound: message = error.body ?? "找不到这个页面"
        case .contentTooLarge: message = "文件太大（最多 32 MB）"
        default: message = error.body ?? "请求未被接受（\(error.status.code)）"
        }
        // Through an escaping template like every page: the message may quote what the clerk typed.
        let html = template.render(["status": "\(error.status.code)", "message": message])
        var headers = error.headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
