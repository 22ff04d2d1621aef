import Hummingbird
import Logging
import RegistryCore

/// Logs a request that failed with an error the server did not mean to answer with (a 500), with the path and the
/// error's type and text (never the body, which may hold personal data), then lets Hummingbird answer it.
struct ErrorLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error(
                "request failed",
                // One line each, whatever the path or the error quotes (an error may quote a pushed value).
                metadata: [
                    "path": .string(String(request.uri.path.oneLine.prefix(200))),
                    "error": .string(String(describing: error).oneLine),
                ])
            throw error
        }
    }
}
