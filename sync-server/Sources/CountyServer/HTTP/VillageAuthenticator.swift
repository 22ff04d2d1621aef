import Hummingbird
import RegistryCore

/// Who a sync request comes from: the village of its bearer token.
struct VillageAuthenticator<Store: CountyStore>: Sendable {
    let store: Store

    /// The holder of the request's bearer token; a token in the URL, a missing, unknown or revoked one, or a county
    /// token (it reads summaries; it does not sync) is refused (401) without saying which.
    func holder(_ request: Request) async throws -> TokenHolder {
        if request.uri.queryParameters.get("token") != nil || request.uri.queryParameters.get("access_token") != nil {
            throw Refusal(
                .unauthorized, "token_in_url",
                Localized(
                    zh: "令牌必须放在 Authorization 请求头中，不能写在网址里",
                    en: "send the token in the Authorization header, never in the URL"))
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let holder = try await store.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
            holder.village.count == 12
        else {
            throw Refusal(
                .unauthorized, "unauthorized", Localized(zh: "令牌无效或已吊销", en: "the token is not valid or was revoked"))
        }
        return holder
    }
}
