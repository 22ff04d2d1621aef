import Hummingbird
import RegistryCore

/// Adds the headers that keep a browser from running anything a page did not mean to run, on every answer (errors
/// included): no script at all (the pages need none), no framing (click-jacking), no guessing of content types.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for header in PageSecurity.headers(referrerPolicy: "no-referrer") {
            response.headers[.init(header.name)!] = header.value
        }
        return response
    }
}
