import Foundation
import Hummingbird
import Logging
import NIOCore
import RegistryCore

/// The county officer's pages, for a county token (a browser asks for it as a password):
/// - `GET /dashboard?date=D`: the county on a day, with the lists an officer acts on (at a city or a province, its
///   regions first; `&region=CODE` drills down to one);
/// - `GET /dashboard/village/<code>?date=D`: one village on that day;
/// - `GET /dashboard/merge.csv|merge.xlsx?date=D`: the day's merge as a file;
/// - `POST /dashboard/leads/<id>/confirm`: the officer confirms a contact lead raised on one village's word.
/// Persons are masked (张*伟, 420102********1232) unless `full=1`: a screen is seen over shoulders and shared as
/// screenshots. Each unmasked view or download is logged with who (token and the user name typed), when, which day
/// and which village.
struct DashboardController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let county: CountyAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/dashboard") { request, context in
            let (caller, day, full) = try await begin(request)
            // A city's or a province's officer drills down to one region below (`?region=CODE`).
            let region: String? = request.uri.queryParameters.get("region").map { String($0) }
            if let region, region.count != 6 || !region.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw Refusal(
                    .badRequest, "bad_request",
                    Localized(zh: "region 应为 6 位区划代码", en: "region must be a 6-digit region code"))
            }
            if full { logUnmasked(context.logger, caller: caller, day: day, what: "dashboard", village: region) }
            do {
                return html(
                    try await store.dashboardPage(
                        on: day, full: full, viewer: caller.name, region: region, maxSkew: options.maxSkew))
            } catch let error as RegistryError where region != nil {
                throw Refusal(.notFound, "not_found", error.reason)
            }
        }
        router.get("/dashboard/village/:code") { request, context in
            let (caller, day, full) = try await begin(request)
            let code = context.parameters.get("code") ?? ""
            guard code.count == 12, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber),
                let page = try await store.villagePage(
                    code, on: day, full: full, viewer: caller.name, maxSkew: options.maxSkew)
            else {
                throw Refusal(.notFound, "not_found", Localized(zh: "村名册中没有这个村", en: "no such village on the roster"))
            }
            if full { logUnmasked(context.logger, caller: caller, day: day, what: "village", village: code) }
            return html(page)
        }
        router.post("/dashboard/leads/:id/confirm") { request, context in
            // The browser sends the officer's Basic credentials with any post to this server, also one a page of
            // another site makes it send: only a form of this server's own pages is taken (its Origin is ours).
            guard let origin = request.headers[.origin], let host = request.head.authority,
                origin == "http://\(host)" || origin == "https://\(host)"
            else {
                throw Refusal(
                    .forbidden, "cross_site",
                    Localized(zh: "只接受本服务器页面上的表单", en: "only a form of this server's own pages is accepted"))
            }
            let caller = try await county.require(request, challenge: true)
            let id = context.parameters.get("id") ?? ""
            let officer = caller.name.isEmpty ? "令牌 \(caller.tokenID.prefix(8))" : caller.name
            do {
                let lead = try await store.confirmContactLead(id, by: officer)
                context.logger.notice(
                    "dashboard: contact lead confirmed",
                    metadata: [
                        "lead": .string(lead.id), "village": .string(lead.village), "token": .string(caller.tokenID),
                        "user": .string(String(caller.name.oneLine.prefix(64))),
                    ])
            } catch let error as RegistryError {
                throw Refusal(.conflict, "not_confirmable", error.reason)
            }
            return Response(status: .seeOther, headers: [.location: "/dashboard"])
        }
        for format in ["csv", "xlsx"] {
            router.get("/dashboard/merge.\(format)") { request, context in
                let (caller, day, full) = try await begin(request)
                if full { logUnmasked(context.logger, caller: caller, day: day, what: "merge.\(format)", village: nil) }
                let summary = try await store.summary(on: day, maxSkew: options.maxSkew)
                let shown = full ? summary : summary.masked
                let body = format == "csv" ? Data(shown.csv.utf8) : try shown.workbook()
                let type =
                    format == "csv"
                    ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                // The file name in both forms: ASCII for old clients, UTF-8 (RFC 6266) for the Chinese one.
                let name =
                    "汇总-\(day).\(format)".addingPercentEncoding(
                        withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-."))) ?? ""
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: type, .cacheControl: "no-store",
                        .contentDisposition:
                            "attachment; filename=\"merge-\(day).\(format)\"; filename*=UTF-8''\(name)",
                    ], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
    }

    /// The county token, the day asked (today by default) and whether persons are to be shown in full.
    private func begin(_ request: Request) async throws -> (CountyCaller, Day, Bool) {
        let caller = try await county.require(request, challenge: true)
        return (caller, try requestedDay(request, clock: store.clock), request.uri.queryParameters.get("full") == "1")
    }

    private func logUnmasked(_ logger: Logger, caller: CountyCaller, day: Day, what: String, village: String?) {
        var metadata: Logger.Metadata = [
            // The user name is what anyone typed in the login box: no line break or escape sequence reaches the log.
            "token": .string(caller.tokenID), "user": .string(String(caller.name.oneLine.prefix(64))),
            "date": .string("\(day)"),
            "page": .string(what), "at": .string(store.clock.isoText(store.clock.now())),
        ]
        if let village { metadata["village"] = .string(village) }
        logger.notice("dashboard: persons shown unmasked", metadata: metadata)
    }

    private func html(_ page: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
