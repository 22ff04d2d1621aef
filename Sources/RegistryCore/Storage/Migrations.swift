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
        ("v6", PackageResources.registry_v6_sql),
        ("v7", PackageResources.registry_v7_sql),
        ("v8", PackageResources.registry_v8_sql),
        ("v9", PackageResources.registry_v9_sql),
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

extension DatabaseMigrator {
    /// Migrates `writer`, after refusing a database that a newer program has migrated further than this one knows:
    /// opening it would write rows without the columns the newer schema expects. `program` names what to upgrade.
    public func migrateRefusingNewer(_ writer: any DatabaseWriter, program: String) throws {
        let unknown = try writer.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(migrations)
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
        }
        if let newest = unknown.sorted().last {
            throw RegistryError(
                .file,
                zh:
                    "这个数据库已由更新版本的 \(program) 使用过（数据结构 \(newest)），本程序只认识到 \(migrations.last ?? "")。请安装能识别 \(newest) 的新版 \(program) 后再打开；本程序没有改动该文件",
                en:
                    "this database was used by a newer \(program) (schema \(newest)); this one knows up to \(migrations.last ?? ""). Install a \(program) that knows \(newest), then open it again; the file was not changed"
            )
        }
        try migrate(writer)
    }
}
