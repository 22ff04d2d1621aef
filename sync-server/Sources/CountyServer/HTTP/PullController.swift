import Foundation
import Hummingbird
import Logging
import RegistryCore

/// `GET /v1/sync/pull?after=N&limit=L[&site=S]`: a page of what the village should hold.
struct PullController<Store: CountyStore>: Sendable {
    let store: Store
    let logger: Logger
    let villages: VillageAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/v1/sync/pull") { request, _ in
            let started = Date()
            let village = try await villages.holder(request).village
            let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? -1
            let limit = Int(request.uri.queryParameters.get("limit") ?? "1000") ?? -1
            guard after >= 0, (1...5000).contains(limit) else {
                throw Refusal(
                    .badRequest, "bad_request",
                    Localized(
                        zh: "after 应为非负整数，limit 应为 1–5000",
                        en: "after must be a whole number ≥ 0 and limit 1 to 5000"))
            }
            let page = try await store.pull(
                village: village, site: request.uri.queryParameters.get("site"), after: after, limit: limit)
            logger.info(
                "pull",
                metadata: [
                    "village": .string(village), "out": .stringConvertible(page.changes.count),
                    "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
                ])
            ServerMetrics.pulled(relay: false, changes: page.changes.count)
            try await store.noteContact(village: village, via: "http")
            try await store.notePulled(page.changes)
            return try json(page)
        }
    }
}
