import Crypto
import Foundation
import GRDB
import RegistryCore

/// Bearer tokens for villages: random, shown once, stored as SHA-256 hashes, revocable.
extension CountyDatabase {
    /// Issues a token for a village on the roster; returns the token text (the only time it exists in clear).
    /// A 6-digit code (the county's own) issues a county token: it reads the summary and the dashboard, and
    /// cannot sync.
    public func issueToken(village code: String) throws -> String {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        let token = Self.newToken()
        try writer.write { db in
            let settings = try CountyDatabase.settings(db)
            let regions = settings.level == .county ? [] : Set(try String.fetchAll(db, sql: "SELECT code FROM region"))
            try Self.checkTokenHolder(village, settings: settings, regions: regions)
            try db.execute(
                sql: "INSERT INTO token (id, village, hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [UUID().uuidString.lowercased(), village, Self.hash(token), clock.isoText(clock.now())])
        }
        return token
    }

    /// Whom a server may issue a token to. A county: its villages, and itself (the officer's token). A city or a
    /// province: the regions of its roster (their servers push up under it), and itself; never a village, whose
    /// county holds its roster and its tokens.
    static func checkTokenHolder(_ code: String, settings: Settings, regions: Set<String>) throws {
        if settings.level == .county {
            guard code.hasPrefix(settings.county) else {
                throw RegistryError(
                    .village, zh: "\(code) 不属于本县 \(settings.county)", en: "\(code) is not in county \(settings.county)")
            }
        } else if code.count == 12 {
            throw RegistryError(.village, zh: "村令牌只能由县级服务器签发", en: "only a county server issues village tokens")
        } else if code != settings.county, !regions.contains(code) {
            throw RegistryError(
                .code, zh: "\(code) 不在本级名册中：先用 sync-server regions import 导入",
                en: "\(code) is not on this server's roster: import it with sync-server regions import")
        }
    }

    /// Revokes every token of a village (or only the one given); returns how many were revoked.
    public func revokeTokens(village code: String, token: String?) throws -> Int {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        return try writer.write { db in
            var sql = "UPDATE token SET revoked_at = ? WHERE village = ? AND revoked_at IS NULL"
            var arguments: StatementArguments = [clock.isoText(clock.now()), village]
            if let token {
                sql += " AND hash = ?"
                arguments += [Self.hash(token)]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// A token as listed, without its secret.
    public struct TokenLine: Sendable, Equatable {
        public var village: String
        /// The village's roster name.
        public var name: String?
        public var createdAt: String
        public var revokedAt: String?
        /// The token's id (not its secret): two tokens of one village are told apart by it.
        public var id: String = ""
        /// When a push under it last reached this server; nil when never.
        public var lastUsed: String? = nil

        public init(
            village: String, name: String?, createdAt: String, revokedAt: String?, id: String = "",
            lastUsed: String? = nil
        ) {
            self.village = village
            self.name = name
            self.createdAt = createdAt
            self.revokedAt = revokedAt
            self.id = id
            self.lastUsed = lastUsed
        }

        /// The statement both stores list tokens with.
        static let sql = """
            SELECT t.village, COALESCE(v.name, r.name) AS name, t.created_at, t.revoked_at, t.id,
              (SELECT max(c.updated_at) FROM site_cursor c WHERE c.token_id = t.id) AS last_used FROM token t
            LEFT JOIN village v ON v.code = t.village AND v.deleted = 0 LEFT JOIN region r ON r.code = t.village
            ORDER BY t.village, t.created_at
            """
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

    /// Who holds a token: its village (or the county's code) and the token's own id.
    public struct TokenHolder: Sendable, Equatable {
        public let village: String
        public let tokenID: String
    }

    /// Who a token belongs to, if it is known and not revoked. Async: every request asks, and a blocking read
    /// would hold one of the few threads that serve all connections.
    public func authenticate(_ token: String) async throws -> TokenHolder? {
        // A read of the local file: no round trip to save, so no cache (a PostgreSQL county has one, `TokenCache`).
        try await writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT village, id FROM token WHERE hash = ? AND revoked_at IS NULL",
                arguments: [Self.hash(token)]
            ).map { TokenHolder(village: $0["village"], tokenID: $0["id"]) }
        }
    }

    /// The roster name of `village`, if it is on the roster.
    public func villageName(_ village: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT name FROM village WHERE code = ? AND deleted = 0", arguments: [village])
        }
    }

    /// A new token: 256 random bits as 64 hex digits.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded16 }.joined()
    }

    static func hash(_ token: String) -> String { token.sha256Hex }
}

extension String {
    var leftPadded16: String { String(repeating: "0", count: max(0, 16 - count)) + self }
    var leftPadded2: String { count >= 2 ? self : "0" + self }
    /// The SHA-256 of the text's UTF-8 bytes, as 64 hex digits.
    var sha256Hex: String { SHA256.hash(data: Data(utf8)).map { String($0, radix: 16).leftPadded2 }.joined() }
}
