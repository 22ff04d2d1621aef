import Foundation
import Hummingbird
import RegistryCore
import RegistrySync

/// `GET /healthz`: the server's time, epoch and allowed skew (a village checks its clock against them before it
/// pushes); with a valid village token, also whose it is.
struct HealthController<Store: CountyStore>: Sendable {
    let store: Store
    let options: ServerOptions
    let villages: VillageAuthenticator<Store>

    func add(to router: Router<CountyRequestContext>) {
        router.get("/healthz") { request, _ in
            let settings = try await store.settings()
            // A health check needs no token.
            let holder = try? await villages.holder(request)
            var name: String?
            if let holder { name = try await store.villageName(holder.village) }
            return try json(
                Wire.Health(
                    status: "ok", time: StoredTime.utcText(store.clock.now()),
                    epoch: settings.epoch, maxSkewSeconds: Int(options.maxSkew),
                    village: holder?.village, villageName: name,
                    leadFoundHours: Int(try await store.value(of: .leadFoundHours) ?? "")))
        }
    }
}
