import GRDB

/// The registry's schema history. The SQL lives in schema/migrations (compiled in); this list only names the
/// migrations in order. Append-only: a released migration is never edited.
public enum Migrations {
    static let all: [(name: String, sql: [UInt8])] = [
        ("v1", PackageResources.registry_v1_sql),
        ("v2", PackageResources.registry_v2_sql),
        ("v3", PackageResources.registry_v3_sql),
        ("v4", PackageResources.registry_v4_sql),
        ("v5", PackageResources.registry_v5_sql),
    ]

    /// The registry's migrator; the county server runs it too (its data tables and change log are the same).
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            let sql = String(decoding: migration.sql, as: UTF8.self)
            migrator.registerMigration(migration.name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}
