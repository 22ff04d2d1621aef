import Foundation
import Hummingbird
import RegistryCore

/// The county officer's endpoints: `GET /v1/summary?date=D` (JSON) and `GET /dashboard` (HTML). Both need a
/// county token: as a bearer token, or for a browser as the password of HTTP Basic authentication.
struct CountyController: Sendable {
    let database: CountyDatabase
    let options: ServerOptions

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/summary") { request, _ in
            try await authenticateCounty(request, challenge: false)
            return try json(try database.summary(on: try day(request), maxSkew: options.maxSkew))
        }
        router.get("/dashboard") { request, _ in
            try await authenticateCounty(request, challenge: true)
            let day = try day(request)
            let summary = try database.summary(on: day, maxSkew: options.maxSkew)
            let page = DashboardPage.html(summary, countyName: try database.settings().name, series: try database.series(to: day),
                                          generatedAt: database.clock.localText(database.clock.now()))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }

    /// The day asked (`?date=`), or today in the county.
    func day(_ request: Request) throws -> Day {
        guard let text = request.uri.queryParameters.get("date") else { return database.clock.today }
        guard let day = Day(text) else {
            throw Refusal(.badRequest, "bad_request", Localized(zh: "date 应为 YYYY-MM-DD", en: "date must be YYYY-MM-DD"))
        }
        return day
    }

    /// Refuses a request without a county token: with a Basic challenge for a browser (`challenge`), else with
    /// the JSON error every API answer uses (URLSession clients stall on an unanswered challenge).
    func authenticateCounty(_ request: Request, challenge: Bool) async throws {
        var token: String?
        if let header = request.headers[.authorization] {
            if header.hasPrefix("Bearer ") {
                token = String(header.dropFirst(7))
            } else if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
                      let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
                token = String(pair[pair.index(after: colon)...])
            }
        }
        guard let token, let holder = try await database.authenticate(token.trimmingCharacters(in: .whitespaces)), holder.village.count == 6 else {
            if challenge { throw BasicChallenge() }
            throw Refusal(.unauthorized, "unauthorized", Localized(zh: "需要县级令牌", en: "a county token is required"))
        }
    }
}

/// 401 with a Basic challenge, so that a browser asks the county officer for the token.
struct BasicChallenge: HTTPResponseError {
    var status: HTTPResponse.Status { .unauthorized }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .unauthorized,
                 headers: [.wwwAuthenticate: "Basic realm=\"county\", charset=\"UTF-8\"", .contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "需要县级令牌 / a county token is required\n")))
    }
}
