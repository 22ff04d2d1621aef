import Foundation
import Hummingbird
import Logging
import NIOCore
import RegistryCore

/// `GET /declare/<village code>`: the returnee's declaration form (返乡报备), open to anyone with the poster's QR
/// code; `POST` to the same path records it as a lead for the village. No token: the abuse guards are a body limit,
/// a rate limit per address (429 with Retry-After), answers that look the same for a village on the roster and
/// one that is not, and nothing from the database in any answer.
struct DeclareController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let logger: Logger
    let limiter: RateLimiter

    /// A declaration form is a few hundred bytes.
    static var maxBody: Int { 16 << 10 }

    func add(to router: Router<CountyRequestContext>) {
        router.get("/declare/:code") { _, context in
            guard let code = villageCode(context) else { return html(.notFound, Self.notFoundPage) }
            return html(
                .ok, DeclarePage.form(countyName: try await store.settings().name, code: code, today: store.clock.today)
            )
        }
        router.post("/declare/:code") { request, context in
            guard let code = villageCode(context) else { return html(.notFound, Self.notFoundPage) }
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            // By /64 for IPv6: one sender holds a whole prefix.
            if let wait = limiter.admit(PageSecurity.clientKey(address)) {
                logger.warning("declare: rate limited", metadata: ["address": .string(address)])
                var response = html(.tooManyRequests, Self.busyPage)
                response.headers[.retryAfter] = "\(wait)"
                return response
            }
            let body = try await request.body.collect(upTo: Self.maxBody)
            let posted = FormEncoding.fields(String(buffer: body), only: Set(Declaration.fields))
            let county = try await store.settings().name
            let today = store.clock.today
            let lead: Lead
            do {
                lead = try Declaration.lead(
                    Declaration.form(posted), village: code, today: today,
                    declaredAt: store.clock.isoText(store.clock.now()))
            } catch let error as RegistryError {
                return html(
                    .unprocessableContent,
                    DeclarePage.form(countyName: county, code: code, posted: posted, error: error, today: today))
            }
            let outcome = try await store.writing { try $0.declare(lead) }
            // The county's log tells the outcomes apart; the sender sees one page for all three.
            logger.info("declare", metadata: ["village": .string(code), "outcome": .string("\(outcome)")])
            if outcome == .villageFull { return html(.tooManyRequests, Self.villageFullPage) }
            return html(.ok, DeclarePage.done(countyName: county, code: code))
        }
    }

    /// The path's village code: twelve digits, or 404 (a code of another shape cannot be a village; a well-formed
    /// code not on the roster gets the form like any other).
    func villageCode(_ context: CountyRequestContext) -> String? {
        let code = context.parameters.get("code") ?? ""
        return code.count == 12 && code.allSatisfy({ $0.isASCII && $0.isNumber }) ? code : nil
    }

    static var notFoundPage: String {
        """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>地址不对</title></head><body><p>这个地址不对：请重新扫描村口海报上的二维码。</p></body></html>
        """
    }

    static var villageFullPage: String {
        """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>请联系村委会</title></head><body><p>本村今日线上申报已满，请直接电话联系村委会报备。</p></body></html>
        """
    }

    static var busyPage: String {
        """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>请稍后再试</title></head><body><p>提交太频繁，请过几分钟再试。</p></body></html>
        """
    }

    func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
