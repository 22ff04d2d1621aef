import Foundation
import RegistryCore
import RegistrySync
import Testing

/// The county sees villages gone quiet (issue 39): one that syncs and one that never did; a day later both are listed
/// under 需要处理 with the time of last contact, and `merge --format json` carries `last_contact` per village.
@Suite("Villages gone quiet", .serialized)
struct QuietVillagesTests {
    @Test("last contact per village in merge JSON; past quiet_hours listed on the dashboard, never-contacted too")
    func quiet() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T09:00:00+08:00"])
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        let clock = Clock(ISO8601DateFormatter().date(from: "2022-11-05T09:00:00+08:00")!)
        let village = try makeVillage(county, code: "110105001001", clock: clock)
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()

        func merge(_ date: String) throws -> [String: Any] {
            let json = try county.command(["merge", "--date", date, "--format", "json"])
            return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        }
        let morning = try merge("2022-11-05")
        let lines = morning["villages"] as? [[String: Any]] ?? []
        let synced = lines.first { $0["village"] as? String == "110105001001" }
        #expect((synced?["last_contact"] as? String)?.hasPrefix("2022-11-05T09:00") == true, "\(lines)")
        #expect(lines.first { $0["village"] as? String == "110105001002" }?["last_contact"] == nil)
        let quietNow = (morning["quiet"] as? [[String: Any]] ?? []).compactMap { $0["village"] as? String }
        #expect(quietNow == ["110105001002"], "only the village never heard from: \(quietNow)")

        #expect(throws: RegistryError.self) { try county.command(["settings", "set", "quiet_hours", "0"]) }
        #expect(throws: RegistryError.self) { try county.command(["settings", "set", "deadline_x", "1"]) }
        #expect(try county.command(["settings", "set", "quiet_hours", "12"]) == "quiet_hours = 12")
        try county.setClock("2022-11-05T22:00:00+08:00")
        let evening = try merge("2022-11-05")
        let quiet = (evening["quiet"] as? [[String: Any]] ?? []).compactMap { $0["village"] as? String }
        #expect(quiet == ["110105001002", "110105001001"], "never first, then the longest silent: \(quiet)")
        #expect(evening["quiet_hours"] as? Int == 12)
        let (status, page) = try await county.transport(countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-11-05"], body: nil)
        let html = String(decoding: page, as: UTF8.self)
        #expect(status == 200 && html.contains("长时间未联系的村（超过 12 小时未同步") && html.contains("从未联系"))
        #expect(html.contains("11月5日 09:00") || html.contains("2022-11-05 09:00"), "the time of last contact")
    }
}
