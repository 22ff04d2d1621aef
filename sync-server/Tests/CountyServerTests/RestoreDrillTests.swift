import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// The county's IT officer's restore drill: back up while serving, lose the server, restore, `restored`, and the
/// villages' next syncs make the county whole again.
@Suite("Backup and restore drill", .serialized)
struct RestoreDrillTests {
    @Test(
        "backup while serving; the file lost; the backup restored and `restored` run; the villages resend what it missed: nothing lost"
    )
    func drill() async throws {
        let county = try ServerHarness(sqlite: true)
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        try intake(village, name: "欧阳娜娜", id: "420102199003071232")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()

        let backup = county.path("county-backup.sqlite")
        #expect(try county.command(["backup", "-o", backup]).hasPrefix("已备份到 "))
        #expect(try county.refusal(["backup", "-o", backup]).contains("never overwrites"))
        // After the backup: one more arrival reaches the county, then the server and its file are lost.
        try intake(village, name: "李四", id: "11010519491231002X")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        county.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: county.db + suffix) }

        try FileManager.default.copyItem(atPath: backup, toPath: county.db)
        #expect(try county.command(["restored"]).hasPrefix("已开始新纪元"))
        try county.start()
        let report = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(report.pushed > 0, "the village resends what the backup missed")
        let persons = try await DatabaseQueue(path: county.db).read { db in
            try String.fetchAll(db, sql: "SELECT id_number FROM person WHERE deleted = 0 ORDER BY id_number")
        }
        #expect(persons == ["11010519491231002X", "420102199003071232"])
        // Nothing doubled at the village either.
        #expect(try await village.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person") } == 2)
    }
}
