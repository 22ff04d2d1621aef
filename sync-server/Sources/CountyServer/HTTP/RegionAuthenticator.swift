import Hummingbird
import RegistryCore

/// Who a relay comes from: a region below this server (a county, or a city at a province), by the token this server
/// issued it (`token issue --region`). A village's token, this server's own, or an unknown or revoked one is refused.
struct RegionAuthenticator<Store: CountyStore>: Sendable {
    let store: Store

    func region(_ request: Request) async throws -> TokenHolder {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let holder = try await store.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
            holder.village.count == 6, holder.village != (try await store.settings()).county
        else {
            throw Refusal(
                .unauthorized, "unauthorized",
                Localized(
                    zh: "需要下级区划的令牌（sync-server token issue --region）",
                    en: "a token of a region below is required (sync-server token issue --region)"))
        }
        return holder
    }
}
