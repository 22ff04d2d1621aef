import Hummingbird
import RegistryCore

/// `GET /v1/summary?date=D`: the county picture for a day, as JSON, for a county token.
struct SummaryController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let county: CountyAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/v1/summary") { request, _ in
            try await county.require(request, challenge: false)
            return try json(
                try await store.summary(on: try requestedDay(request, clock: store.clock), maxSkew: options.maxSkew))
        }
    }
}
