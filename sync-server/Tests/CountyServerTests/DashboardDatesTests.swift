import Foundation
import RegistryCore
import RegistrySync
import Testing

/// The dashboard's day as a new officer met it (issue 37): at 09:00 no village is late yet, and a day to come has no
/// reports to show.
@Suite("The dashboard's dates", .serialized)
struct DashboardDatesTests {
    @Test("before the deadline a village not yet reported is 待报, not 未报 in red; after it, 未报; a future date is refused")
    func beforeDeadline() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T09:00:00+08:00"])
        _ = try county.command(["init", "--county", "110105", "--name", "演示县"])
        try county.write(
            "roster.csv", "code,name,township_code,township_name\n110105001001,东村,110105001,第一街道\n")
        _ = try county.command(["villages", "import", county.path("roster.csv")])
        try county.start()
        let officer = try county.command(["token", "issue", "--county"])
        func page(_ query: [String: String]) async throws -> (Int, String) {
            let (status, body) = try await county.transport(officer).send("GET", "/dashboard", query: query, body: nil)
            return (status, String(decoding: body, as: UTF8.self))
        }
        let (morning, early) = try await page([:])
        #expect(morning == 200)
        #expect(early.contains("class=\"status\">待报") && !early.contains("class=\"status\">未报"), "\(early)")
        let (future, why) = try await page(["date": "2022-11-06"])
        #expect(future == 400 && why.contains("不能晚于今天"), "\(why)")
        // The merge run refuses it too, in the same words, instead of listing every village as 未报.
        let merge = try county.refusal(["merge", "--date", "2022-11-06"])
        #expect(merge.contains("date cannot be after today (2022-11-05)"), "\(merge)")
        try county.setClock("2022-11-05T17:30:00+08:00")
        let (_, late) = try await page([:])
        #expect(late.contains("class=\"status\">未报") && !late.contains("class=\"status\">待报"))
        let (_, yesterday) = try await page(["date": "2022-11-04"])
        #expect(!yesterday.contains("class=\"status\">待报"), "a past day is never 待报")
    }
}
