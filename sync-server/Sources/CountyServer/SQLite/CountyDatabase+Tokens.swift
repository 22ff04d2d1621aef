import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// Bearer tokens for villages: random, shown once, stored as SHA-256 hashes, revocable.
extension CountyDatabase {
    /// Issues a token for a village on the roster; returns the token text (the only time it exists in clear).
    /// A 6-digit code (the county's own) issues a county token: it reads the summary and the dashboard, and
    /// cannot sync.
    public func issueToken(village code: String) throws -> String {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        let token = TokenRules.newToken()
        try writer.write { db in
            let settings = try CountyDatabase.settings(db)
            let regions = settings.level == .county ? [] : Set(try String.fetchAll(db, sql: "SELECT code FROM region"))
            try TokenRules.checkHolder(village, settings: settings, regions: regions)
            try db.execute(
                sql: "INSERT INTO token (id, village, hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    UUID().uuidString.lowercased(), village, TokenRules.hash(token), clock.isoText(clock.now()),
                ])
        }
        return token
    }

    /// Revokes every token of a village (or only the one given); returns how many were revoked.
    public func revokeTokens(village code: String, token: String?) throws -> Int {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        return try writer.write { db in
            var sql = "UPDATE token SET revoked_at = ? WHERE village = ? AND revoked_at IS NULL"
            var arguments: StatementArguments = [clock.isoText(clock.now()), village]
            if let token {
                sql += " AND hash = ?"
                arguments += [TokenRules.hash(token)]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// The tokens, without their secrets: village, its roster name, issued, revoked, id, last push.
    public func tokens() throws -> [TokenLine] {
        try writer.read { db in
            try Row.fetchAll(db, sql: TokenLine.sql).map {
                TokenLine(
                    village: $0["village"], name: $0["name"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"],
                    id: $0["id"], lastUsed: $0["last_used"])
            }
        }
    }

    /// Who a token belongs to, if it is known and not revoked. Async: every request asks, and a blocking read
    /// would hold one of the few threads that serve all connections.
    public func authenticate(_ token: String) async throws -> TokenHolder? {
        // A read of the local file: no round trip to save, so no cache (a PostgreSQL county has one, `TokenCache`).
        try await writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT village, id FROM token WHERE hash = ? AND revoked_at IS NULL",
                arguments: [TokenRules.hash(token)]
            ).map { TokenHolder(village: $0["village"], tokenID: $0["id"]) }
        }
    }

    public func carriedKeys(village: String) async throws -> [CarriedKey] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, hash, revoked_at FROM token WHERE village = ? ORDER BY created_at DESC",
                arguments: [village]
            ).compactMap {
                CarriedKey(hash: $0["hash"], tokenID: $0["id"], revoked: $0["revoked_at"] as String? != nil)
            }
        }
    }

    /// The roster name of `village`, if it is on the roster.
    public func villageName(_ village: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT name FROM village WHERE code = ? AND deleted = 0", arguments: [village])
        }
    }

}
