import Foundation
import GRDB
import RegistrySync
import Testing

@testable import CountyServer
@testable import RegistryCore

/// The household register and a sweep reach the county like every other row, checked by its column rules, and stay
/// there: they never go up to a city (issue 38).
@Suite("Household register and sweeps at the county", .serialized)
struct SweepSyncTests {
    @Test("a village's register, round and visits sync to the county; the relay up leaves them out")
    func registerSyncs() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        let csv = try CSVFile(
            data: Data("住址,户主,联系电话,人口,网格\n一组1号,王建国,13800138000,4,一组\n一组2号,李秀英,,3,一组\n".utf8),
            file: "register.csv")
        let imported = try a.importHouseholds(csv, skipInvalid: false)
        #expect(imported.added == 2 && imported.written)
        _ = try a.startSweep(reason: "新增风险区", due: nil)
        _ = try a.recordVisit("王建国", result: "seen", returnees: 1)
        _ = try a.recordVisit("一组2号", result: "nobody_home")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(try count(county.db, "SELECT count(*) FROM household") == 2)
        #expect(try count(county.db, "SELECT count(*) FROM sweep_round") == 1)
        #expect(try count(county.db, "SELECT count(*) FROM sweep_visit WHERE result = 'nobody_home'") == 1)
        // What a relay up to a city would read of the county's log: everything of the village but the register.
        let condition = RelayPage.condition(
            settings: try CountySettings(["county": "110105", "site": "s", "epoch": "e"]))
        #expect(try count(county.db, "SELECT count(*) FROM change_log WHERE tbl = 'household'") == 2)
        #expect(
            try count(
                county.db,
                "SELECT count(*) FROM change_log WHERE \(condition) AND tbl IN ('household', 'sweep_round', 'sweep_visit')"
            ) == 0)
        #expect(
            try count(county.db, "SELECT count(*) FROM change_log WHERE \(condition)") > 0, "the rest still goes up")
    }

    @Test(
        "the county orders a township to sweep: each village gets it first on its work list, answers it, and the merge run and the dashboard show coverage; past the due time the village below 100 % is listed under 需要处理"
    )
    func countyOrder() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T20:00:00+08:00"])
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        let ordered = try county.command([
            "sweep", "order", "--township", "110105001", "--reason", "新增风险区 江岸", "--due", "2022-11-06 08:00",
        ])
        #expect(ordered.contains("共 2 个村"), "\(ordered)")
        #expect(throws: RegistryError.self) {
            try county.command([
                "sweep", "order", "--township", "110105009", "--reason", "x", "--due", "2022-11-06 08:00",
            ])
        }
        #expect(throws: RegistryError.self) {
            try county.command(["sweep", "order", "--all", "--reason", "x", "--due", "明早八点"])
        }
        var villages: [(Registry, String)] = []
        for code in ["110105001001", "110105001002"] {
            let clock = Clock(ISO8601DateFormatter().date(from: "2022-11-05T20:00:00+08:00")!)
            let registry = try makeVillage(county, code: code, clock: clock)
            let token = try county.command(["token", "issue", "--village", code])
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            let register = try CSVFile(
                data: Data("住址,户主,网格\n一组1号,王建国,一组\n一组2号,李秀英,一组\n".utf8), file: "register.csv")
            _ = try registry.importHouseholds(register, skipInvalid: false)
            villages.append((registry, token))
        }
        let (first, firstToken) = villages[0]
        let work = try first.workList(on: Day("2022-11-05")!)
        #expect(
            work.sweep?.orders.first?.reason == "新增风险区 江岸" && work.sweep?.orders.first?.due_at == "2022-11-06 08:00")
        let text = work.text(.zh)
        #expect(
            text.split(separator: "\n").dropFirst(2).first?.contains("县里要求排查：新增风险区 江岸，2022-11-06 08:00 前完成") == true,
            "the order is the work list's first item: \(text)")
        // The first village answers the order (its reason and due time come with it) and reaches both households.
        let round = try first.startSweep(reason: nil, due: nil)
        #expect(round.reason == "新增风险区 江岸" && round.dueAt == "2022-11-06 08:00" && round.orderId != nil)
        #expect(try first.workList(on: Day("2022-11-05")!).sweep?.orders.isEmpty == true, "answered")
        _ = try first.recordVisit("王建国", result: "seen")
        _ = try first.recordVisit("一组2号", result: "seen")
        // The second starts but finds nobody home at one door.
        let (second, secondToken) = villages[1]
        _ = try second.startSweep(reason: nil, due: nil)
        _ = try second.recordVisit("王建国", result: "seen")
        _ = try second.recordVisit("李秀英", result: "nobody_home")
        _ = try await SyncSession(registry: first, transport: county.transport(firstToken)).run()
        _ = try await SyncSession(registry: second, transport: county.transport(secondToken)).run()

        func sweeps(_ date: String) throws -> [[String: Any]] {
            let json = try county.command(["merge", "--date", date, "--format", "json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return object?["sweeps"] as? [[String: Any]] ?? []
        }
        let before = try #require(try sweeps("2022-11-05").first)
        #expect(before["reason"] as? String == "新增风险区 江岸" && before["past_due"] as? Bool == false)
        let lines = (before["villages"] as? [[String: Any]] ?? []).map {
            "\($0["village"]!) \($0["households_visited"]!)/\($0["households_total"]!)"
        }
        #expect(lines == ["110105001001 2/2", "110105001002 1/2"], "\(lines)")
        let township = (before["townships"] as? [[String: Any]])?.first
        #expect(township?["villages_complete"] as? Int == 1 && township?["households_visited"] as? Int == 3)
        #expect((before["behind"] as? [String])?.isEmpty == true, "not due yet")

        // The next morning, past 08:00: the second village is behind.
        try county.setClock("2022-11-06T09:00:00+08:00")
        let after = try #require(try sweeps("2022-11-06").first)
        #expect(after["past_due"] as? Bool == true && after["behind"] as? [String] == ["110105001002"])
        let (status, page) = try await county.transport(countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-11-06"], body: nil)
        let html = String(decoding: page, as: UTF8.self)
        #expect(status == 200 && html.contains("入户排查未完成（已过时限）") && html.contains("1/2 户"), "\(html)")
        #expect(!html.contains("2/2 户"), "a complete village is not listed")
        #expect(html.contains("入户排查（近 14 天的排查令）") && html.contains("1/2 村完成（已过时限）"), "\(html)")
        #expect(html.contains("<td class=\"n\">3/4</td>"), "the township's households reached")
    }
}
