import Foundation
import Hummingbird
import Logging
import RegistryCore
import RegistrySync

/// `POST /v1/relay/push`: a region below relays its log (`RelayWire`); acknowledged once committed, with a reason for
/// each entry refused, by the sender's sequence.
struct RelayController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let logger: Logger
    let regions: RegionAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.post("/v1/relay/push") { request, _ in
            let started = Date()
            let holder = try await regions.region(request)
            let buffer = try await request.body.collect(upTo: options.maxBody)
            let push: RelayWire.PushRequest
            do {
                push = try JSONDecoder().decode(RelayWire.PushRequest.self, from: Data(buffer: buffer))
            } catch {
                throw Refusal(.badRequest, "bad_request", Localized(zh: "请求格式不对", en: "the request body is not a valid relay push"))
            }
            guard push.entries.count <= RelayWire.maxEntries else {
                throw Refusal(.contentTooLarge, "too_large", Localized(zh: "一批最多 \(RelayWire.maxEntries) 条", en: "at most \(RelayWire.maxEntries) entries a batch"))
            }
            do {
                let ack = try await store.relay(push, region: holder.village, tokenID: holder.tokenID, maxSkew: options.maxSkew)
                logger.info("relay", metadata: [
                    "region": .string(holder.village), "in": .stringConvertible(push.entries.count),
                    "rejected": .stringConvertible(ack.rejected.count), "through": .stringConvertible(ack.ackedThrough),
                    "ms": .stringConvertible(Int(Date().timeIntervalSince(started) * 1000)),
                ])
                return try json(ack)
            } catch let refusal as CountyDatabase.PushRefusal {
                throw refusal.answer(sender: holder.village, logger: logger)
            }
        }
    }
}
