import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RegistryCore
@testable import VillageWeb

/// 入户排查 on the clerk's pages (issue 38), in process over a registry file: start a round, one tap per outcome,
/// the page reloads to what is still open, a returnee found at the door goes to the intake form with the household.
@Suite("Clerk's sweep page")
struct SweepPageTests {
    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get) { String(buffer: $0.body) }
    }

    @Test("start, tap 已见到 and 无人在家, the list keeps only what is open, close refused with gaps, intake prefilled")
    func sweepPage() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).sqlite").path
        let registry = try Registry.open(path: path, now: { Date() })
        _ = try registry.initialize(village: "110105001001", name: "东村")
        let csv = try CSVFile(
            data: Data("住址,户主,网格\n一组1号,王建国,一组\n一组2号,李秀英,一组\n二组5号,张伟,二组\n".utf8), file: "r.csv")
        _ = try registry.importHouseholds(csv, skipInvalid: false)
        let web = WebApp(registry: registry, options: WebOptions())
        let csrf = web.guardian.open.csrf
        try await Application(router: web.router()).test(.router) { client in
            let empty = try await get(client, "/sweep")
            #expect(empty.contains("没有进行中的排查") && empty.contains("action=\"/sweep/start\""))
            let refused = try await PersonPageTests().post(client, "/sweep/start", ["csrf": csrf, "reason": ""])
            #expect(refused.0 == .unprocessableContent && refused.1.contains("原因：不能为空"), "\(refused.1)")
            let started = try await PersonPageTests().post(
                client, "/sweep/start", ["csrf": csrf, "reason": "新增风险区", "due": "2030-01-01 08:00"])
            #expect(started.0 == .seeOther && started.2 == "/sweep?done=sweepStarted")
            let open = try await get(client, "/sweep")
            #expect(open.contains("已排查 0/3 户") && open.contains("一组1号") && open.contains("二组5号"), "\(open)")
            #expect(!open.contains("无人在家 0 次"), "no count before anyone was away")
            let id = try #require(try registry.sweepStatus()?.open.first { $0.address == "一组1号" }?.household)
            let seen = try await PersonPageTests().post(
                client, "/sweep/visit", ["csrf": csrf, "household": id, "result": "seen"])
            #expect(seen.0 == .seeOther && seen.2 == "/sweep?done=visited")
            let id2 = try #require(try registry.sweepStatus()?.open.first { $0.address == "一组2号" }?.household)
            let nobody = try await PersonPageTests().post(
                client, "/sweep/visit", ["csrf": csrf, "household": id2, "result": "nobody_home"])
            #expect(nobody.2 == "/sweep?done=visitedOpen")
            let after = try await get(client, "/sweep?done=visitedOpen")
            #expect(after.contains("已排查 1/3 户") && !after.contains("<b>一组1号</b>") && after.contains("<b>一组2号</b>"))
            #expect(after.contains("无人在家 1 次") && after.contains("仍列为未排查"))
            let forged = try await PersonPageTests().post(client, "/sweep/visit", ["household": id2, "result": "seen"])
            #expect(forged.0 == .forbidden, "no CSRF token, nothing written")
            let today = try await get(client, "/today")
            #expect(today.contains("入户排查 新增风险区：已排查 1/3 户，还有 2 户"), "\(today)")
            let close = try await PersonPageTests().post(client, "/sweep/close", ["csrf": csrf])
            #expect(close.0 == .unprocessableContent && close.1.contains("还有 2 户未排查"), "\(close.1)")
            #expect(after.contains("href=\"/intake?household="))
            let intake = try await get(client, "/intake?household=%E4%BA%8C%E7%BB%845%E5%8F%B7")
            #expect(intake.contains("value=\"二组5号\""), "the household is filled in")
        }
        #expect(try registry.sweepStatus()?.households_visited == 1)
    }
}
