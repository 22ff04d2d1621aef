import Foundation
import NIOConcurrencyHelpers

/// Who recently seen tokens belong to, for a few seconds, so that a sync or a page request on a PostgreSQL county
/// does not cost a database round trip to check its token. Keyed by the token's hash (the secret is never held).
/// Only known tokens are kept: an unknown one is looked up every time and cannot fill memory.
///
/// In use only while `enabled`: the PostgreSQL store enables it while it listens for revocations (`NOTIFY` from any
/// process that revokes, the CLI beside a running server included), and empties it on each one, so that a revoked
/// token is refused at once, not after a delay. Without a listener every check asks the database.
final class TokenCache: Sendable {
    static let lifetime: TimeInterval = 30
    static let capacity = 10_000

    /// Everything under one lock. `generation` counts the times the cache was emptied, so that a holder read from the
    /// database before a revocation is not kept after it.
    private struct State {
        var entries: [String: (holder: TokenHolder, until: Date)] = [:]
        var enabled = false
        var generation = 0
    }
    private let state = NIOLockedValueBox(State())

    var enabled: Bool { state.withLockedValue { $0.enabled } }

    /// Starts or stops using the cache; either way it starts empty.
    func setEnabled(_ value: Bool) {
        state.withLockedValue { state in
            state.entries.removeAll()
            state.enabled = value
            state.generation += 1
        }
    }

    func clear() {
        state.withLockedValue { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }

    /// The holder of the token of hash `hash` if it was seen less than `lifetime` ago.
    func holder(_ hash: String, now: Date = Date()) -> TokenHolder? {
        state.withLockedValue { state in
            guard let entry = state.entries[hash] else { return nil }
            if entry.until <= now {
                state.entries[hash] = nil
                return nil
            }
            return entry.holder
        }
    }

    /// The holder from the cache when in use, else from `lookUp` (kept when known and the cache is in use).
    func holder(
        token: String, lookUp: (String) async throws -> TokenHolder?
    ) async throws -> TokenHolder? {
        let hash = TokenRules.hash(token)
        let (enabled, generation) = state.withLockedValue { ($0.enabled, $0.generation) }
        guard enabled else { return try await lookUp(hash) }
        if let known = holder(hash) { return known }
        guard let found = try await lookUp(hash) else { return nil }
        keep(hash, found, readAt: generation)
        return found
    }

    /// Keeps `holder` unless the cache was emptied (a revocation, listening stopped) since it was read.
    private func keep(_ hash: String, _ holder: TokenHolder, readAt generation: Int, now: Date = Date()) {
        state.withLockedValue { state in
            guard state.enabled, state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries = state.entries.filter { $0.value.until > now } }
            if state.entries.count >= Self.capacity { state.entries.removeAll() }
            state.entries[hash] = (holder, now.addingTimeInterval(Self.lifetime))
        }
    }
}
