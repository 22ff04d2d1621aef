import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import RegistryCore
import RegistrySync

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

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the HTTP application: the sync endpoints and the health check over a county database.
public func buildApplication(database: CountyDatabase, options: ServerOptions, logger: Logger,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware())
    SyncController(database: database, options: options, logger: logger).add(to: router)
    CountyController(database: database, options: options).add(to: router)
    let counts = ConnectionGuard.Counts(perAddress: options.connectionsPerAddress)
    let guardHandler: @Sendable () -> [any RemovableChannelHandler] = {
        [ConnectionGuard(counts: counts, headerTimeout: .milliseconds(Int64(options.headerTimeout * 1000)),
                         idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000)))]
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: guardHandler())),
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "sync-server",
                             availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) },
        logger: logger)
}

/// The method each path answers; another method on a known path is answered 405 with `Allow` (a 404 would say
/// the path does not exist, and sends a client author looking in the wrong place).
let routeMethods: [String: HTTPRequest.Method] = [
    "/healthz": .get, "/v1/sync/push": .post, "/v1/sync/pull": .get, "/v1/summary": .get, "/dashboard": .get,
]

/// Answers another method on a known path (PUT, DELETE, or one it has never heard of) with 405 and `Allow`.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed = routeMethods[request.uri.path], request.method != allowed,
              !(request.method == .head && allowed == .get) else {
            return try await next(request, context)
        }
        var response = try Refusal(.methodNotAllowed, "method_not_allowed",
                                   Localized(zh: "此地址只接受 \(allowed.rawValue)", en: "this path accepts \(allowed.rawValue) only")).response()
        response.headers[.allow] = allowed.rawValue
        return response
    }
}

/// The sync endpoints: `POST /v1/sync/push`, `GET /v1/sync/pull`, `GET /healthz`.
struct SyncController: Sendable {
    let database: CountyDatabase
    let options: ServerOptions
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { request, _ in
            let settings = try await database.writer.read { try CountyDatabase.settings($0) }
            // With a valid village token, also whose it is (a health check needs none).
            let holder = try? await authenticate(request)
            var name: String?
            if let holder { name = try await database.villageName(holder.village) }
            return try json(Wire.Health(status: "ok", time: ISO8601DateFormatter().string(from: database.clock.now()),
                                        epoch: settings.epoch, maxSkewSeconds: Int(options.maxSkew),
                                        village: holder?.village, villageName: name))
        }
        router.post("/v1/sync/push") { request, _ in
            let started = Date()
            let holder = try await authenticate(request)
            let village = holder.village
            let buffer = try await request.body.collect(upTo: options.maxBody)
            let push: Wire.PushRequest
            do {
                push = try JSONDecoder().decode(Wire.PushRequest.self, from: Data(buffer: buffer))
            } catch {
                throw Refusal(.badRequest, "bad_request", Localized(zh: "请求格式不对", en: "the request body is not a valid push"))
            }
            do {
                let ack = try await database.push(push, village: village, tokenID: holder.tokenID, maxSkew: options.maxSkew)
                if !push.withheld.isEmpty {
                    logger.warning("push: changes withheld by the village as too large", metadata: [
                        "village": .string(village), "withheld": .stringConvertible(push.withheld.count)])
                }
                // One line per sync; never an id number, a phone or a token.
                logger.info("push", metadata: [
                    "village": .string(village), "in": .stringConvertible(push.changes.count),
                    "rejected": .stringConvertible(ack.rejected.count), "through": .stringConvertible(ack.ackedThrough),
                    "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
                ])
                return try json(ack)
            } catch let refusal as CountyDatabase.PushRefusal {
                switch refusal {
                case .gap(let expected):
                    throw Refusal(.conflict, "gap", Localized(zh: "上传顺序不连续，应从 \(expected) 之后开始", en: "the batch does not follow on; expected after \(expected)"),
                                  expected: expected)
                case .clockAhead(let minutes):
                    logger.warning("push refused: clock ahead", metadata: ["village": .string(village), "minutes": .stringConvertible(minutes)])
                    throw Refusal(.unprocessableContent, "clock_skew",
                                  Localized(zh: "这台电脑的时间比县服务器快了约 \(minutes) 分钟。请校正电脑的日期和时间后再同步，已登记的数据不会丢失。",
                                            en: "This computer's clock is about \(minutes) minutes ahead of the county server. Fix the computer's date and time, then sync again; nothing is lost."))
                case .wrongVillage:
                    throw Refusal(.forbidden, "wrong_village", Localized(zh: "此设备已登记在其他村", en: "this device is registered to another village"))
                case .foreignSite:
                    logger.warning("push refused: site of another token", metadata: ["village": .string(village)])
                    throw Refusal(.forbidden, "foreign_site", Localized(zh: "此设备编号属于县服务器或其他令牌，不能用本令牌上传",
                                                                        en: "this site belongs to the county or to another token"))
                case .malformed(let reason):
                    throw Refusal(.badRequest, "bad_request", reason)
                }
            }
        }
        router.get("/v1/sync/pull") { request, _ in
            let started = Date()
            let village = try await authenticate(request).village
            let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? -1
            let limit = Int(request.uri.queryParameters.get("limit") ?? "1000") ?? -1
            guard after >= 0, (1...5000).contains(limit) else {
                throw Refusal(.badRequest, "bad_request", Localized(zh: "after 应为非负整数，limit 应为 1–5000",
                                                                    en: "after must be a whole number ≥ 0 and limit 1 to 5000"))
            }
            let page = try await database.pull(village: village, site: request.uri.queryParameters.get("site"),
                                         after: after, limit: limit)
            logger.info("pull", metadata: [
                "village": .string(village), "out": .stringConvertible(page.changes.count),
                "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
            ])
            return try json(page)
        }
    }

    /// The village of the request's bearer token; a token in the URL, a missing, unknown or revoked one is
    /// refused (401) without saying which.
    func authenticate(_ request: Request) async throws -> CountyDatabase.TokenHolder {
        if request.uri.queryParameters.get("token") != nil || request.uri.queryParameters.get("access_token") != nil {
            throw Refusal(.unauthorized, "token_in_url", Localized(zh: "令牌必须放在 Authorization 请求头中，不能写在网址里",
                                                                  en: "send the token in the Authorization header, never in the URL"))
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              let holder = try await database.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
              holder.village.count == 12  // a county token reads summaries; it does not sync
        else {
            throw Refusal(.unauthorized, "unauthorized", Localized(zh: "令牌无效或已吊销", en: "the token is not valid or was revoked"))
        }
        return holder
    }
}

/// A refusal with a JSON body in both languages (never SQL or a stack trace).
struct Refusal: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: Wire.ErrorBody

    init(_ status: HTTPResponse.Status, _ code: String, _ message: Localized, expected: Int64? = nil) {
        self.status = status
        self.body = Wire.ErrorBody(error: code, message: message, expected: expected)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { try response() }

    func response() throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())))
    }
}

func json(_ value: some Encodable) throws -> Response {
    Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}
