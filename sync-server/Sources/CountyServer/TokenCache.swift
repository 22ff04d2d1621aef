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
    private let entries = NIOLockedValueBox([String: (holder: CountyDatabase.TokenHolder, until: Date)]())
    private let on = NIOLockedValueBox(false)

    var enabled: Bool { on.withLockedValue { $0 } }

    /// Starts or stops using the cache; either way it starts empty.
    func setEnabled(_ value: Bool) {
        entries.withLockedValue { entries in
            entries.removeAll()
            on.withLockedValue { $0 = value }
        }
    }

    func clear() { entries.withLockedValue { $0.removeAll() } }

    /// The holder of the token of hash `hash` if it was seen less than `lifetime` ago.
    func holder(_ hash: String, now: Date = Date()) -> CountyDatabase.TokenHolder? {
        entries.withLockedValue { entries in
            guard let entry = entries[hash] else { return nil }
            if entry.until <= now {
                entries[hash] = nil
                return nil
            }
            return entry.holder
        }
    }

    func keep(_ hash: String, _ holder: CountyDatabase.TokenHolder, now: Date = Date()) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries = entries.filter { $0.value.until > now } }
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[hash] = (holder, now.addingTimeInterval(Self.lifetime))
        }
    }

    /// The holder from the cache when in use, else from `lookUp` (kept when known and the cache is in use).
    func holder(
        token: String, lookUp: (String) async throws -> CountyDatabase.TokenHolder?
    ) async throws -> CountyDatabase.TokenHolder? {
        let hash = CountyDatabase.hash(token)
        guard enabled else { return try await lookUp(hash) }
        if let known = holder(hash) { return known }
        guard let found = try await lookUp(hash) else { return nil }
        // A revocation that arrived during the lookup emptied the cache; what was read before it is not kept.
        if enabled { keep(hash, found) }
        return found
    }
}
