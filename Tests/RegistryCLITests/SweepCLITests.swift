import Foundation
import RegistryCore
import Testing

/// The household register and door-to-door sweeps through the built `registry` binary, as a clerk types them
/// (issue 38): 不漏一户 as a figure.
@Suite("household register and sweeps, end to end", .serialized)
struct SweepCLITests {
    static let register = """
        住址,户主,户主身份证号,联系电话,人口,网格
        东关村一组1号,王建国,110105199003074579,13800138000,4,一组
        东关村一组2号,李秀英,,13900139000,3,一组
        东关村二组5号,张伟,,,2,二组
        东关村二组6号,刘洋,,,5,二组

        """

    func village(_ name: String = "register.csv", _ text: String = register, gb18030: Bool = true) throws -> (
        CLI, String
    ) {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "130109101201", "--name", "东关村"]).status == 0)
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent(name).path
        let data = gb18030 ? try Self.gb18030(text) : Data(text.utf8)
        try data.write(to: URL(fileURLWithPath: file))
        return (cli, file)
    }

    /// `text` in GB18030, as Excel on a Chinese Windows saves it (through the system's iconv).
    static func gb18030(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(data.count > text.utf8.count / 2 && !data.elementsEqual(Data(text.utf8)), "iconv wrote GB18030")
        return data
    }

    @Test("a register saved in GB18030 imports whole; a wrong digit refuses the file with the line and field named")
    func importRegister() throws {
        let (cli, file) = try village()
        let bad = file.replacingOccurrences(of: "register.csv", with: "bad.csv")
        try Self.register.replacingOccurrences(of: "110105199003074579", with: "110105199003074578")
            .replacingOccurrences(of: "13900139000", with: "1390013900").write(
                toFile: bad, atomically: true, encoding: .utf8)
        let before = try cli.contents()
        let refused = try cli.run(["households", "import", bad])
        #expect(refused.status != 0)
        #expect(refused.err.contains("第 2 行：户主身份证号：校验位不对") && refused.err.contains("第 3 行：手机号"), "\(refused.err)")
        #expect(try cli.contents() == before, "nothing written")
        let skipped = try cli.run(["households", "import", bad, "--skip-invalid"])
        #expect(skipped.status == 0 && skipped.out.contains("新增 2 户"), "\(skipped.out)")

        let imported = try cli.run(["households", "import", file])
        #expect(imported.status == 0 && imported.out.contains("新增 2 户，更新 0 户，未变 2 户"), "\(imported.out)\(imported.err)")
        let json =
            try JSONSerialization.jsonObject(
                with: Data(try cli.run(["households", "list", "--grid", "一组", "--format", "json"]).out.utf8))
            as? [[String: Any]]
        #expect(json?.count == 2)
        #expect(json?.first?["head_id_number"] as? String == "110105199003074579")
        #expect(json?.first?["members"] as? Int == 4)
        let list = try cli.run(["households", "list"]).out
        #expect(list.contains("东关村二组6号") && list.contains("共 4 户"), "\(list)")
    }

    @Test(
        "300 households in GB18030 with one bad line: refused naming that line, nothing written; fixed, all 300 imported"
    )
    func threeHundred() throws {
        var lines = ["住址,户主,联系电话,人口,网格"]
        for n in 1...300 {
            let phone = n == 150 ? "1380013800" : "1380013\(String(format: "%04d", n))"
            lines.append("东关村\((n - 1) / 50 + 1)组\(n)号,户主\(n),\(phone),\(n % 6 + 1),\((n - 1) / 50 + 1)组")
        }
        let (cli, file) = try village("big.csv", lines.joined(separator: "\n") + "\n")
        let before = try cli.contents()
        let refused = try cli.run(["households", "import", file])
        #expect(refused.status != 0 && refused.err.contains("第 151 行：手机号"), "\(refused.err)")
        #expect(try cli.contents() == before)
        lines[150] = lines[150].replacingOccurrences(of: "1380013800,", with: "13800130150,")
        try Self.gb18030(lines.joined(separator: "\n") + "\n").write(to: URL(fileURLWithPath: file))
        let imported = try cli.run(["households", "import", file])
        #expect(imported.status == 0 && imported.out.contains("新增 300 户"), "\(imported.out)\(imported.err)")
        #expect(try cli.run(["sweep", "start", "--reason", "全村排查"]).out.contains("共 300 户"))
    }

    @Test("an .xlsx register with English headers imports like the CSV")
    func importWorkbook() throws {
        let (cli, _) = try village()
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("台账.xlsx")
        let sheet = XLSXSheet(
            name: "住户", header: ["address", "head_name", "phone", "members", "grid"],
            rows: [["一组1号", "王建国", "13800138000", "4", "一组"], ["一组2号", "李秀英", "", "3", "一组"]])
        try XLSXWriter.data(sheet).write(to: file)
        let imported = try cli.run(["households", "import", file.path])
        #expect(imported.status == 0 && imported.out.contains("新增 2 户"), "\(imported.out)\(imported.err)")
    }

    @Test(
        "a sweep: visits by head, id number or address, nobody home stays open, status, the report, close with a reason"
    )
    func sweep() throws {
        let (cli, file) = try village()
        let early = try cli.run(["sweep", "start", "--reason", "新增风险区"])
        #expect(early.status != 0 && early.err.contains("户籍台账为空"), "\(early.err)")
        #expect(try cli.run(["households", "import", file]).status == 0)
        #expect(try cli.run(["sweep", "status"]).status != 0)
        let started = try cli.run(["sweep", "start", "--reason", "新增风险区 石家庄藁城", "--due", "2022-07-11 08:00"])
        #expect(started.status == 0 && started.out.contains("共 4 户"), "\(started.out)\(started.err)")
        #expect(try cli.run(["sweep", "start", "--reason", "again"]).status != 0, "one round open at a time")

        #expect(try cli.run(["sweep", "visit", "王建国", "--result", "seen", "--by", "村医李"]).status == 0)
        let nobody = try cli.run(["sweep", "visit", "东关村一组2号", "--result", "无人在家"])
        #expect(nobody.out.contains("仍列为未排查") && nobody.out.contains("1/4"), "\(nobody.out)")
        let ambiguous = try cli.run(["sweep", "visit", "二组", "--result", "seen"])
        #expect(ambiguous.status != 0 && ambiguous.err.contains("对应多户"), "\(ambiguous.err)")
        let wrong = try cli.run(["sweep", "visit", "张伟", "--result", "maybe"])
        #expect(wrong.status != 0 && wrong.err.contains("排查结果") && wrong.err.contains("maybe"), "\(wrong.err)")
        let found = try cli.run(["sweep", "visit", "张伟", "--result", "seen", "--returnees", "1"])
        #expect(found.out.contains("registry intake --household"), "\(found.out)")

        // The returnee found at the door: registered into that household, its address filled in.
        let intake = try cli.run([
            "intake", "--name", "张小伟", "--id-number", "130109200001011237", "--from", "130109", "--departed",
            "2022-07-08", "--household", "东关村二组5号",
        ])
        #expect(intake.status == 0, "\(intake.err)")
        #expect(try cli.run(["show", "130109200001011237"]).out.contains("住址：东关村二组5号"))

        let json =
            try JSONSerialization.jsonObject(
                with: Data(try cli.run(["sweep", "status", "--format", "json"]).out.utf8)) as? [String: Any]
        #expect(json?["households_total"] as? Int == 4 && json?["households_visited"] as? Int == 2)
        #expect(json?["households_open"] as? Int == 2)
        #expect(json?["returnees_found"] as? Int == 1, "the returnee found at 张伟's door")
        let open = (json?["open"] as? [[String: Any]])?.compactMap { $0["address"] as? String }
        #expect(open == ["东关村一组2号", "东关村二组6号"], "\(String(describing: open))")
        let grids = (json?["by_grid"] as? [[String: Any]])?.map { "\($0["grid"]!) \($0["total"]!) \($0["visited"]!)" }
        #expect(grids == ["一组 2 1", "二组 2 1"])
        let round = json?["round"] as? [String: Any]
        #expect(round?["reason"] as? String == "新增风险区 石家庄藁城" && round?["due"] as? String == "2022-07-11 08:00")

        let report = try cli.run(["report", "--format", "json"]).out
        #expect(
            report.contains("\"sweep_households_total\" : 4") && report.contains("\"sweep_households_visited\" : 2"),
            "\(report)")

        let refused = try cli.run(["sweep", "close"])
        #expect(refused.status != 0 && refused.err.contains("还有 2 户未排查"), "\(refused.err)")
        #expect(try cli.run(["sweep", "visit", "东关村一组2号", "--result", "seen"]).status == 0)
        let closed = try cli.run(["sweep", "close", "--reason", "刘洋一家外出务工，电话核实"])
        #expect(closed.status == 0 && closed.out.contains("1 户未排查"), "\(closed.out)\(closed.err)")
        let after = try cli.run(["report", "--format", "json"]).out
        #expect(after.contains("\"sweep_households_total\" : 0"), "no round open: 0")
    }

    @Test("a register row at an address where a returnee lives is that returnee's household")
    func sameHousehold() throws {
        let (cli, file) = try village()
        #expect(
            try cli.run([
                "intake", "--name", "刘二", "--id-number", "110105199003074528", "--from", "130109", "--departed",
                "2022-07-08", "--address", "东关村二组6号",
            ]).status == 0)
        #expect(try cli.run(["households", "import", file]).status == 0)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(try cli.run(["households", "list", "--grid", "二组", "--format", "json"]).out.utf8))
            as? [[String: Any]]
        let six = json?.first { $0["address"] as? String == "东关村二组6号" }
        #expect(six?["registered"] as? Int == 1, "\(String(describing: json))")
    }

    @Test("one household whose members registered at two addresses: each address keeps its own register row")
    func householdAtTwoAddresses() throws {
        let (cli, file) = try village()
        #expect(
            try cli.run([
                "intake", "--name", "刘二", "--id-number", "110105199003074528", "--from", "130109", "--departed",
                "2022-07-08", "--address", "东关村二组6号",
            ]).status == 0)
        // Her son joined her household but gave the address of the house next door.
        #expect(
            try cli.run([
                "intake", "--name", "刘三", "--id-number", "130109200001011237", "--from", "130109", "--departed",
                "2022-07-08", "--address", "东关村二组5号", "--household", "110105199003074528",
            ]).status == 0)
        #expect(try cli.run(["households", "import", file]).status == 0)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(try cli.run(["households", "list", "--format", "json"]).out.utf8)) as? [[String: Any]]
        let addresses = (json ?? []).compactMap { $0["address"] as? String }.sorted()
        #expect(addresses == ["东关村一组1号", "东关村一组2号", "东关村二组5号", "东关村二组6号"], "\(addresses)")
        let six = json?.first { $0["address"] as? String == "东关村二组6号" }
        #expect(six?["registered"] as? Int == 2, "the household both registered in")
    }
}
