import Foundation
import Hummingbird
import Logging
import RegistryCore
import RegistrySync

/// `POST /v1/relay/push`: a region below relays its log (`RelayWire`); acknowledged once committed, with a reason for
/// each entry refused, by the sender's sequence. `GET /v1/relay/pull`: what goes down to the region.
struct RelayController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let logger: Logger
    let regions: RegionAuthenticator<Store>
    let gate: PushGate

    func add(to router: Router<CountyRequestContext>) {
        router.post("/v1/relay/push") { request, _ in
            let started = Date()
            let holder = try await regions.region(request)
            do {
                return try await gate.admitted(bytes: PushGate.bytes(of: request, atMost: options.maxBody)) {
                    try await relay(request, holder: holder, started: started)
                }
            } catch let refusal as PushRefusal {
                throw refusal.answer(sender: holder.village, logger: logger)
            }
        }
        router.get("/v1/relay/pull") { request, _ in
            let holder = try await regions.region(request)
            let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? -1
            let limit = Int(request.uri.queryParameters.get("limit") ?? "1000") ?? -1
            guard after >= 0, (1...5000).contains(limit) else {
                throw Refusal(
                    .badRequest, "bad_request",
                    Localized(
                        zh: "after 应为非负整数，limit 应为 1–5000",
                        en: "after must be a whole number ≥ 0 and limit 1 to 5000"))
            }
            let page = try await store.relayDown(region: holder.village, after: after, limit: limit)
            logger.info(
                "relay down",
                metadata: ["region": .string(holder.village), "out": .stringConvertible(page.entries.count)])
            ServerMetrics.pulled(relay: true, changes: page.entries.count)
            return try json(page)
        }
    }

    /// Reads, checks and applies one relayed page (inside the gate: its body is held from here to the answer).
    private func relay(_ request: Request, holder: TokenHolder, started: Date) async throws -> Response {
        let push = try await decodeBody(
            RelayWire.PushRequest.self, of: request, upTo: options.maxBody,
            invalid: Localized(zh: "请求格式不对", en: "the request body is not a valid relay push"))
        guard push.entries.count <= RelayWire.maxEntries else {
            throw Refusal(
                .contentTooLarge, "too_large",
                Localized(
                    zh: "一批最多 \(RelayWire.maxEntries) 条", en: "at most \(RelayWire.maxEntries) entries a batch"))
        }
        let ack = try await store.relay(
            push, region: holder.village, tokenID: holder.tokenID, maxSkew: options.maxSkew)
        logger.info(
            "relay",
            metadata: [
                "region": .string(holder.village), "in": .stringConvertible(push.entries.count),
                "rejected": .stringConvertible(ack.rejected.count),
                "through": .stringConvertible(ack.ackedThrough),
                "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
            ])
        ServerMetrics.pushed(relay: true, changes: push.entries.count, rejected: ack.rejected)
        return try json(ack)
    }

}
