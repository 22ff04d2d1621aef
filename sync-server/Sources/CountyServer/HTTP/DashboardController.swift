import Hummingbird
import NIOCore
import RegistryCore

/// `GET /dashboard?date=D`: the county officer's page, for a county token (a browser asks for it as a password).
struct DashboardController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let county: CountyAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/dashboard") { request, _ in
            try await county.require(request, challenge: true)
            let day = try requestedDay(request, clock: store.clock)
            let summary = try await store.summary(on: day, maxSkew: options.maxSkew)
            let page = DashboardPage.html(summary, countyName: try await store.settings().name, series: try await store.series(to: day),
                                          generatedAt: store.clock.localText(store.clock.now()))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}
