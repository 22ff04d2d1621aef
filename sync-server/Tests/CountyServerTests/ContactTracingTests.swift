import Foundation
import RegistryCore
import RegistrySync
import Testing

/// Contacts across villages (issue 23): a positive in one village moves a companion registered in another within one
/// sync cycle, through a real `sync-server` process.
@Suite("Contacts across villages", .serialized)
struct ContactTracingTests {
    @Test(
        "a positive's companion registered in another village gets a lead there after one sync each; merge lists the chain; a second merge adds nothing"
    )
    func companionInAnotherVillage() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: "110105001001")
        let b = try makeVillage(county, code: "110105001002")
        let today = a.clock.today
        func arrival(_ name: String, _ id: String, with companions: [String] = [], address: String) -> IntakeForm {
            Self.arrival(name, id, with: companions, address: address, today: today)
        }
        // 张三 (village A) came back with 李四 (A, another household) and 王五 (registered in B); 赵六 is named but
        // registered nowhere. At home in A lives 张母, who did not travel.
        _ = try a.intake(
            arrival(
                "张三", "420102199003071232", with: ["11010519491231002X", "110101199001011237", "110101198001011232"],
                address: "一组3号"))
        _ = try a.intake(arrival("李四", "11010519491231002X", address: "二组5号"))
        _ = try a.addHouseholdMember(to: "张三", name: "张母", idNumber: "110105195001011234", phone: nil).get()
        _ = try b.intake(arrival("王五", "110101199001011237", address: "三组1号"))
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()

        let positive = try a.recordTest("张三", sampled: today, result: .positive, resultOn: nil, lab: nil)
        #expect(Set(positive.contacts.map(\.person.name)) == ["张母", "李四"], "the village moves its own at once")
        let pushed = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(pushed.rejected == 0)
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()

        // B: a lead for 王五, due today, but only A's word so far: it says who reported it, masks the positive's name,
        // and closing it as found puts nobody under a measure (one village's word is not another village's measure).
        let leadsB = try b.workList(on: today).leads
        #expect(leadsB.count == 1)
        let lead = try #require(leadsB.first)
        #expect(lead.id_number == "110101199001011237" && lead.deadline == "\(today)")
        #expect(lead.reason == "密接（待县核实）：一村报告 与 张* 同行", "\(lead.reason ?? "")")
        #expect(lead.name == "王五", "named as the village registered him, though the link carried his id number alone")
        _ = try b.closeLead(lead.lead_id, outcome: .found, on: today)
        #expect(try b.file("110101199001011237").current?.arrival.category != .closeContact)
        #expect(try b.workList(on: today).new_contacts.isEmpty)
        // Found on one village's word: listed for the clerk to assess (待研判), under no measure.
        let assess = try b.workList(on: today).to_assess
        #expect(assess.map(\.name) == ["王五"] && assess.first?.reason?.hasPrefix("密接（待县核实）") == true, "\(assess)")
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        // A: leads for both named persons it has not registered, 赵六 (registered nowhere) and 王五 (registered in B):
        // what comes back tells A nothing about other villages' registers.
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(Set(try a.workList(on: today).leads.map(\.id_number)) == ["110101198001011232", "110101199001011237"])

        // The laboratory confirms 张三's positive (the county imports its sheet): B's lead opens again with day 0
        // (the shared trip's departure), and closing it as found puts 王五 under the close-contact plan, a test today.
        try county.write(
            "lab.csv", "id_number,name,sampled_on,result,lab\n420102199003071232,张三,\(today),positive,县疾控中心\n")
        _ = try county.command(["results", "import", county.path("lab.csv")])
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        let confirmed = try #require(try b.workList(on: today).leads.first)
        #expect(confirmed.reason == "密接：与 张*（一村）同行", "\(confirmed.reason ?? "")")
        _ = try b.closeLead(confirmed.lead_id, outcome: .found, on: today)
        let wang = try #require(try b.file("110101199001011237").current)
        #expect(wang.arrival.category == .closeContact && wang.arrival.dayZero == today.adding(days: -2))
        #expect(wang.tests.contains { $0.dueOn == today })
        #expect(try b.workList(on: today).new_contacts.map(\.name) == ["王五"])
        #expect(try b.workList(on: today).to_assess.isEmpty, "under the plan now, no longer to assess")
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()

        // The county's merge lists the positive with its contacts by village and where they stand.
        let leadsBefore = try count(county.db, "SELECT count(*) FROM lead")
        let json = try county.command(["merge", "--format", "json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let chains = try #require(summary["positives"] as? [[String: Any]])
        #expect(chains.count == 1 && chains.first?["name"] as? String == "张三")
        let contacts = try #require(chains.first?["contacts"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: contacts.map { ($0["id_number"] as! String, $0) })
        #expect((byID["110101199001011237"]?["villages"] as? [String]) == ["110105001002"])
        #expect((byID["110101199001011237"]?["status"] as? [String])?.contains("under_measure") == true)
        #expect((byID["110101198001011232"]?["status"] as? [String]) == ["not_registered", "lead_pending"])
        #expect((byID["110105195001011234"]?["relation"] as? String) == "household")
        #expect((byID["11010519491231002X"]?["status"] as? [String])?.contains("under_measure") == true)
        #expect(try count(county.db, "SELECT count(*) FROM lead") == leadsBefore, "a second run adds nothing")
        let table = try county.command(["merge"])
        #expect(table.contains("当日阳性及其密接（1）") && table.contains("未在任何村登记"), "\(table)")
        // The dashboard shows the chain too: masked, and in full on request.
        let officer = try county.command(["token", "issue", "--county"])
        let (status, body) = try await county.transport(officer).send("GET", "/dashboard", query: [:], body: nil)
        let page = String(decoding: body, as: UTF8.self)
        #expect(status == 200 && page.contains("当日阳性及其密接（1）") && page.contains("110101********1237"))
        #expect(!page.contains("110101199001011237"))
        let full = try await county.transport(officer).send("GET", "/dashboard", query: ["full": "1"], body: nil)
        #expect(String(decoding: full.1, as: UTF8.self).contains("110101199001011237"))
    }
}

/// Places by name at the county (issue 15): risk-area lists and leads may name places instead of codes.
@Suite("Places by name at the county", .serialized)
struct CountyPlacesTests {
    @Test(
        "sync-server risk-areas import and leads import resolve names; a street the gazetteer lacks is kept at its district with a note"
    )
    func namesAtTheCounty() throws {
        let county = try ServerHarness()
        try county.write(
            "named.csv", "name,level,in_force_from,lifted_on\n石家庄藁城,高,2022-07-01,\n湖北省武汉市江岸区二七街道,中,2022-07-01,\n")
        let out = try county.command(["risk-areas", "import", county.path("named.csv")])
        #expect(out.contains("新增 2") && out.contains("第 3 行") && out.contains("二七街道"), "\(out)")
        #expect(try count(county.db, "SELECT count(*) FROM risk_area WHERE code = '130109'") == 1)
        try county.write(
            "leads.csv",
            "village,name,id_number,phone,from_code,from_name,reason,deadline\n"
                + "110105001001,张三,420102199003071232,,,石家庄藁城,协查,2022-07-06\n"
                + "110105001001,李四,11010519491231002X,,美国,,入境协查,2022-07-06\n")
        #expect(try county.command(["leads", "import", county.path("leads.csv")]).contains("新增下发 2"))
        #expect(
            try count(county.db, "SELECT count(*) FROM lead WHERE from_code = '130109' AND from_name = '河北省石家庄市藁城区'")
                == 1)
        #expect(try count(county.db, "SELECT count(*) FROM lead WHERE from_code = '840' AND from_name = '美国'") == 1)
        try county.write("bad.csv", "name,level,in_force_from,lifted_on\n朝阳区,高,2022-07-01,\n")
        #expect(throws: (any Error).self) { try county.command(["risk-areas", "import", county.path("bad.csv")]) }
    }
}
