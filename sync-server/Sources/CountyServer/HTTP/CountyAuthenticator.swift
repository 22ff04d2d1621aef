import Foundation
import Hummingbird
import RegistryCore

/// The county officer's endpoints need a county token: as a bearer token, or for a browser as the password of
/// HTTP Basic authentication.
struct CountyAuthenticator<Store: CountyStore>: Sendable {
    let store: Store

    /// Refuses a request without a county token: with a Basic challenge for a browser (`challenge`), else with
    /// the JSON error every API answer uses (URLSession clients stall on an unanswered challenge).
    /// Returns who asked: the token's id and, from a browser, the name the officer typed as the user name (the
    /// token is the password), for the log of who unmasked what.
    @discardableResult
    func require(_ request: Request, challenge: Bool) async throws -> CountyCaller {
        var token: String?
        var name = ""
        if let header = request.headers[.authorization] {
            if header.hasPrefix("Bearer ") {
                token = String(header.dropFirst(7))
            } else if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
                let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            {
                token = String(pair[pair.index(after: colon)...])
                name = String(pair[..<colon])
            }
        }
        // This server's own token only: at a city, a county's token (it pushes up under it) is 6 digits too, and must
        // not open the city's pages.
        guard let token, let holder = try await store.authenticate(token.trimmingCharacters(in: .whitespaces)),
            holder.village.count == 6, holder.village == (try await store.settings()).county
        else {
            if challenge { throw BasicChallenge() }
            throw Refusal(.unauthorized, "unauthorized", Localized(zh: "需要县级令牌", en: "a county token is required"))
        }
        return CountyCaller(tokenID: holder.tokenID, name: String(name.prefix(64)))
    }
}

/// Who made a county request: the token's id, and the user name a browser sent with it (may be empty).
struct CountyCaller: Sendable {
    let tokenID: String
    let name: String
}

/// 401 with a Basic challenge, so that a browser asks the county officer for the token.
struct BasicChallenge: HTTPResponseError {
    var status: HTTPResponse.Status { .unauthorized }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .unauthorized,
            headers: [
                .wwwAuthenticate: "Basic realm=\"county\", charset=\"UTF-8\"",
                .contentType: "text/plain; charset=utf-8",
            ],
            body: .init(byteBuffer: ByteBuffer(string: "需要县级令牌 / a county token is required\n")))
    }
}
