import Foundation
import GRDB
import Testing

@testable import RegistryCore

/// Risk areas that reach a village registry after people arrived (信息返流), imported locally as a village without a
/// county does, through the built binary on the days a clerk would run it.
@Suite("risk areas known late", .serialized)
struct LateRiskCLITests {
    /// A village with nobody's risk area in force yet; `now` is the clerk's day.
    func village() throws -> CLI {
        var cli = CLI(db: CLI.temporaryDatabase())
        cli.env["REGISTRY_NOW"] = "2022-11-04 09:00"
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        return cli
    }

    func on(_ cli: CLI, _ day: String) -> CLI {
        var moved = cli
        moved.env["REGISTRY_NOW"] = "\(day) 09:00"
        return moved
    }

    /// Imports `rows` (code,name,level,in_force_from,lifted_on) as the village's risk-area list; its stdout.
    @discardableResult
    func publish(_ cli: CLI, _ rows: String) throws -> String {
        let file = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
            .appendingPathComponent("areas-\(UUID().uuidString.prefix(6)).csv").path
        try ("code,name,level,in_force_from,lifted_on\n" + rows).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["risk-areas", "import", file])
        #expect(result.status == 0, "\(result.err)")
        return result.out
    }

    func arrive(
        _ cli: CLI, name: String, id: String, departed: String, arrived: String, extra: [String] = []
    ) throws {
        let result = try cli.run(
            [
                "intake", "--name", name, "--id-number", id, "--phone", "13800138000", "--from", "310115",
                "--from-name", "上海市浦东新区", "--departed", departed, "--arrived", arrived,
            ] + extra)
        #expect(result.status == 0, "\(result.err)")
    }

    func json(_ cli: CLI, _ arguments: [String]) throws -> [String: Any] {
        let result = try cli.run(arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    func rows(_ cli: CLI, _ sql: String) throws -> [[String?]] {
        try DatabaseQueue(path: cli.db).read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                row.databaseValues.map { value -> String? in
                    switch value.storage {
                    case .null: nil
                    case .int64(let n): "\(n)"
                    case .double(let x): "\(x)"
                    case .string(let text): text
                    case .blob: "blob"
                    }
                }
            }
        }
    }

    @Test(
        "浦东 published on 11-05 in force from 11-01: the person who left it on 11-03 is put under 集中隔离 to 11-10 with a test today, listed first, the reason kept; a re-import changes nothing"
    )
    func publishedLate() throws {
        let cli = try village()
        try arrive(cli, name: "王强", id: "310115199001011232", departed: "2022-11-03", arrived: "2022-11-04")
        var person = try json(cli, ["show", "310115199001011232"])
        #expect(person["category"] as? String == "low_risk")
        #expect(try json(cli, ["today"])["reclassified"] as? [Any] != nil)
        #expect((try json(cli, ["today"])["reclassified"] as? [Any])?.isEmpty == true)

        let day = on(cli, "2022-11-05")
        let out = try publish(day, "310115,上海市浦东新区,高,2022-11-01,\n")
        #expect(out.hasPrefix("风险区变化：1 人重新判定（1 人需补做管控和核酸，0 人风险期已过）"), "\(out)")

        person = try json(day, ["show", "310115199001011232"])
        #expect(person["category"] as? String == "high_risk")
        let measure = try #require(person["measure"] as? [String: Any])
        #expect(measure["status"] as? String == "active")
        let phases = try #require(measure["phases"] as? [[String: Any]])
        #expect(phases.first?["kind"] as? String == "central_quarantine")
        #expect(phases.first?["starts_on"] as? String == "2022-11-05")
        #expect(phases.first?["ends_on"] as? String == "2022-11-10")
        // 填平补齐 from the day learned: a test falls due that day, none before it.
        let due = try rows(day, "SELECT due_on FROM lab_test WHERE deleted = 0 AND sampled_on IS NULL ORDER BY due_on")
            .map { $0[0] ?? "" }
        #expect(due.first == "2022-11-05" && due.allSatisfy { $0 >= "2022-11-05" }, "\(due)")
        let reasons = try rows(day, "SELECT reason FROM measure_event ORDER BY recorded_at").map { $0[0] ?? "" }
        #expect(reasons.contains("风险区 上海市浦东新区 自 2022-11-01 起为高风险，2022-11-05 公布"), "\(reasons)")
        // Through the change log, like every write: the sync will carry it.
        let logged = try rows(day, "SELECT count(*) FROM change_log WHERE tbl IN ('measure', 'arrival', 'lab_test')")
        #expect(Int(logged[0][0] ?? "0")! >= 3)

        let today = try json(day, ["today"])
        let listed = try #require((today["reclassified"] as? [[String: Any]])?.first)
        #expect(listed["id_number"] as? String == "310115199001011232" && listed["name"] as? String == "王强")
        #expect(listed["from_category"] as? String == "low_risk" && listed["to_category"] as? String == "high_risk")
        #expect(listed["area"] as? String == "上海市浦东新区" && listed["learned_on"] as? String == "2022-11-05")
        let text = try day.run(["today"]).out
        let first = text.split(separator: "\n").first {
            !$0.isEmpty && !$0.hasPrefix("今日工作") && !$0.contains("2022-11-05 今日")
        }
        #expect(text.contains("新增风险人员（1）") && text.contains("王强"), "\(text)")
        #expect(
            text.range(of: "新增风险人员")!.lowerBound < text.range(of: "今日应采样")?.lowerBound ?? text.endIndex,
            "\(first ?? "")")

        // The same list again the same day, or the next: nothing new.
        let before = try day.contents()
        let again = try publish(on(cli, "2022-11-06"), "310115,上海市浦东新区,高,2022-11-01,\n")
        #expect(!again.contains("重新判定"), "\(again)")
        #expect(try day.contents() == before)

        // Sampled: no longer 新增, its plan stays.
        #expect(
            try day.run(["test", "310115199001011232", "--sampled", "2022-11-05", "--result", "pending"]).status == 0)
        #expect((try json(on(cli, "2022-11-06"), ["today"])["reclassified"] as? [Any])?.isEmpty == true)
    }

    @Test("stricter only: a close contact from the area keeps the close-contact plan and is not listed")
    func stricterOnly() throws {
        let cli = try village()
        try arrive(
            cli, name: "李娜", id: "11010519491231002X", departed: "2022-11-03", arrived: "2022-11-04",
            extra: ["--category", "密接"])
        let before = try json(cli, ["show", "11010519491231002X"])
        #expect(before["category"] as? String == "close_contact")
        let day = on(cli, "2022-11-05")
        let out = try publish(day, "310115,上海市浦东新区,高,2022-11-01,\n")
        #expect(!out.contains("重新判定"), "\(out)")
        let after = try json(day, ["show", "11010519491231002X"])
        #expect(after["category"] as? String == "close_contact")
        let was = (before["measure"] as? [String: Any])?["phases"] as? [[String: Any]]
        let now = (after["measure"] as? [String: Any])?["phases"] as? [[String: Any]]
        #expect(was?.map { $0["kind"] as? String } == now?.map { $0["kind"] as? String })
        #expect(was?.last?["ends_on"] as? String == now?.last?["ends_on"] as? String)
        #expect((try json(day, ["today"])["reclassified"] as? [Any])?.isEmpty == true)
    }

    @Test(
        "a stay that ended before the area's first day is untouched; one whose plan was over by the day learned is listed once (风险期已过) with nothing due"
    )
    func beforeAndOver() throws {
        let cli = try village()
        try arrive(cli, name: "张早", id: "420102199003071232", departed: "2022-10-30", arrived: "2022-10-31")
        try arrive(cli, name: "赵过", id: "440106199001011235", departed: "2022-10-20", arrived: "2022-10-21")
        let day = on(cli, "2022-11-05")
        let untouchedBefore = try json(day, ["show", "420102199003071232"])
        let out = try publish(
            day, "310115006,上海市浦东新区潍坊新村街道,高,2022-11-01,\n310115,上海市浦东新区,中,2022-10-15,\n")
        // 张早 left on 10-30: inside the mid-risk area's days (from 10-15), not the high one's (from 11-01); the 9th
        // plan's 7 days of 居家隔离 run to 11-06, so 11-05 and 11-06 are left.
        // 赵过 left on 10-20: also the mid-risk area, and the 9th plan's 7 days of 居家隔离 were over on 10-27.
        #expect(out.hasPrefix("风险区变化：2 人重新判定（1 人需补做管控和核酸，1 人风险期已过）"), "\(out)")
        let early = try json(day, ["show", "420102199003071232"])
        #expect(early["category"] as? String == "mid_risk", "\(early)")
        #expect(untouchedBefore["category"] as? String == "low_risk")
        let over = try json(day, ["show", "440106199001011235"])
        #expect(over["category"] as? String == "mid_risk")
        let today = try json(day, ["today"])
        let listed = try #require(today["reclassified"] as? [[String: Any]])
        let periodOver = listed.first { $0["id_number"] as? String == "440106199001011235" }
        #expect(periodOver?["period_over"] as? Bool == true, "\(listed)")
        let nothingDue = try rows(
            day,
            "SELECT count(*) FROM lab_test t JOIN person p ON p.id = t.person_id WHERE p.id_number = '440106199001011235' AND t.deleted = 0 AND t.sampled_on IS NULL AND t.due_on >= '2022-11-05'"
        )
        #expect(nothingDue[0][0] == "0")
        // Listed once: the same publication again adds no second event.
        _ = try publish(on(cli, "2022-11-06"), "310115,上海市浦东新区,中,2022-10-15,\n")
        let events = try rows(
            day,
            "SELECT count(*) FROM measure_event e JOIN measure m ON m.id = e.measure_id JOIN person p ON p.id = m.person_id WHERE p.id_number = '440106199001011235' AND e.reason LIKE '%风险期已过%'"
        )
        #expect(events[0][0] == "1")

        // A high-risk area whose first day is after someone's stay leaves them as they were.
        let later = try village()
        try arrive(later, name: "钱后", id: "32010219751201003X", departed: "2022-10-25", arrived: "2022-10-26")
        let same = try later.contents()
        let none = try publish(on(later, "2022-11-05"), "310115,上海市浦东新区,高,2022-11-01,\n")
        #expect(!none.contains("重新判定"))
        // Only the list itself is written (its row, its change, the clock that stamped it).
        func persons(_ rows: [String]) -> [String] {
            rows.filter { row in
                !["risk_area", "change_log", "sqlite_sequence", "setting [key:\"hlc\""].contains { row.hasPrefix($0) }
            }
        }
        #expect(persons(try later.contents()) == persons(same))
    }

    @Test(
        "an area lifted earlier than its plan's day lowers nothing: the person is listed 可研判解除 and stays under the measure"
    )
    func liftedListed() throws {
        let cli = try village()
        try arrive(cli, name: "王强", id: "310115199001011232", departed: "2022-11-03", arrived: "2022-11-04")
        _ = try publish(on(cli, "2022-11-05"), "310115,上海市浦东新区,高,2022-11-01,\n")
        // The county corrects the list: the area was lifted on 11-02, before he left.
        let day = on(cli, "2022-11-06")
        let out = try publish(day, "310115,上海市浦东新区,高,2022-11-01,2022-11-02\n")
        #expect(!out.contains("重新判定"))
        let person = try json(day, ["show", "310115199001011232"])
        #expect(person["category"] as? String == "high_risk")
        #expect((person["measure"] as? [String: Any])?["status"] as? String == "active")
        let today = try json(day, ["today"])
        let release = try #require(today["may_release"] as? [[String: Any]])
        #expect(release.map { $0["id_number"] as? String } == ["310115199001011232"], "\(release)")
        #expect(try day.run(["today"]).out.contains("风险区已解除，可研判解除（1）"))
    }

    @Test("a returnee declared from a place that becomes risky is marked on today's list before they arrive")
    func declaredBeforeArrival() throws {
        let cli = try village()
        // The lead as a pull from the county writes it (the county made it from the declaration page's fields).
        let registry = try Registry.open(path: cli.db, now: { Date() })
        let declared = try Declaration.lead(
            Declaration.form([
                "name": "李四", "id_number": "32010219751201003X", "phone": "13700137000", "from": "上海市浦东新区",
                "departed": "2022-11-03", "arrived": "2022-11-04", "address": "五组2号", "transport": "火车",
            ]),
            village: "110105001001", today: Day("2022-11-04")!, declaredAt: "2022-11-04T20:00:00+08:00")
        try registry.write { _, recorder, _ in try recorder.insert(declared) }
        let quiet = try cli.run(["today"]).out
        #expect(quiet.contains("李四") && !quiet.contains("来自风险区"))

        let day = on(cli, "2022-11-05")
        _ = try publish(day, "310115,上海市浦东新区,高,2022-11-01,\n")
        #expect(try day.run(["today"]).out.contains("⚠ 来自风险区（上海市浦东新区），到达即管控"))
        let leads = try #require(try json(day, ["today"])["leads"] as? [[String: Any]])
        #expect(leads.first?["from_risk_area"] as? String == "上海市浦东新区", "\(leads)")
    }
}
