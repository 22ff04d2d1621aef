import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// Moving a county between stores with `sync-server copy`, while its villages keep syncing. Needs PostgreSQL
/// (scripts/test.sh runs the server tests a second time with one).
@Suite("sync-server copy between SQLite and PostgreSQL", .serialized, .enabled(if: TestStore.isPostgres))
struct StoreCopyTests {
    @Test(
        "sync on SQLite, copy to PostgreSQL, serve from there, sync again, copy back: nothing lost or doubled, no village notices"
    )
    func moveAndBack() async throws {
        let county = try ServerHarness(sqlite: true)
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        try county.write(
            "leads.csv", "village,name,id_number,deadline,reason\n110105001002,周八,\(residentID(7)),2022-07-09,协查\n")
        try county.command(["leads", "import", county.path("leads.csv")])
        let a = try makeVillage(county, code: "110105001001")
        let b = try makeVillage(county, code: "110105001002")
        try intake(a, name: "张三", id: residentID(1))
        try intake(a, name: "李四", id: residentID(2))
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        county.stop()

        // The move: into a new PostgreSQL database; a second copy into it is refused.
        let postgres = try TestStore.newDatabase(in: county.dir)
        let copied = try county.command(["copy", "--from", county.db, "--to", postgres, "--lang", "en"])
        #expect(copied.contains("counts checked"), "\(copied)")
        #expect { try county.command(["copy", "--from", county.db, "--to", postgres]) } throws: {
            "\($0)".contains("目标数据库不是空的")
        }
        for table in SyncedTables.names + ["change_log", "site_cursor", "token", "report_receipt", "setting"] {
            #expect(
                try count(county.db, "SELECT count(*) FROM \(table)")
                    == count(postgres, "SELECT count(*) FROM \(table)"), "\(table)")
        }

        // The same address, now served from PostgreSQL: the villages sync on as if nothing happened.
        let moved = ServerHarness(sharing: county, db: postgres)
        try moved.start(port: county.port)
        try intake(a, name: "王五", id: residentID(3))
        let pulledBefore = try await b.writer.read { try SyncState.load($0).pullCursor }
        let reportA = try await SyncSession(registry: a, transport: moved.transport(tokenA)).run()
        let reportB = try await SyncSession(registry: b, transport: moved.transport(tokenB)).run()
        #expect(reportA.rejected == 0 && reportB.rejected == 0)
        #expect(reportB.pulled == 0, "B's cursor still means what it meant: nothing to pull again")
        #expect(try await b.writer.read { try SyncState.load($0).pullCursor } == pulledBefore)
        #expect(try count(postgres, "SELECT count(*) FROM person") == 3)
        #expect(
            try count(
                postgres,
                "SELECT count(*) FROM (SELECT 1 FROM change_log WHERE origin_seq IS NOT NULL GROUP BY origin, origin_seq HAVING count(*) > 1) AS d"
            ) == 0)
        // New log entries continue after the copied ones.
        let copiedLog = try count(county.db, "SELECT count(*) FROM change_log")
        let newest: Int64 = try rows(county.db, "SELECT max(seq) AS s FROM change_log")[0]["s"]
        #expect(
            try count(postgres, "SELECT count(*) FROM change_log WHERE seq > \(newest)") == count(
                postgres, "SELECT count(*) FROM change_log") - copiedLog)
        #expect(try count(postgres, "SELECT count(*) FROM change_log") > copiedLog)
        // B's lead is still B's, and the merge run on PostgreSQL sees all three people.
        let summary = try moved.command(["merge", "--format", "json"])
        #expect(summary.contains("\"villages_expected\" : 2"), "\(summary.prefix(400))")
        moved.stop()

        // And back into a new SQLite file.
        let back = county.path("back.sqlite")
        _ = try county.command(["copy", "--from", postgres, "--to", back])
        for table in SyncedTables.names + ["change_log", "site_cursor", "token", "report_receipt"] {
            #expect(
                try count(postgres, "SELECT count(*) FROM \(table)") == count(back, "SELECT count(*) FROM \(table)"),
                "\(table)")
        }
        #expect(
            try rows(back, "SELECT max(seq) AS s FROM change_log")[0]["s"] as Int64 == rows(
                postgres, "SELECT max(seq) AS s FROM change_log")[0]["s"] as Int64)
    }

    /// PostgreSQL's own bookkeeping is left out: its migrations and the replicas servers share (`ReplicaSnapshot`).
    @Test("both stores hold the same tables and columns, with the same nullability")
    func sameSchema() throws {
        let county = try ServerHarness()
        let sqlite = try ServerHarness(sqlite: true)
        var sqliteColumns: [String] = []
        for table in try rows(
            sqlite.db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name"
        ) {
            let name: String = table["name"]
            for column in try rows(sqlite.db, "SELECT name, \"notnull\" AS nn, pk FROM pragma_table_info('\(name)')") {
                let notNull = (column["nn"] as Int) == 1 || (column["pk"] as Int) > 0
                sqliteColumns.append("\(name).\(column["name"] as String) \(notNull ? "NOT NULL" : "NULL")")
            }
        }
        let postgresColumns = try rows(
            county.db,
            """
            SELECT table_name || '.' || column_name || ' ' || CASE is_nullable WHEN 'NO' THEN 'NOT NULL' ELSE 'NULL' END AS c
            FROM information_schema.columns WHERE table_schema = 'public'
            AND table_name NOT IN ('schema_migration', 'replica_snapshot', 'replica_snapshot_part')
            """
        ).map { $0["c"] as String }
        #expect(
            Set(postgresColumns) == Set(sqliteColumns),
            "only in PostgreSQL: \(Set(postgresColumns).subtracting(sqliteColumns).sorted()); only in SQLite: \(Set(sqliteColumns).subtracting(postgresColumns).sorted())"
        )
    }
}
