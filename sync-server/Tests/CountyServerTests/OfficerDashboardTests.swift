import Foundation
import RegistryCore
import RegistrySync
import Testing

/// The county officer's dashboard (issue 22) over a real server: the day's lists an officer acts on, a village's
/// page, another day, the downloads, and persons masked until asked for (which is logged).
@Suite("The officer's dashboard", .serialized)
struct OfficerDashboardTests {
    @Test(
        "the officer's path: a missing village and its clerk's phone, a late one by how late, a positive and a fever, yesterday, downloads"
    )
    func officersPath() async throws {
        var day = try await CountyDay.make()
        // The roster again, with whom to phone (kept at the county only).
        try day.county.write(
            "contacts.csv",
            """
            code,name,township_code,township_name,contact
            110105002002,中村,110105002,第二街道,李会计 13800138005

            """)
        try day.county.command(["villages", "import", day.county.path("contacts.csv")])
        // 东村's 张三 tests positive; 西村's 李四 has a fever and a cough.
        let east = try #require(day.villages["110105001001"])
        let west = try #require(day.villages["110105001002"])
        east.clock.now = nov5("19:59")
        _ = try east.registry.recordTest(
            "420102199003071232", sampled: Day("2022-11-05")!, result: .positive, resultOn: nil, lab: nil)
        west.clock.now = nov5("19:59")
        _ = try west.registry.check("32010219751201003X", temperature: 38.6, symptoms: ["咳嗽"], at: nil)
        for village in [east, west] {
            _ = try await SyncSession(registry: village.registry, transport: day.county.transport(village.token)).run()
        }
        day.villages = [:]

        func get(_ path: String, _ query: [String: String]) async throws -> (Int, String) {
            let (status, body) = try await day.county.transport(day.countyToken).send(
                "GET", path, query: query, body: nil)
            return (status, String(decoding: body, as: UTF8.self))
        }
        let (status, page) = try await get("/dashboard", ["date": "2022-11-05"])
        #expect(status == 200)
        // The village to chase: by name, linked to its page, with the clerk's phone; the late one by how late.
        #expect(
            page.contains("href=\"/dashboard/village/110105002002?date=2022-11-05\"")
                && page.contains("李会计 13800138005"))
        #expect(page.contains("迟到 1 小时"), "西村 first submitted at 18:10, the deadline 17:00")
        // The positive and the fever, masked, each linked to its row on the village's page.
        #expect(
            page.contains("张*") && page.contains("阳性（11月5日采样）") && page.contains("体温 38.6 ℃ 咳嗽"),
            "\(page.components(separatedBy: "id=\"flagged\"").last?.prefix(1500) ?? "")")
        #expect(page.contains("/dashboard/village/110105001001?date=2022-11-05#flag-"))
        #expect(
            !page.contains("420102199003071232") && !page.contains("32010219751201003X"), "persons masked by default")
        // Times as people read them, and the revision said.
        #expect(page.contains("11月5日 18:10") && page.contains("已修订，第 2 版 11月5日 19:30") && !page.contains("T18:10:00"))

        // Following the missing village: no report, the phone to call.
        let (villageStatus, missing) = try await get("/dashboard/village/110105002002", ["date": "2022-11-05"])
        #expect(villageStatus == 200 && missing.contains("当日未收到日报") && missing.contains("李会计 13800138005"))
        // Following the positive: the village page has the row, masked, until shown in full (which is logged).
        let (_, east5) = try await get("/dashboard/village/110105001001", ["date": "2022-11-05"])
        #expect(east5.contains("id=\"flag-") && east5.contains("张*") && !east5.contains("420102199003071232"))
        #expect(east5.contains("第 1 版") && east5.contains("填报人"))
        let (_, full) = try await get("/dashboard/village/110105001001", ["date": "2022-11-05", "full": "1"])
        #expect(full.contains("420102199003071232"))
        #expect(day.county.log.contains("village=110105001001") && day.county.log.contains("persons shown unmasked"))

        // Yesterday: the day's own page, links to the days around it, no self-refresh for a day gone by.
        let (_, yesterday) = try await get("/dashboard", ["date": "2022-11-04"])
        #expect(
            yesterday.contains("日期 2022-11-04") && yesterday.contains("href=\"/dashboard?date=2022-11-03\"")
                && yesterday.contains("href=\"/dashboard?date=2022-11-05\"")
                && !yesterday.contains("http-equiv=\"refresh\""))

        // The downloads: the day's merge, masked unless asked in full.
        let (csvStatus, csv) = try await get("/dashboard/merge.csv", ["date": "2022-11-05"])
        #expect(
            csvStatus == 200 && csv.contains("中村") && csv.contains("\"=\"\"110105002002\"\"\""), "\(csv.prefix(600))")
        #expect(!csv.contains("420102199003071232"))
        let xlsx = try await day.county.transport(day.countyToken).send(
            "GET", "/dashboard/merge.xlsx", query: ["date": "2022-11-05"], body: nil)
        let path = day.county.path("merge-download.xlsx")
        try xlsx.body.write(to: URL(fileURLWithPath: path))
        let book = try XLSXFile(path: path)
        #expect(book.rows.count == 5 && book.rows.contains { $0.fields[4] == "中村" && $0.fields[5] == "未报" })

        // Refusals: a code not on the roster or not a code, a date that is not one.
        #expect(try await get("/dashboard/village/110105009009", [:]).0 == 404)
        #expect(try await get("/dashboard/village/abc", [:]).0 == 404)
        #expect(try await get("/dashboard", ["date": "2022-13-01"]).0 == 400)
    }
}
