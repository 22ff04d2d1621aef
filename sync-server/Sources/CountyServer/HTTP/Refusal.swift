import Foundation
import Hummingbird
import NIOCore
import RegistryCore
import RegistrySync

/// The method each path answers; another method on a known path is answered 405 with `Allow` (a 404 would say
/// the path does not exist, and sends a client author looking in the wrong place).
let routeMethods: [String: HTTPRequest.Method] = [
    "/healthz": .get, "/v1/sync/push": .post, "/v1/sync/pull": .get, "/v1/relay/push": .post, "/v1/relay/pull": .get,
    "/v1/summary": .get, "/metrics": .get, "/dashboard": .get,
]

/// Answers another method on a known path (PUT, DELETE, or one it has never heard of) with 405 and `Allow`.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths under a prefix and the methods they take: the declaration form is read and posted.
    static var prefixMethods: [(prefix: String, methods: [HTTPRequest.Method])] {
        [("/declare/", [.get, .post]), ("/dashboard/leads/", [.post]), ("/dashboard/", [.get])]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard
            let allowed = routeMethods[path].map({ [$0] })
                ?? Self.prefixMethods.first(where: { path.hasPrefix($0.prefix) })?.methods,
            !allowed.contains(request.method), !(request.method == .head && allowed.contains(.get))
        else {
            return try await next(request, context)
        }
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        var response = try Refusal(
            .methodNotAllowed, "method_not_allowed",
            Localized(zh: "此地址只接受 \(names)", en: "this path accepts \(names) only")
        ).response()
        response.headers[.allow] = names
        return response
    }
}

/// A refusal with a JSON body in both languages (never SQL or a stack trace).
struct Refusal: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: Wire.ErrorBody
    /// Seconds for `Retry-After` (a busy server).
    let retryAfter: Int?

    init(
        _ status: HTTPResponse.Status, _ code: String, _ message: Localized, expected: Int64? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.body = Wire.ErrorBody(error: code, message: message, expected: expected)
        self.retryAfter = retryAfter
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { try response() }

    func response() throws -> Response {
        var response = Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())))
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

func json(_ value: some Encodable) throws -> Response {
    Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}

/// The day asked (`?date=`), or today in the county.
func requestedDay(_ request: Request, clock: RegistryClock) throws -> Day {
    guard let text = request.uri.queryParameters.get("date") else { return clock.today }
    guard let day = Day(text) else {
        throw Refusal(.badRequest, "bad_request", Localized(zh: "date 应为 YYYY-MM-DD", en: "date must be YYYY-MM-DD"))
    }
    if let problem = CountySummary.futureProblem(day, today: clock.today) {
        throw Refusal(.badRequest, "bad_request", problem)
    }
    return day
}
