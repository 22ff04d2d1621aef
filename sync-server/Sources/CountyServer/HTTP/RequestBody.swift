import Foundation
import Hummingbird
import RegistryCore

/// A request's JSON body decoded as `T`, or a 400 `bad_request` saying `invalid`. The body's bytes (and their copy
/// for the decoder) are let go as this returns, not when the handler does: a push then waits for the writer holding
/// only its decoded changes, and the bytes were a third of what a waiting push held (`sync-bench load`).
func decodeBody<T: Decodable>(_ type: T.Type, of request: Request, upTo limit: Int, invalid: Localized)
    async throws -> T
{
    let buffer = try await request.body.collect(upTo: limit)
    do {
        return try JSONDecoder().decode(type, from: Data(buffer: buffer))
    } catch {
        throw Refusal(.badRequest, "bad_request", invalid)
    }
}
