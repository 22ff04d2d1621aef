import Foundation
import Logging
import PostgresNIO
import RegistryCore

/// The PostgreSQL store's migrations: append-only SQL files under schema/postgres, applied in order, each once,
/// recorded in `schema_migration`. A database that has a migration this build does not know was made by a newer
/// server, and is refused (the same rule as SQLite's `migrateRefusingNewer`).
enum PostgresSchema {
    /// The migrations, in order: name and SQL.
    static let migrations: [(name: String, sql: String)] = [
        ("county-pg-v1", String(decoding: PackageResources.county_pg_v1_sql, as: UTF8.self)),
        ("county-pg-v2", String(decoding: PackageResources.county_pg_v2_sql, as: UTF8.self)),
        ("county-pg-v3", String(decoding: PackageResources.county_pg_v3_sql, as: UTF8.self)),
        ("county-pg-v4", String(decoding: PackageResources.county_pg_v4_sql, as: UTF8.self)),
        ("county-pg-v5", String(decoding: PackageResources.county_pg_v5_sql, as: UTF8.self)),
        ("county-pg-v6", String(decoding: PackageResources.county_pg_v6_sql, as: UTF8.self)),
        ("county-pg-v7", String(decoding: PackageResources.county_pg_v7_sql, as: UTF8.self)),
        ("county-pg-v8", String(decoding: PackageResources.county_pg_v8_sql, as: UTF8.self)),
        ("county-pg-v9", String(decoding: PackageResources.county_pg_v9_sql, as: UTF8.self)),
        ("county-pg-v10", String(decoding: PackageResources.county_pg_v10_sql, as: UTF8.self)),
        ("county-pg-v11", String(decoding: PackageResources.county_pg_v11_sql, as: UTF8.self)),
    ]

    /// Advisory lock keys (any constants, fixed forever): the migration lock, and the change-log lock every writer of
    /// the log holds until it commits (see `PostgresStore+Sync.swift`).
    static let migrationLock: Int64 = 0x636F_756E_7479_0001
    static let logLock: Int64 = 0x636F_756E_7479_0002

    /// The statements of a migration file, one by one (the extended query protocol takes one at a time): comment
    /// lines dropped, split at each `;` that ends a line.
    static func statements(_ sql: String) -> [String] {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--")
        }
        return lines.joined(separator: "\n").components(separatedBy: ";\n")
            .map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(
                    in: CharacterSet(charactersIn: ";"))
            }
            .filter { !$0.isEmpty }
    }

    /// Runs `body` in a transaction, an error thrown inside coming out as itself.
    static func transaction(_ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> Void)
        async throws
    {
        do {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    /// Brings the database up to this build's schema; two servers starting at once take turns.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await transaction(client, logger: logger) { connection in
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(migrationLock))"), logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            let known = Set(migrations.map(\.name))
            if let newer = applied.subtracting(known).sorted().first {
                throw RegistryError(
                    nil, zh: "数据库的结构比本程序新（\(newer)），请升级 sync-server",
                    en: "the database's schema is newer than this sync-server (\(newer)); upgrade sync-server")
            }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in statements(migration.sql) {
                    try await connection.query(.sql(statement), logger: logger)
                }
                var binds = PostgresBindings()
                binds.append(migration.name)
                try await connection.query(
                    .sql("INSERT INTO schema_migration (name) VALUES ($1)", binds), logger: logger)
            }
        }
    }
}
