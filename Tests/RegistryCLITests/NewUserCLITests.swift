import Foundation
import GRDB
import RegistryCore
import Testing

/// What a new clerk met at the command line (issue 37), through the built `registry` binary.
@Suite("A new clerk's places", .serialized)
struct NewUserCLITests {
    @Test(
        "上海浦东 while 浦东新区 is a high-risk area: registered as 310115 under 集中隔离, not as 上海市 under 无需管控; 上海 alone is refused naming the level"
    )
    func pudong() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.publish(cli, "310115,上海市浦东新区,高,2022-11-01,\n")
        let typed = try cli.run([
            "intake", "--name", "王强", "--id-number", "420102199003071232", "--phone", "13800138000", "--from", "上海浦东",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(typed.status == 0, "\(typed.err)")
        #expect(!typed.out.contains("无需管控") && !typed.err.contains("不在区划库中"), "\(typed.out)\(typed.err)")
        #expect(typed.out.contains("政策：第九版"), "the policy as people name it: \(typed.out)")
        let arrival = try helper.rows(cli, "SELECT category, json_extract(stays, '$[0].code') FROM arrival")
        #expect(arrival == [["high_risk", "310115"]], "\(arrival)")
        // A name that stops at the province: refused with one line, nothing written.
        let coarse = try cli.run([
            "intake", "--name", "李四", "--id-number", "32010219751201003X", "--phone", "13800138001", "--from", "上海",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(coarse.status != 0 && coarse.err.contains("只认出省级地名 上海市（310000）：请写到区县"), "\(coarse.err)")
        #expect(try helper.rows(cli, "SELECT count(*) FROM person") == [["1"]])
        // An old code from an id number's era: 藁城市 130182 is registered as 藁城区 130109, with a note.
        let old = try cli.run([
            "intake", "--name", "赵六", "--id-number", "32010219751201003X", "--phone", "13800138001", "--from", "130182",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(old.status == 0 && (old.out + old.err).contains("已调整为 130109"), "\(old.out)\(old.err)")
    }

    @Test("a fever checked at the command line is listed first by today, until a test is sampled")
    func feverFirst() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.arrive(cli, name: "王强", id: "420102199003071232", departed: "2022-11-02", arrived: "2022-11-03")
        #expect(try cli.run(["check", "420102199003071232", "--temp", "38.2", "--at", "2022-11-04 08:00"]).status == 0)
        let today = try cli.run(["today"])
        let lines = today.out.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(lines.count > 2 && lines[1].hasPrefix("⚠ 发热/症状待处置（1）") && lines[2].contains("王强"), "\(today.out)")
        #expect(lines[2].contains("体温 38.2 ℃") && lines[2].contains("请立即报告村医"), "\(lines[2])")
        #expect(
            try cli.run(["test", "420102199003071232", "--sampled", "2022-11-04", "--result", "pending"]).status == 0)
        #expect(!(try cli.run(["today"]).out.contains("发热/症状待处置")))
    }

    @Test("export -o 台账.xlsx writes a workbook (the extension decides); --format csv with a .xlsx name is refused")
    func exportByExtension() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.arrive(cli, name: "王强", id: "420102199003071232", departed: "2022-11-02", arrived: "2022-11-03")
        let folder = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
        let book = folder.appendingPathComponent("台账-\(UUID().uuidString.prefix(6)).xlsx").path
        let written = try cli.run(["export", "-o", book])
        #expect(written.status == 0, "\(written.err)")
        let data = try Data(contentsOf: URL(fileURLWithPath: book))
        #expect(XLSXFile.isWorkbook(data), "a workbook, not CSV in a .xlsx name")
        var rows: [[String]] = []
        try XLSXFile(path: book).forEachRow { _, row in rows.append(row) }
        #expect(rows.contains { $0.contains("王强") }, "\(rows)")
        let mismatch = folder.appendingPathComponent("台账-\(UUID().uuidString.prefix(6)).xlsx").path
        let refused = try cli.run(["export", "--format", "csv", "-o", mismatch])
        #expect(refused.status == 64 && refused.err.contains("与文件名"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: mismatch))
        let csv = folder.appendingPathComponent("台账-\(UUID().uuidString.prefix(6)).csv").path
        #expect(try cli.run(["export", "-o", csv]).status == 0)
        #expect(!XLSXFile.isWorkbook(try Data(contentsOf: URL(fileURLWithPath: csv))))
    }

    @Test(
        "the same id number under another name is refused with both names; --rename changes it; nothing written before")
    func renameAsked() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.arrive(cli, name: "王强", id: "420102199003071232", departed: "2022-11-02", arrived: "2022-11-03")
        let again = [
            "intake", "--name", "王小强", "--id-number", "420102199003071232", "--phone", "13900139000", "--from",
            "310115",
            "--departed", "2022-11-02", "--arrived", "2022-11-03",
        ]
        let refused = try cli.run(again)
        #expect(refused.status != 0, "\(refused.out)")
        #expect(refused.err.contains("已登记为 王强（手机 13800138000），本次填写的是 王小强"), "\(refused.err)")
        #expect(try helper.rows(cli, "SELECT name, phone FROM person") == [["王强", "13800138000"]])
        #expect(try cli.run(again + ["--rename"]).status == 0)
        #expect(try helper.rows(cli, "SELECT name, phone FROM person") == [["王小强", "13900139000"]])
    }

    @Test("a later low-risk trip does not hide a 居家隔离 that still runs: list --active and today agree")
    func overlappingTrips() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.publish(cli, "310115,上海市浦东新区,中,2022-10-01,\n")
        try helper.arrive(cli, name: "王强", id: "420102199003071232", departed: "2022-10-31", arrived: "2022-11-01")
        let second = try cli.run([
            "intake", "--name", "王强", "--id-number", "420102199003071232", "--phone", "13800138000", "--from", "420102",
            "--departed", "2022-11-02", "--arrived", "2022-11-03",
        ])
        #expect(second.status == 0, "\(second.err)")
        let active = try cli.run(["list", "--active"])
        #expect(active.out.contains("王强"), "\(active.out)")
        let today = try cli.run(["today"])
        #expect(today.out.contains("王强"), "\(today.out)")
    }
}
