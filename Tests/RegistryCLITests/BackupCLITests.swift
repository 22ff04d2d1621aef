import Foundation
import GRDB
import RegistryCore
import Testing

/// `registry backup -o FILE`, taken while an import is writing, as a clerk would run it at the end of a day.
@Suite("registry backup")
struct BackupCLITests {
    @Test(
        "a copy taken during an import is whole (every person with their log entries), opens as a registry, and is never overwritten"
    )
    func backupWhileWriting() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        var text = "姓名,身份证号,来源地代码,离开日期,到达日期\r\n"
        for i in 0..<6_000 { text += "人员\(i),\(residentID(i)),420102,2022-07-01,2022-07-02\r\n" }
        let dir = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
        let file = dir.appendingPathComponent("arrivals.csv").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        // The import runs as its own process; the backup is taken while it writes.
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: CLI.binary)
        importer.arguments = ["import", file, "--db", cli.db]
        importer.environment = ProcessInfo.processInfo.environment.merging(["REGISTRY_NOW": "2022-07-10 09:00"]) { $1 }
        importer.standardOutput = FileHandle.nullDevice
        try importer.run()
        Thread.sleep(forTimeInterval: 0.3)
        let backup = dir.appendingPathComponent("备份.sqlite").path
        let taken = try cli.run(["backup", "-o", backup])
        importer.waitUntilExit()
        #expect(taken.status == 0 && taken.out.hasPrefix("已备份到 "), "\(taken.err)")
        #expect(importer.terminationStatus == 0)

        // The copy is one moment of the registry: each person it holds has the log entry that recorded them.
        let copy = try DatabaseQueue(path: backup)
        let (persons, logged, check) = try copy.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM person")!,
                try Int.fetchOne(db, sql: "SELECT count(DISTINCT pk) FROM change_log WHERE tbl = 'person'")!,
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        try copy.close()
        #expect(check == "ok" && persons == logged && persons <= 6_000)
        let attributes = try FileManager.default.attributesOfItem(atPath: backup)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try CLI(db: backup).run(["list"]).status == 0)

        // A second backup to the same name is refused; the first is untouched.
        let again = try cli.run(["backup", "-o", backup])
        #expect(again.status != 0 && again.err.contains("已存在"))
        #expect(
            try DatabaseQueue(path: backup).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person") } == persons
        )
    }
}
