import Hummingbird

/// Adds the headers that keep a browser from running anything a page did not mean to run, on every answer (errors
/// included): no script at all (the pages need none), no framing (click-jacking), no guessing of content types.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Inline styles only: the pages carry their CSS in a `<style>` element and their chart as inline SVG.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
