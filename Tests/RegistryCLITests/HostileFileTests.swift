import Foundation
import GRDB
import Testing

/// What the security review found on the village side (issue 21), through the built binary: text that could take
/// over a terminal, fields too long to ever sync, files of personal data left readable or overwritten, and a
/// registry that a newer version has already migrated.
@Suite("registry against hostile files and text", .serialized)
struct HostileFileTests {
    func setUp() throws -> CLI {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        #expect(try cli.run(intakeArgs).status == 0)
        return cli
    }

    @Test("a name holding an ESC sequence (written by an older version) reaches the terminal without it")
    func controlCharactersNeverReachTheTerminal() throws {
        let cli = try setUp()
        try DatabaseQueue(path: cli.db).write { db in
            try db.execute(
                sql: "UPDATE person SET name = ?, address = ?",
                arguments: ["张\u{1B}[2J\u{1B}]0;owned\u{07}三", "一组\u{202E}txt.exe"])
        }
        for arguments in [["list"], ["show", "420102199003071232"], ["list", "--format", "csv"], ["today"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            #expect(
                !result.out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E },
                "\(arguments)")
        }
        #expect(try cli.run(["list"]).out.contains("张[2J]0;owned三"))
    }

    @Test("a field over its length limit is refused when written, by intake and by import, and nothing is written")
    func overlongFields() throws {
        let cli = try setUp()
        let before = try cli.contents()
        let intake = try cli.run([
            "intake", "--name", String(repeating: "长", count: 65), "--id-number", "11010519491231002X",
            "--from", "420102", "--departed", "2022-07-01", "--arrived", "2022-07-02",
        ])
        #expect(intake.status == 1 && intake.err.contains("姓名：超过 64 个字"), "\(intake.err)")
        let dir = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
        let file = dir.appendingPathComponent("huge.csv").path
        try
            ("姓名,身份证号,来源地代码,离开日期,到达日期\r\n" + String(repeating: "名", count: 1_000_000)
            + ",11010519491231002X,420102,2022-07-01,2022-07-02\r\n").write(
                toFile: file, atomically: true, encoding: .utf8)
        let imported = try cli.run(["import", file])
        #expect(imported.status == 1 && imported.err.contains("第 2 行：姓名：超过 64 个字"), "\(imported.err.prefix(200))")
        #expect(try cli.contents() == before)
    }

    @Test("an export is readable by its owner only, never overwrites a file without --force, and guards formulas")
    func exportFiles() throws {
        let cli = try setUp()
        #expect(
            try cli.run(["correct", "420102199003071232", "--address", "=HYPERLINK(\"http://x\",\"点我\")"]).status == 0)
        let out = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("台账.csv").path
        #expect(try cli.run(["export", "-o", out]).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"'=HYPERLINK(") && !text.contains(",=HYPERLINK"))
        try "老文件".write(toFile: out, atomically: true, encoding: .utf8)
        let again = try cli.run(["export", "-o", out])
        #expect(again.status == 1 && again.err.contains("--force"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "老文件")
        #expect(try cli.run(["export", "-o", out, "--force"]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("420102199003071232"))
    }

    @Test("a registry migrated by a newer version is refused with what to install, and left as it was")
    func newerSchema() throws {
        let cli = try setUp()
        try DatabaseQueue(path: cli.db).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        let before = try cli.contents()
        for arguments in [["list"], intakeArgs, ["today"]] {
            let result = try cli.run(arguments)
            #expect(
                result.status == 1 && result.err.contains("更新版本的 registry") && result.err.contains("v99"),
                "\(result.err)")
        }
        #expect(try cli.run(["list", "--lang", "en"]).err.contains("Install a registry that knows v99"))
        #expect(try cli.contents() == before)
    }
}
