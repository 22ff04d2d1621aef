import Foundation
import Hummingbird
import Logging
import RegistryCore
import RegistrySync

/// `POST /v1/sync/push`: a village's changes, acknowledged once committed, with a reason for each one refused.
struct PushController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let logger: Logger
    let villages: VillageAuthenticator<Store>
    let gate: PushGate

    func add(to router: Router<CountyRequestContext>) {
        router.post("/v1/sync/push") { request, _ in
            let started = Date()
            let holder = try await villages.holder(request)
            do {
                return try await gate.admitted(bytes: PushGate.bytes(of: request, atMost: options.maxBody)) {
                    try await apply(request, holder: holder, started: started)
                }
            } catch let refusal as PushRefusal {
                throw refusal.answer(sender: holder.village, logger: logger)
            }
        }
    }

    /// Reads, checks and applies one push (inside the gate: its body is held from here to the answer).
    private func apply(_ request: Request, holder: TokenHolder, started: Date) async throws -> Response {
        let village = holder.village
        let push = try await decodeBody(
            Wire.PushRequest.self, of: request, upTo: options.maxBody,
            invalid: Localized(zh: "请求格式不对", en: "the request body is not a valid push"))
        let ack = try await store.push(
            push, village: village, tokenID: holder.tokenID, maxSkew: options.maxSkew)
        if !push.withheld.isEmpty {
            logger.warning(
                "push: changes withheld by the village as too large",
                metadata: [
                    "village": .string(village), "withheld": .stringConvertible(push.withheld.count),
                ])
        }
        // One line per sync; never an id number, a phone or a token.
        logger.info(
            "push",
            metadata: [
                "village": .string(village), "in": .stringConvertible(push.changes.count),
                "rejected": .stringConvertible(ack.rejected.count),
                "through": .stringConvertible(ack.ackedThrough),
                "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
            ])
        ServerMetrics.pushed(relay: false, changes: push.changes.count, rejected: ack.rejected)
        try await store.noteContact(village: village, via: "http")
        try await store.notePushed(push, ack)
        return try json(ack)
    }
}

extension PushRefusal {
    /// The HTTP answer to a push (a village's, or a region's relay) the store refused as a whole.
    func answer(sender village: String, logger: Logger) -> Refusal {
        let refusal = refusal(sender: village, logger: logger)
        // busy is counted where it is decided
        if case .busy = self {} else { ServerMetrics.refused(refusal.body.error) }
        return refusal
    }

    private func refusal(sender village: String, logger: Logger) -> Refusal {
        let message = message(.http)
        switch self {
        case .gap(let expected):
            return Refusal(.conflict, "gap", message, expected: expected)
        case .clockAhead(let minutes):
            logger.warning(
                "push refused: clock ahead",
                metadata: ["village": .string(village), "minutes": .stringConvertible(minutes)])
            return Refusal(.unprocessableContent, "clock_skew", message)
        case .wrongVillage:
            return Refusal(.forbidden, "wrong_village", message)
        case .foreignSite:
            logger.warning("push refused: site of another token", metadata: ["village": .string(village)])
            return Refusal(.forbidden, "foreign_site", message)
        case .malformed:
            return Refusal(.badRequest, "bad_request", message)
        case .busy(let seconds):
            return Refusal(.serviceUnavailable, "busy", message, retryAfter: seconds)
        }
    }
}
