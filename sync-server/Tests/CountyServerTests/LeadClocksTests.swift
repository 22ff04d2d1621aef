import Foundation
import RegistryCore
import Testing

/// The clocks on leads (issue 40), through a real server, the built `registry` and a carried file: each stage on time
/// or late by the county's clock where the county saw it, whatever a laptop's clock claims.
@Suite("Clocks on leads", .serialized)
struct LeadClocksTests {
    func laptop(_ county: ServerHarness, code: String, now: String) throws -> Laptop {
        let token = try county.command(["token", "issue", "--village", code])
        let laptop = Laptop(db: county.path("village-\(code).sqlite"), county: county, token: token, now: now)
        _ = try laptop.ok(["init", "--village", code, "--name", "村\(code.suffix(3))"])
        return laptop
    }

    func clocks(_ county: ServerHarness, _ date: String) throws -> [String: Any] {
        let json = try county.command(["merge", "--date", date, "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        return try #require(summary["lead_clocks"] as? [String: Any], "\(summary.keys)")
    }

    /// The county's counts of `stage`: on_time, late, overdue, pending.
    func counts(_ clocks: [String: Any], _ stage: String) -> [Int] {
        let line = (clocks["stages"] as? [[String: Any]])?.first { $0["stage"] as? String == stage } ?? [:]
        return ["on_time", "late", "overdue", "pending"].map { line[$0] as? Int ?? -1 }
    }

    @Test(
        "a lead found, put under a measure and answered within hours is on time at every stage; one carried by file a day late is late though the laptop's clock says otherwise; an untouched lead is listed overdue on the dashboard"
    )
    func leadStages() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T08:00:00+08:00"])
        let countyToken = try county.command(["token", "issue", "--county"])
        try county.write(
            "leads.csv",
            "village,name,id_number,deadline\n110105001001,李四,420102199001011236,2022-11-06\n"
                + "110105001002,赵六,110105199001011232,2022-11-06\n")
        _ = try county.command(["leads", "import", county.path("leads.csv")])

        // Village 1, online: the lead comes down at 08:30, the person is registered and found at 09:00.
        try county.setClock("2022-11-05T08:30:00+08:00")
        try county.start()
        var one = try laptop(county, code: "110105001001", now: "2022-11-05 08:30")
        _ = try one.sync()
        let listed = try #require((try one.json(["today"])["leads"] as? [[String: Any]])?.first)
        #expect(listed["remaining_hours"] as? Int == 23, "24 h from the county's issue at 08:00: \(listed)")
        #expect(try one.ok(["today"]).contains("县里要求 23 小时内反馈"))
        one.now = "2022-11-05 09:00"
        try county.setClock("2022-11-05T09:00:00+08:00")
        _ = try one.ok([
            "intake", "--name", "李四", "--id-number", "420102199001011236", "--phone", "13800138000", "--from", "420102",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        let lead = try #require(
            (try one.json(["today"])["leads"] as? [[String: Any]])?.first?["lead_id"] as? String)
        _ = try one.ok(["lead", lead, "--outcome", "found"])
        _ = try one.sync()

        // Village 2, offline, its laptop a day behind: the lead reaches it by file at 11:00 (3 h after issue); the person
        // found and put under a measure "at 11:30" reaches the county by the next file, the next day at 10:00.
        try county.setClock("2022-11-05T11:00:00+08:00")
        var two = try laptop(county, code: "110105001002", now: "2022-11-05 09:00")
        let dir = county.dir.path
        _ = try two.ok(["sync", "--to-file", "\(dir)/two-1.sync"])
        _ = try county.command(["bundle", "import", "\(dir)/two-1.sync", "--answer-to", "\(dir)/two-1.answer"])
        two.now = "2022-11-05 11:30"
        _ = try two.ok(["sync", "--from-file", "\(dir)/two-1.answer"])
        let lead2 = try #require(
            (try two.json(["today"])["leads"] as? [[String: Any]])?.first?["lead_id"] as? String)
        _ = try two.ok([
            "intake", "--name", "赵六", "--id-number", "110105199001011232", "--phone", "13900139000", "--from", "420102",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        _ = try two.ok(["lead", lead2, "--outcome", "found"])
        _ = try two.ok(["sync", "--to-file", "\(dir)/two-2.sync"])
        try county.setClock("2022-11-06T10:00:00+08:00")
        _ = try county.command(["bundle", "import", "\(dir)/two-2.sync", "--answer-to", "\(dir)/two-2.answer"])

        let day2 = try clocks(county, "2022-11-06")
        #expect(counts(day2, "received") == [1, 1, 0, 0], "\(day2)")
        #expect(counts(day2, "outcome") == [1, 1, 0, 0], "the file's outcome counts when it arrived: \(day2)")
        #expect(counts(day2, "measure") == [1, 1, 0, 0], "one measure in place within the day, one the next: \(day2)")
        #expect((day2["limits"] as? [String: Int]) == ["receive_hours": 2, "found_hours": 24, "measure_hours": 24])
        let townships = try #require(day2["townships"] as? [[String: Any]])
        #expect(townships.first?["name"] as? String == "一街道", "\(townships)")

        // A new lead nobody has pulled: past two hours it is overdue, on the dashboard under 需要处理.
        try county.write(
            "lead3.csv", "village,name,id_number,phone,deadline\n110105001001,王五,,13900139000,2022-11-07\n")
        _ = try county.command(["leads", "import", county.path("lead3.csv")])
        try county.setClock("2022-11-06T13:00:00+08:00")
        let later = try clocks(county, "2022-11-06")
        #expect(counts(later, "received")[2] == 1, "\(later)")
        let overdue = try #require(later["overdue"] as? [[String: Any]])
        #expect(overdue.first?["stage"] as? String == "received" && overdue.first?["hours_over"] as? Int == 1)
        let (_, page) = try await county.transport(countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-11-06"], body: nil)
        let html = String(decoding: page, as: UTF8.self)
        let late = try #require(html.components(separatedBy: "id=\"late-leads\"").dropFirst().first?.prefix(600))
        #expect(late.contains("王*") && late.contains("下发到村") && late.contains("超时 1 小时"), "\(late)")
        #expect(html.contains("id=\"lead-clocks\"") && html.contains("1/2 按时"), "each township's share on time")
        #expect(html.contains("　· 一村") && html.contains("　· 二村"), "and each village's")

        // The officer tightens the outcome limit: village 1's lead answered in an hour stays on time.
        #expect(try county.command(["settings", "set", "lead_found_hours", "12"]) == "lead_found_hours = 12")
        #expect(throws: RegistryError.self) { try county.command(["settings", "set", "lead_found_hours", "0"]) }
        let tightened = try clocks(county, "2022-11-06")
        #expect(counts(tightened, "outcome")[0] == 1 && counts(tightened, "outcome")[1] == 1)
    }

    @Test(
        "a positive from the county's lab: the village online escalates and moves the household within the hour (on time); the village offline sends the escalation by file the next day (late, though its laptop says 09:30), its contacts within the day"
    )
    func positiveStages() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-07-03T09:00:00+08:00"])
        try county.start()
        var one = try laptop(county, code: "110105001001", now: "2022-07-03 09:00")
        var two = try laptop(county, code: "110105001002", now: "2022-07-03 09:00")
        for (clerk, person, mother) in [
            (one, ("张三", "420102199003071232"), ("张母", "110105195001011234")),
            (two, ("李雷", "420102198505051237"), ("李母", "110105195505051248")),
        ] {
            _ = try clerk.ok([
                "intake", "--name", person.0, "--id-number", person.1, "--phone", "13800138000", "--from", "420102",
                "--departed", "2022-07-01", "--arrived", "2022-07-02", "--address", "一组3号",
            ])
            _ = try clerk.ok(["household", "add", person.1, "--name", mother.0, "--id-number", mother.1])
        }
        _ = try one.sync()
        let dir = county.dir.path
        _ = try two.ok(["sync", "--to-file", "\(dir)/two-1.sync"])
        _ = try county.command(["bundle", "import", "\(dir)/two-1.sync", "--answer-to", "\(dir)/two-1.answer"])
        _ = try two.ok(["sync", "--from-file", "\(dir)/two-1.answer"])

        // 07-05 09:00: the county's lab sheet has both positive.
        try county.setClock("2022-07-05T09:00:00+08:00")
        try county.write(
            "lab.csv",
            "身份证号,姓名,采样日期,结果,检测机构\n420102199003071232,张三,2022-07-04,阳性,县疾控中心\n"
                + "420102198505051237,李雷,2022-07-04,阳性,县疾控中心\n")
        _ = try county.command(["results", "import", county.path("lab.csv")])
        try county.setClock("2022-07-05T10:00:00+08:00")
        one.now = "2022-07-05 10:00"
        #expect(try one.sync().contains("县检测结果阳性：张三"))

        // Village two, offline: the positive reaches it by file at 15:00, its escalation comes back the next morning.
        try county.setClock("2022-07-05T15:00:00+08:00")
        _ = try two.ok(["sync", "--to-file", "\(dir)/two-2.sync"])
        _ = try county.command(["bundle", "import", "\(dir)/two-2.sync", "--answer-to", "\(dir)/two-2.answer"])
        two.now = "2022-07-05 09:30"
        #expect(try two.ok(["sync", "--from-file", "\(dir)/two-2.answer"]).contains("县检测结果阳性：李雷"))
        _ = try two.ok(["sync", "--to-file", "\(dir)/two-3.sync"])
        try county.setClock("2022-07-06T08:00:00+08:00")
        _ = try county.command(["bundle", "import", "\(dir)/two-3.sync", "--answer-to", "\(dir)/two-3.answer"])

        let json = try county.command(["merge", "--date", "2022-07-06", "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        let clocks = try #require(summary["positive_clocks"] as? [String: Any], "\(summary.keys)")
        #expect(counts(clocks, "escalated") == [1, 1, 0, 0], "\(clocks)")
        #expect(counts(clocks, "contacts") == [2, 0, 0, 0], "each household moved within the day: \(clocks)")
        #expect((clocks["limits"] as? [String: Int]) == ["escalate_hours": 2, "contacts_hours": 24])
    }
}
