import Foundation
import RegistryCore
import Testing

@testable import CountyServer

/// A token check on a PostgreSQL county is answered from a short cache while the store listens for revocations; a
/// revocation from another process (the CLI beside a running server) empties it at once (issue 36).
@Suite("Token cache", .serialized)
struct TokenCacheTests {
    @Test("the cache answers only while enabled, keeps only known tokens, and starts empty each time it is enabled")
    func rules() async throws {
        let cache = TokenCache()
        let holder = TokenHolder(village: "110105001001", tokenID: "t1")
        var asked = 0
        let lookUp = { (_: String) async throws -> TokenHolder? in
            asked += 1
            return holder
        }
        _ = try await cache.holder(token: "secret", lookUp: lookUp)
        _ = try await cache.holder(token: "secret", lookUp: lookUp)
        #expect(asked == 2, "disabled: every check asks")
        cache.setEnabled(true)
        _ = try await cache.holder(token: "secret", lookUp: lookUp)
        #expect(try await cache.holder(token: "secret", lookUp: lookUp) == holder)
        #expect(asked == 3, "enabled: the second check is answered from the cache")
        #expect(try await cache.holder(token: "unknown") { _ in nil } == nil)
        #expect(cache.holder(TokenRules.hash("unknown")) == nil, "an unknown token is not kept")
        #expect(cache.holder(TokenRules.hash("secret"), now: Date().addingTimeInterval(TokenCache.lifetime)) == nil)
        cache.setEnabled(false)
        cache.setEnabled(true)
        #expect(cache.holder(TokenRules.hash("secret")) == nil, "re-enabled: empty")
    }

    @Test(
        "PostgreSQL: a second check costs no query; a revocation by another process is refused at once",
        .enabled(if: TestStore.isPostgres))
    func revokedElsewhere() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("token-cache-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try TestStore.newDatabase(in: dir)
        let clock = RegistryClock(now: { Date() })
        let server = try await PostgresStore.open(url: url, clock: clock, replicas: nil)
        _ = try await server.initialize(county: "110105", name: "朝阳区")
        let token = try await server.issueToken(village: "110105001001")
        #expect(try await server.authenticate(token)?.village == "110105001001")
        // The listener starts with the first check; the cache is in use once it listens.
        for _ in 0..<50 where !server.tokenCache.enabled { try await Task.sleep(for: .milliseconds(100)) }
        #expect(server.tokenCache.enabled, "the store listens for revocations")
        #expect(try await server.authenticate(token) != nil)
        #expect(server.tokenCache.holder(TokenRules.hash(token)) != nil, "answered from the cache")

        // Another process (here another store, as `sync-server token revoke` opens one) revokes it.
        let cli = try await PostgresStore.open(url: url, clock: clock, replicas: nil)
        #expect(try await cli.revokeTokens(village: "110105001001", token: token) == 1)
        await cli.close()
        var refused = false
        for _ in 0..<50 {
            if try await server.authenticate(token) == nil {
                refused = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(refused, "the revoked token is refused without waiting for the cache's lifetime")
        await server.close()
    }
}
