import Hummingbird
import Logging
import NIOCore
import RegistryCore

/// `GET /dashboard?date=D`: the county officer's page, for a county token (a browser asks for it as a password).
/// Persons are masked (张*伟, 420102********1232) unless `full=1`: a screen is seen over shoulders and shared as
/// screenshots. Each unmasked view is logged with who (token and the user name typed), when and which day.
struct DashboardController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let county: CountyAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/dashboard") { request, context in
            let caller = try await county.require(request, challenge: true)
            let day = try requestedDay(request, clock: store.clock)
            let full = request.uri.queryParameters.get("full") == "1"
            let summary = try await store.summary(on: day, maxSkew: options.maxSkew)
            let now = store.clock.localText(store.clock.now())
            if full {
                context.logger.notice("dashboard: persons shown unmasked", metadata: [
                    "token": .string(caller.tokenID), "user": .string(caller.name), "date": .string("\(day)"), "at": .string(now)])
            }
            let page = DashboardPage.html(full ? summary : summary.masked, countyName: try await store.settings().name,
                                          series: try await store.series(to: day), generatedAt: now,
                                          privacy: .init(date: "\(day)", full: full, viewer: caller.name))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}
