import Foundation
import RegistryCore
import RegistrySync
import Testing

/// Sync without a network (issue 39): a village's changes carried to the county in a file, the county's answer
/// carried back, through the built `registry` and `sync-server` binaries; applied exactly once whatever the order.
@Suite("Carried sync files", .serialized)
struct CarriedFilesTests {
    static let village = "110105001001"

    func laptop(_ county: ServerHarness, code: String = village, now: String) throws -> Laptop {
        let token = try county.command(["token", "issue", "--village", code])
        let laptop = Laptop(db: county.path("village-\(code).sqlite"), county: county, token: token, now: now)
        _ = try laptop.ok(["init", "--village", code, "--name", "一村"])
        return laptop
    }

    /// The county imports `files` and writes the answer to `answer`; its exit status and what it printed.
    func carry(_ county: ServerHarness, _ files: [String], answer: String) throws -> (Int32, String) {
        let result = try county.run(["bundle", "import"] + files + ["--answer-to", answer])
        return (result.status, result.out + result.err)
    }

    func merge(_ county: ServerHarness, _ date: String) throws -> [String: Any] {
        let json = try county.command(["merge", "--date", date, "--format", "json"])
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    @Test(
        "three days by files only (intake, daily report, a lead down and its outcome up), then HTTP, then files again; the county notes the contact by file"
    )
    func threeDaysByFiles() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T18:00:00+08:00"])
        var clerk = try laptop(county, now: "2022-11-05 09:00")
        let dir = county.dir.path

        // Day 1: a returnee, the daily report, a file to the township.
        _ = try clerk.ok([
            "intake", "--name", "王强", "--id-number", "420102199001011236", "--phone", "13800138000", "--from", "420102",
            "--departed", "2022-11-03", "--arrived", "2022-11-04", "--address", "一组3号",
        ])
        _ = try clerk.ok(["report", "submit", "--reporter", "王会计"])
        let made = try clerk.ok(["sync", "--to-file", "\(dir)/day1.sync"])
        #expect(made.contains("day1.sync") && made.contains("已写入"), "\(made)")
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/day1.sync")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "only its owner reads it")
        let sealed = try CarriedFile.read("\(dir)/day1.sync")
        let (unsealed, _) = try CarriedFile.open(sealed, name: "day1.sync", keys: [CarriedKey(token: clerk.token)])
        #expect(unsealed.header.kind == .push && unsealed.header.village == Self.village)
        #expect(
            !String(decoding: unsealed.payload + sealed, as: UTF8.self).contains(clerk.token),
            "the token is never in the file")
        let (status, said) = try carry(county, ["\(dir)/day1.sync"], answer: "\(dir)/day1.answer")
        #expect(status == 0 && said.contains("一村（110105001001）") && said.contains("回复文件"), "\(said)")
        let day1 = try merge(county, "2022-11-05")
        let line = (day1["villages"] as? [[String: Any]])?.first { $0["village"] as? String == Self.village }
        #expect(line?["revision"] as? Int == 1, "the report came by file: \(String(describing: line))")
        #expect(
            (line?["last_contact"] as? String)?.hasPrefix("2022-11-05T18:00") == true, "\(String(describing: line))")

        // The county sends a lead; the village applies day 1's answer, and day 2's brings the lead down.
        try county.write(
            "leads.csv", "village,name,id_number,deadline\n110105001001,李四,110105199001011232,2022-11-06\n")
        _ = try county.command(["leads", "import", county.path("leads.csv")])
        clerk.now = "2022-11-06 08:00"
        let applied = try clerk.ok(["sync", "--from-file", "\(dir)/day1.answer"])
        #expect(applied.contains("同步完成：上传 ") && !applied.contains("上传 0 条"), "day 1's changes acknowledged: \(applied)")
        #expect(applied.contains("风险区变化"), "the county's risk areas came down and acted: \(applied)")
        _ = try clerk.ok(["check", "420102199001011236", "--temp", "36.5"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/day2.sync"])
        try county.setClock("2022-11-06T18:00:00+08:00")
        #expect(try carry(county, ["\(dir)/day2.sync"], answer: "\(dir)/day2.answer").0 == 0)
        clerk.now = "2022-11-07 08:00"
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/day2.answer"])
        let leads = try #require(try clerk.json(["today"])["leads"] as? [[String: Any]])
        let lead = try #require(leads.first { $0["id_number"] as? String == "110105199001011232" }, "\(leads)")

        // Day 3: the outcome goes up by file.
        try county.setClock("2022-11-07T18:00:00+08:00")
        #expect((try merge(county, "2022-11-07")["open_leads"] as? [Any])?.count == 1, "open and past its deadline")
        _ = try clerk.ok(["lead", try #require(lead["lead_id"] as? String), "--outcome", "absent"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/day3.sync"])
        #expect(try carry(county, ["\(dir)/day3.sync"], answer: "\(dir)/day3.answer").0 == 0)
        #expect((try merge(county, "2022-11-07")["open_leads"] as? [Any])?.count == 0, "closed by the file")
        clerk.now = "2022-11-08 08:00"
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/day3.answer"])

        // Day 4: the network is back; a live sync picks up where the files left off, sending nothing twice.
        let logged = try count(county.db, "SELECT count(*) FROM change_log")
        try county.setClock("2022-11-08T08:00:00+08:00")
        try county.start()
        let live = try clerk.sync()
        #expect(live.contains("上传 0 条"), "everything went by file already: \(live)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == logged)
        _ = try clerk.ok(["check", "420102199001011236", "--temp", "36.6"])
        #expect(try clerk.sync().contains("上传 1 条"))

        // Then by file again, and day 1's file brought in a second time writes nothing.
        _ = try clerk.ok(["check", "420102199001011236", "--temp", "36.4"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/day4.sync"])
        #expect(try carry(county, ["\(dir)/day4.sync"], answer: "\(dir)/day4.answer").0 == 0)
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/day4.answer"])
        let again = try count(county.db, "SELECT count(*) FROM change_log")
        let (twice, saidTwice) = try carry(county, ["\(dir)/day1.sync"], answer: "\(dir)/day1-again.answer")
        #expect(twice == 0 && saidTwice.contains("此前已收到"), "\(saidTwice)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == again, "nothing applied twice")
        // Its answer brought back late moves nothing back.
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/day1-again.answer"])
        #expect(try clerk.json(["sync", "status"])["pending"] as? Int == 0)
        #expect(try clerk.sync().contains("上传 0 条，被拒 0 条，下载 0 条"), "neither cursor moved back")
    }

    @Test(
        "exactly once: an old file after a live sync, a live sync after a file, parts out of order (the officer is told which to bring), one file twice"
    )
    func exactlyOnce() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T09:00:00+08:00"])
        try county.start()
        let clerk = try laptop(county, now: "2022-11-05 09:00")
        let dir = county.dir.path
        var rows = "姓名,身份证号,来源地代码,离开日期,到达日期\n"
        for i in 0..<400 { rows += "人员\(i),\(residentID(i)),420102,2022-11-01,2022-11-02\n" }
        try rows.write(toFile: "\(dir)/arrivals.csv", atomically: true, encoding: .utf8)
        _ = try clerk.ok(["import", "\(dir)/arrivals.csv"])

        // A file is made, then the network comes back: the file brought in afterwards is acknowledged, not applied.
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/old.sync"])
        _ = try clerk.sync()
        let logged = try count(county.db, "SELECT count(*) FROM change_log")
        let (status, said) = try carry(county, ["\(dir)/old.sync"], answer: "\(dir)/old.answer")
        #expect(status == 0 && said.contains("收到 0 条，1600 条此前已收到"), "\(said)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == logged)

        // A file imported, then a live sync before its answer came back: the county's cursor answers, nothing twice.
        _ = try clerk.ok(["check", residentID(1), "--temp", "36.5"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/first.sync"])
        #expect(try carry(county, ["\(dir)/first.sync"], answer: "\(dir)/first.answer").0 == 0)
        let afterFile = try count(county.db, "SELECT count(*) FROM change_log")
        #expect(afterFile == logged + 1)
        _ = try clerk.sync()
        #expect(
            try count(county.db, "SELECT count(*) FROM change_log") == afterFile, "the live sync's replay adds nothing")

        // Two files made a day apart (no answer between): the newer holds the older's changes too. Brought in newest
        // first, the older adds nothing; both given together, the older is skipped as superseded.
        _ = try clerk.ok(["check", residentID(2), "--temp", "36.6"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/monday.sync"])
        _ = try clerk.ok(["check", residentID(3), "--temp", "36.7"])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/tuesday.sync"])
        #expect(try carry(county, ["\(dir)/tuesday.sync"], answer: "\(dir)/tuesday.answer").0 == 0)
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == afterFile + 2)
        let monday = try carry(county, ["\(dir)/monday.sync"], answer: "\(dir)/monday.answer")
        #expect(monday.0 == 0 && monday.1.contains("收到 0 条，1 条此前已收到"), "\(monday.1)")
        let both = try carry(county, ["\(dir)/tuesday.sync", "\(dir)/monday.sync"], answer: "\(dir)/both.answer")
        #expect(both.0 == 0 && both.1.contains("monday.sync：已被更新的同步文件取代"), "\(both.1)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == afterFile + 2)
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/monday.answer"])
        #expect(
            try clerk.json(["sync", "status"])["pending"] as? Int == 1, "monday's answer acknowledges monday's change")
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/tuesday.answer"])
        #expect(try clerk.json(["sync", "status"])["pending"] as? Int == 0)

        // A large backlog in parts; the second part brought first is refused with which part to bring, then both go.
        try rows.replacingOccurrences(of: "2022-11-02", with: "2022-11-03").write(
            toFile: "\(dir)/arrivals.csv", atomically: true, encoding: .utf8)
        _ = try clerk.ok(["import", "\(dir)/arrivals.csv"])
        let pending = try #require(try clerk.json(["sync", "status"])["pending"] as? Int)
        let parts = try clerk.ok(["sync", "--to-file", "\(dir)/backlog.sync", "--max-bytes", "65536"])
        let names = parts.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.hasSuffix(".sync") }
        #expect(names.count >= 2 && names.first!.hasSuffix("backlog-1of\(names.count).sync"), "\(parts)")
        for name in names {
            #expect(try Data(contentsOf: URL(fileURLWithPath: name)).count <= 65536 + 1024, "\(name) within its size")
        }
        let before = try count(county.db, "SELECT count(*) FROM change_log")
        let (gapStatus, gapSaid) = try carry(county, [names[1]], answer: "\(dir)/gap.answer")
        #expect(gapStatus != 0 && gapSaid.contains("请先导入第 1 部分"), "\(gapSaid)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == before, "nothing of the later part")
        #expect(try carry(county, names.reversed(), answer: "\(dir)/parts.answer").0 == 0, "given together, in order")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == before + pending)
        #expect(try carry(county, [names[1]], answer: "\(dir)/again.answer").1.contains("此前已收到"))
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == before + pending)
        // The gap answer and the parts' answer, in either order: the village ends acknowledged, nothing resent.
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/parts.answer"])
        _ = try clerk.ok(["sync", "--from-file", "\(dir)/gap.answer"])
        #expect(try clerk.json(["sync", "status"])["pending"] as? Int == 0)
        #expect(try clerk.sync().contains("上传 0 条"))
    }

    @Test(
        "a file altered by one byte, sealed with another village's token, or with a revoked token is refused with one line and nothing written; an answer for another village is refused by the laptop"
    )
    func refusals() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T10:00:00+08:00"])
        var clerk = try laptop(county, now: "2022-11-05 09:00")
        let other = try laptop(county, code: "110105001002", now: "2022-11-05 09:00")
        let dir = county.dir.path
        _ = try clerk.ok([
            "intake", "--name", "王强", "--id-number", "420102199001011236", "--phone", "13800138000", "--from", "420102",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/good.sync"])
        let before = try count(county.db, "SELECT count(*) FROM change_log")

        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/good.sync"))
        for index in [bytes.count / 2, 40] {
            var altered = bytes
            altered[index] ^= 0x01
            try altered.write(to: URL(fileURLWithPath: "\(dir)/altered.sync"))
            let (status, said) = try carry(county, ["\(dir)/altered.sync"], answer: "\(dir)/altered.answer")
            #expect(status != 0 && said.split(separator: "\n").count == 1, "\(said)")
            #expect(said.contains("altered.sync"), "names the file: \(said)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/altered.answer"))

        // This village's registry, sealed with the other village's token.
        var borrowed = clerk
        borrowed = Laptop(db: clerk.db, county: county, token: other.token, now: clerk.now)
        _ = try borrowed.ok(["sync", "--to-file", "\(dir)/borrowed.sync"])
        let (status, said) = try carry(county, ["\(dir)/borrowed.sync"], answer: "\(dir)/borrowed.answer")
        #expect(status != 0 && said.contains("校验失败"), "\(said)")

        // A token revoked after the file was made.
        _ = try county.command(["token", "revoke", "--village", Self.village])
        let (revoked, saidRevoked) = try carry(county, ["\(dir)/good.sync"], answer: "\(dir)/good.answer")
        #expect(revoked != 0 && saidRevoked.contains("已吊销"), "\(saidRevoked)")
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == before, "nothing written")

        // An answer for one village applied on another's laptop.
        clerk = Laptop(
            db: clerk.db, county: county, token: try county.command(["token", "issue", "--village", Self.village]),
            now: clerk.now)
        _ = try clerk.ok(["sync", "--to-file", "\(dir)/new.sync"])
        #expect(try carry(county, ["\(dir)/new.sync"], answer: "\(dir)/new.answer").0 == 0)
        let refused = try other.run(["sync", "--from-file", "\(dir)/new.answer"])
        #expect(refused.status != 0 && refused.err.contains("校验失败"), "\(refused.err)")
        bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/new.answer"))
        #expect(!bytes.isEmpty)
        #expect(try clerk.run(["sync", "--from-file", "\(dir)/new.answer"]).status == 0)
    }
}
