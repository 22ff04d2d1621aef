import Hummingbird
import NIOCore
import RegistryCore

/// `GET /metrics`: `ServerMetrics` in the Prometheus text format, for a county token (Prometheus sends it as a bearer
/// token: `authorization: {credentials: …}` in its scrape config). Today's reports are counted at each scrape, from
/// a merge run kept for 30 seconds (a scrape every 15 s must not run a city's merge each time).
struct MetricsController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let county: CountyAuthenticator<Store>
    let today = TodayReports()

    /// The last count of today's reports, and when it was taken.
    actor TodayReports {
        private var taken: (at: ContinuousClock.Instant, day: Day)?

        func refresh(_ store: Store, maxSkew: Double) async throws {
            let day = store.clock.today
            if let taken, taken.day == day, taken.at.duration(to: .now) < .seconds(30) { return }
            let summary = try await store.summary(on: day, maxSkew: maxSkew)
            ServerMetrics.reports(
                onTime: summary.on_time.count, late: summary.late.count, missing: summary.missing.count)
            taken = (.now, day)
        }
    }

    func add(to router: Router<CountyRequestContext>) {
        router.get("/metrics") { request, _ in
            try await county.require(request, challenge: false)
            try await today.refresh(store, maxSkew: options.maxSkew)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }
    }
}
