import Foundation
import RegistryCore
import RegistrySync
import Testing

@Suite("The roster over time")
struct RosterJoinTests {
    @Test("a village is not missing on days before it joined the roster, unless it reported then")
    func notMissingBeforeJoining() throws {
        let county = try ServerHarness()  // the roster is imported today
        let today = RegistryClock(now: { Date() }).today
        func summary(_ day: Day) throws -> [String: Any] {
            let out = try county.command(["merge", "--date", "\(day)", "--format", "json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        }
        let before = try summary(today.adding(days: -3))
        #expect(before["villages_expected"] as? Int == 0)
        #expect((before["missing"] as? [String])?.isEmpty == true)
        let now = try summary(today)
        #expect(now["villages_expected"] as? Int == 2)
        #expect((now["missing"] as? [String])?.count == 2)
    }
}

@Suite("Tokens and villages", .serialized)
struct TokenVillageTests {
    @Test("a laptop given another village's token stops before pushing, naming both villages; token list shows names")
    func anotherVillagesToken() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: "110105001001")
        try intake(a, name: "张三", id: "420102199003071232")
        await #expect { try await SyncSession(registry: a, transport: county.transport(tokenB)).run() } throws: {
            let message = RegistryError.from($0).message(.zh)
            return message.contains("110105001002（二村）") && message.contains("110105001001")
        }
        #expect(try count(county.db, "SELECT count(*) FROM change_log WHERE tbl = 'person'") == 0)
        let list = try county.command(["token", "list"])
        #expect(list.contains("110105001002  二村") && list.contains("有效"), "\(list)")
        // A second token of the same village is told apart: its own id, and which one has pushed (issue 34).
        let second = try county.command(["token", "issue", "--village", "110105001002"])
        let b = try makeVillage(county, code: "110105001002")
        try intake(b, name: "李四", id: "11010519491231002X")
        _ = try await SyncSession(registry: b, transport: county.transport(second)).run()
        let lines = try county.command(["token", "list"]).split(separator: "\n").filter { $0.hasPrefix("110105001002") }
        #expect(lines.count == 2 && Set(lines).count == 2, "\(lines)")
        #expect(lines.filter { $0.contains("最近上传 从未") }.count == 1, "\(lines)")
    }

    @Test(
        "local risk areas (imported before the village was linked) are never pushed, so the first sync has no rejections"
    )
    func localRiskAreasStayLocal() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        _ = try a.importRiskAreas(
            try CSVFile(
                data: Data("code,name,level,in_force_from,lifted_on\n310115,浦东,中,2022-06-01,\n".utf8), file: "ra.csv"))
        try intake(a, name: "张三", id: "420102199003071232")
        let report = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(report.rejected == 0 && report.pushed > 0)
        #expect(try SyncStatus.of(a).pending == 0 && SyncStatus.of(a).rejected.isEmpty)
        #expect(try count(county.db, "SELECT count(*) FROM risk_area WHERE code = '310115'") == 0)
    }

    @Test("a lead is closed by naming the registered person as the clerk knows them: a unique name will do")
    func leadByName() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        try county.write(
            "leads.csv",
            "village,name,id_number,phone,from_code,from_name,reason,deadline\n110105001001,张三,,13500135000,420102,江岸区,协查,2022-07-06\n"
        )
        try county.command(["leads", "import", county.path("leads.csv")])
        let a = try makeVillage(county, code: "110105001001")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        let lead = try #require(try a.workList(on: Day("2022-07-05")!).leads.first)
        #expect { try a.closeLead(lead.lead_id, outcome: .found, on: Day("2022-07-05")!) } throws: {
            RegistryError.from($0).message(.zh).contains("--person")
        }
        try intake(a, name: "张三", id: "420102199003071232")
        let closed = try a.closeLead(lead.lead_id, outcome: .found, on: Day("2022-07-05")!)
        #expect(closed.personId != nil)
    }
}
