import HTTPTypes
import Hummingbird
import RegistryCore
import RegistrySync

/// Refuses a client too old for this server's schema on the sync and relay endpoints (426, saying which version to
/// install). A client declares its version in `X-Registry-Version`; one that sends none (a script, curl, a fuzzer) is
/// held to the same checks of every value as any other, so it is let through.
struct ClientVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    static var guarded: [String] { ["/v1/sync/", "/v1/relay/"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard Self.guarded.contains(where: { path.hasPrefix($0) }), let name = HTTPField.Name(Wire.versionHeader),
            let version = request.headers[name]
        else {
            return try await next(request, context)
        }
        guard RegistryVersion.isAtLeast(version, RegistryVersion.minimumClient) != true else {
            return try await next(request, context)
        }
        let minimum = RegistryVersion.minimumClient
        return try Refusal(
            .upgradeRequired, "client_too_old",
            Localized(
                zh:
                    "本机 registry 版本 \(version.prefix(20)) 过旧，县服务器需要 \(minimum) 或更新版本：请安装 registry \(minimum) 或更新版本后再同步（已登记的数据不受影响）",
                en:
                    "registry \(version.prefix(20)) is too old for this server: install registry \(minimum) or later, then sync (nothing is lost)"
            )
        ).response()
    }
}
