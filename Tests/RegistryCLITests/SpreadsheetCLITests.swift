import Foundation
import Testing

/// Files that go through Excel (issue 17), through the built binary. The round trips through LibreOffice and
/// openpyxl are in Tests/spreadsheets (they need those programs).
@Suite("files that survive a spreadsheet", .serialized)
struct SpreadsheetCLITests {
    @Test(
        "the CSV export writes id numbers and phones as text cells, and imports back into an empty registry as it was")
    func exportImportsBack() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "东村"]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "张三", "--id-number", "420102199003071232", "--phone", "13800138000", "--from",
                "武汉市江岸区",
                "--departed", "2022-07-05", "--arrived", "2022-07-06",
            ]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "李四", "--id-number", "32010219751201003X", "--from", "上海市浦东新区",
                "--departed", "2022-07-04", "--arrived", "2022-07-06", "--category", "密接",
            ]).status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv").path
        #expect(try cli.run(["export", "-o", file]).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(
            text.contains("\"=\"\"420102199003071232\"\"\"") && text.contains("\"=\"\"13800138000\"\"\"")
                && text.contains("\"=\"\"32010219751201003X\"\"\""))

        let copy = CLI(db: CLI.temporaryDatabase())
        #expect(try copy.run(["init", "--village", "110105001001", "--name", "东村"]).status == 0)
        let imported = try copy.run(["import", file])
        #expect(imported.status == 0 && imported.out.contains("新增 2"), "\(imported.err)")
        let shown = try copy.run(["show", "32010219751201003X", "--format", "json"]).out
        #expect(shown.contains("\"category\" : \"close_contact\""), "an override (密接) comes back as such")
        #expect(
            try copy.run(["show", "420102199003071232", "--format", "json"]).out.contains("\"phone\" : \"13800138000\"")
        )
        // The same file again adds nothing.
        #expect(try copy.run(["import", file]).out.contains("新增 0，已存在 2"))
    }
}

@Suite("masked sharing", .serialized)
struct MaskCLITests {
    @Test("--mask on list, show, export and report: 张*, 420102********1232, 138****8000; nothing else leaks the number")
    func masked() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "东村"]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "欧阳娜娜", "--id-number", "420102199003071232", "--phone", "13800138000", "--from",
                "420102",
                "--departed", "2022-07-05", "--arrived", "2022-07-06", "--address", "一组3号",
            ]).status == 0)
        #expect(try cli.run(["report", "submit", "--reporter", "王会计"]).status == 0)
        let outputs = [
            try cli.run(["list", "--mask"]).out, try cli.run(["list", "--mask", "--format", "json"]).out,
            try cli.run(["show", "420102199003071232", "--mask"]).out,
            try cli.run(["show", "420102199003071232", "--mask", "--format", "json"]).out,
            try cli.run(["export", "--mask"]).out, try cli.run(["list", "--by-household", "--mask"]).out,
        ]
        for out in outputs {
            #expect(out.contains("欧**娜") && out.contains("420102********1232"), "\(out)")
            #expect(
                !out.contains("420102199003071232") && !out.contains("13800138000") && !out.contains("欧阳娜娜")
                    && !out.contains("一组3号")
                    && !out.contains("1990-03-07"), "\(out)")
        }
        #expect(outputs[0].contains("138****8000"))
        let report = try cli.run(["report", "--mask"]).out
        #expect(report.contains("王*") && !report.contains("王会计"))
        #expect(try cli.run(["list"]).out.contains("420102199003071232"), "unmasked without the flag")
    }
}

@Suite("pinyin search", .serialized)
struct PinyinCLITests {
    @Test("list --search zw / zhangwei / wei finds 张伟, not 王五; a Chinese name and an id number still work")
    func pinyin() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "东村"]).status == 0)
        for (name, id) in [("张伟", "420102199003071232"), ("王五", "110101199001011237")] {
            #expect(
                try cli.run([
                    "intake", "--name", name, "--id-number", id, "--from", "420102", "--departed", "2022-07-05",
                    "--arrived", "2022-07-06",
                ]).status == 0)
        }
        for query in ["zw", "zhangwei", "ZhangWei", "zhang wei", "wei"] {
            let out = try cli.run(["list", "--search", query]).out
            #expect(out.contains("张伟") && !out.contains("王五") && out.contains("共 1 人"), "\(query): \(out)")
        }
        #expect(try cli.run(["list", "--search", "ww"]).out.contains("王五"))
        #expect(try cli.run(["list", "--search", "xyz"]).out.contains("共 0 人"))
        #expect(try cli.run(["list", "--search", "张"]).out.contains("张伟"))
        #expect(
            try cli.run(["show", "zhangwei"]).out.contains("420102199003071232"),
            "a command naming one person takes pinyin too")
    }
}
