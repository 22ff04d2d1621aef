import Foundation
import GRDB
import RegistryCore
import Testing

/// What arrives late acts at once (信息返流, issue 35), through the built `registry` binary and a real `sync-server`
/// process: a risk area published after people arrived, a lab result for a sample the village never typed, a
/// positive for someone registered nowhere.
@Suite("Late information through the county", .serialized)
struct LateInformationTests {
    func laptop(_ county: ServerHarness, now: String = "2022-11-04 09:00") throws -> Laptop {
        let village = "110105001001"
        let token = try county.command(["token", "issue", "--village", village])
        let laptop = Laptop(db: county.path("village-\(village).sqlite"), county: county, token: token, now: now)
        _ = try laptop.ok(["init", "--village", village, "--name", "一村"])
        return laptop
    }

    @Test(
        "浦东 published on 11-05 in force from 11-01: at the village's next sync the person who left it on 11-03 is put under 集中隔离 to 11-10, the sync says so, today lists him first; the county's dashboard counts him until sampled"
    )
    func publishedLateThroughSync() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-04T09:00:00+08:00"])
        try county.start()
        var clerk = try laptop(county)
        _ = try clerk.ok([
            "intake", "--name", "王强", "--id-number", "310115199001011232", "--phone", "13800138000", "--from",
            "310115", "--from-name", "上海市浦东新区", "--departed", "2022-11-03", "--arrived", "2022-11-04",
            "--address", "一组3号",
        ])
        #expect(try clerk.json(["show", "310115199001011232"])["category"] as? String == "low_risk")
        let quiet = try clerk.sync()
        #expect(!quiet.contains("重新判定"), "\(quiet)")

        // 11-05: the county publishes 浦东 as high risk from 11-01.
        try county.setClock("2022-11-05T09:00:00+08:00")
        try county.write("pudong.csv", "code,name,level,in_force_from,lifted_on\n310115,上海市浦东新区,高,2022-11-01,\n")
        try county.command(["risk-areas", "import", county.path("pudong.csv")])
        clerk.now = "2022-11-05 09:00"
        let synced = try clerk.sync()
        #expect(
            synced.hasPrefix("风险区变化：1 人重新判定（1 人需补做管控和核酸，0 人风险期已过）"),
            "the alert comes first: \(synced)")

        let person = try clerk.json(["show", "310115199001011232"])
        #expect(person["category"] as? String == "high_risk")
        let phases = try #require((person["measure"] as? [String: Any])?["phases"] as? [[String: Any]])
        #expect(phases.first?["kind"] as? String == "central_quarantine")
        #expect(
            phases.first?["starts_on"] as? String == "2022-11-05" && phases.first?["ends_on"] as? String == "2022-11-10"
        )
        let today = try clerk.json(["today"])
        let listed = try #require((today["reclassified"] as? [[String: Any]])?.first)
        #expect(
            listed["id_number"] as? String == "310115199001011232" && listed["to_category"] as? String == "high_risk")
        #expect(listed["learned_on"] as? String == "2022-11-05" && listed["area"] as? String == "上海市浦东新区")
        let text = try clerk.ok(["today"])
        #expect(text.contains("新增风险人员（1）"), "\(text)")

        // The reclassification went up with the same sync's push or goes with the next: the county counts it.
        _ = try clerk.sync()
        let countyToken = try county.command(["token", "issue", "--county"])
        func dashboard() async throws -> String {
            let (status, body) = try await county.transport(countyToken).send(
                "GET", "/dashboard", query: ["date": "2022-11-05"], body: nil)
            #expect(status == 200)
            return String(decoding: body, as: UTF8.self)
        }
        let page = try await dashboard()
        let table = page.components(separatedBy: "id=\"reclassified\"").dropFirst().first?.prefix(600) ?? ""
        #expect(table.contains("一村") && table.contains("<td class=\"n\">1</td><td class=\"n\">1</td>"), "\(table)")

        // Sampled today: off the village's 新增 list, and no longer unsampled at the county.
        _ = try clerk.ok(["test", "310115199001011232", "--sampled", "2022-11-05", "--result", "pending"])
        #expect((try clerk.json(["today"])["reclassified"] as? [Any])?.isEmpty == true)
        _ = try clerk.sync()
        let after = try await dashboard()
        let row = after.components(separatedBy: "id=\"reclassified\"").dropFirst().first?.prefix(600) ?? ""
        #expect(row.contains("<td class=\"n\">1</td><td class=\"n\">0</td>"), "\(row)")
    }

    @Test(
        "a positive lab result for a sample the village never recorded lands at the next sync: the person escalated, the household member moved to the close-contact plan"
    )
    func unrecordedSamplePositive() throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-07-03T09:00:00+08:00"])
        try county.start()
        var clerk = try laptop(county, now: "2022-07-03 09:00")
        _ = try clerk.ok([
            "intake", "--name", "张三", "--id-number", "420102199003071232", "--phone", "13800138000", "--from",
            "420102", "--departed", "2022-07-01", "--arrived", "2022-07-02", "--address", "一组3号",
        ])
        _ = try clerk.ok([
            "household", "add", "420102199003071232", "--name", "张母", "--id-number", "110105195001011234",
        ])
        _ = try clerk.sync()

        // The township sampled on 07-04; the clerk typed nothing. On 07-05 the county's lab sheet has the positive.
        try county.setClock("2022-07-05T09:00:00+08:00")
        try county.write(
            "lab.csv", "身份证号,姓名,采样日期,结果,检测机构\n420102199003071232,张三,2022-07-04,阳性,县疾控中心\n")
        let imported = try county.command(["results", "import", county.path("lab.csv")])
        #expect(imported.hasPrefix("检测结果：写入 1（阳性 1，村里未录采样 1）"), "\(imported)")

        clerk.now = "2022-07-05 09:00"
        let synced = try clerk.sync()
        #expect(synced.hasPrefix("县检测结果阳性：张三。已升级管控"), "\(synced)")
        let zhang = try clerk.json(["show", "420102199003071232"])
        #expect((zhang["measure"] as? [String: Any])?["status"] as? String == "escalated", "\(zhang)")
        let tests = try #require(zhang["tests"] as? [[String: Any]])
        #expect(
            tests.contains {
                $0["sampled_on"] as? String == "2022-07-04" && $0["result"] as? String == "positive"
                    && $0["lab"] as? String == "县疾控中心"
            }, "\(tests)")
        let mother = try clerk.json(["show", "110105195001011234"])
        #expect(mother["category"] as? String == "close_contact", "\(mother)")
        #expect(try clerk.ok(["today"]).contains("张母"))
        // The same sheet again writes nothing more.
        #expect(
            try county.command(["results", "import", county.path("lab.csv")])
                .hasPrefix("检测结果：写入 0（阳性 0，村里未录采样 0），已有相同结果 1"))
    }

    @Test(
        "a positive for someone registered nowhere is kept at the county and listed first on the dashboard (阳性未落地) until a village registers the person; with a village column it goes there as a lead"
    )
    func unregisteredPositive() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-07-05T09:00:00+08:00"])
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        let clerk = try laptop(county, now: "2022-07-05 09:00")
        try county.write(
            "lab.csv",
            "身份证号,姓名,手机号,采样日期,结果,检测机构\n440106199001011235,赵六,13900139000,2022-07-04,阳性,县疾控中心\n"
                + "32010219751201003X,钱七,,2022-07-04,阴性,县疾控中心\n")
        let imported = try county.command(["results", "import", county.path("lab.csv")])
        #expect(imported.contains("未登记 2（已留县里待落地）"), "\(imported)")
        func dashboard(_ query: [String: String] = [:]) async throws -> String {
            let (_, body) = try await county.transport(countyToken).send(
                "GET", "/dashboard", query: ["date": "2022-07-05"].merging(query) { $1 }, body: nil)
            return String(decoding: body, as: UTF8.self)
        }
        let page = try await dashboard()
        let unlanded = try #require(page.components(separatedBy: "id=\"unlanded\"").dropFirst().first?.prefix(800))
        #expect(unlanded.contains("赵*") && unlanded.contains("县疾控中心") && !unlanded.contains("钱"), "\(unlanded)")
        #expect(
            page.range(of: "阳性未落地")!.lowerBound < page.range(of: "未报、迟报的村")!.lowerBound,
            "listed first under 需要处理")
        let full = try await dashboard(["full": "1"])
        #expect(full.contains("440106199001011235") && full.contains("13900139000"))

        // The officer finds where he lives and imports the row again with the village: a lead there.
        try county.write(
            "lab-village.csv",
            "id_number,name,phone,sampled_on,result,lab,village\n440106199001011235,赵六,13900139000,2022-07-04,positive,县疾控中心,110105001001\n"
        )
        let sent = try county.command(["results", "import", county.path("lab-village.csv")])
        #expect(sent.contains("1 条已作为线索下发"), "\(sent)")
        #expect(!(try await dashboard()).contains("id=\"unlanded\""))
        _ = try clerk.sync()
        let leads = try #require(try clerk.json(["today"])["leads"] as? [[String: Any]])
        #expect(leads.contains { $0["id_number"] as? String == "440106199001011235" }, "\(leads)")
        #expect(
            leads.first { $0["id_number"] as? String == "440106199001011235" }?["reason"] as? String
                == "核酸阳性（2022-07-04 采样，县疾控中心），未在任何村登记")
    }
}
