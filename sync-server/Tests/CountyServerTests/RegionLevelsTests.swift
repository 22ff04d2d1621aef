import Foundation
import RegistryCore
import RegistrySync
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A city server set up by its IT officer with the server's own commands: the level, the roster of its counties,
/// tokens for them, and what a city refuses.
@Suite("Levels above the county")
struct RegionLevelsTests {
    @Test("a city: init --region --level city, its counties' roster all or nothing, tokens for them only, no villages")
    func city() async throws {
        let city = try ServerHarness(region: "420100", level: "city", name: "武汉市")
        // The roster: a bad row (a county of another city) refuses the whole file, naming its line.
        try city.write("bad.csv", "code,name,parent_code\n420102,江岸区,420100\n430102,芙蓉区,420100\n")
        #expect(try city.refusal(["regions", "import", city.path("bad.csv")]).contains("line 3"))
        #expect(try city.command(["regions", "list"]).isEmpty)
        try city.write("counties.csv", "代码,名称,上级代码\n420102,江岸区,420100\n420103,江汉区,420100\n")
        #expect(try city.command(["regions", "import", city.path("counties.csv")]) == "区划名册：新增 2，更新 0")
        try city.write("rename.csv", "code,name,parent_code\n420103,江汉区（新）,420100\n")
        #expect(
            try city.command(["regions", "import", city.path("rename.csv"), "--lang", "en"])
                == "regions: 0 added, 1 updated")
        #expect(try city.command(["regions", "list"]).contains("420103  江汉区（新）  县级  上级 420100"))
        // A city's roster holds counties under it: not itself, not another city, not a county with a wrong parent.
        for (row, why) in [
            ("420100,武汉市,420100", "not below"), ("420200,黄石市,420100", "not below"),
            ("420104,硚口区,420102", "parent_code"),
        ] {
            try city.write("one.csv", "code,name,parent_code\n\(row)\n")
            #expect(try city.refusal(["regions", "import", city.path("one.csv")]).contains(why), "\(row)")
        }
        // Tokens: for a county of the roster and for the city itself; never a village, nor a county not on the roster.
        let county = try city.command(["token", "issue", "--region", "420102"])
        #expect(county.count >= 32)
        #expect(
            try city.refusal(["token", "issue", "--village", "420102001001"]).contains(
                "only a county server issues village tokens"))
        #expect(try city.refusal(["token", "issue", "--region", "420111"]).contains("not on this server's roster"))
        let own = try city.command(["token", "issue", "--county"])
        #expect(try city.command(["token", "list"]).contains("420102  江岸区"))
        // Villages belong to counties; the level and the code of a database never change.
        try city.write("villages.csv", "code,name,township_code,township_name\n420102001001,一村,420102001,一街道\n")
        #expect(
            try city.refusal(["villages", "import", city.path("villages.csv")]).contains(
                "villages belong to a county server"))
        #expect(try city.refusal(["init", "--county", "420100", "--name", "武汉市"]).contains("is a city server"))
        #expect(
            try city.refusal(["init", "--region", "420200", "--level", "city", "--name", "黄石市"]).contains(
                "already belongs to 420100"))

        // Served: the city's own token opens its summary; a county's token does not, and cannot sync either.
        try city.start()
        defer { city.stop() }
        func status(_ path: String, _ token: String) async throws -> Int {
            var request = URLRequest(url: city.url.appendingPathComponent(path))
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await status("v1/summary", own) == 200)
        #expect(try await status("v1/summary", county) == 401)
        let pull = try await status("v1/sync/pull", county)
        #expect(pull == 401, "\(pull)")
    }

    @Test(
        "a province: its cities and their counties, a county directly under it; codes of the wrong level refused at init"
    )
    func province() throws {
        let province = try ServerHarness(region: "420000", level: "province", name: "湖北省")
        try province.write(
            "regions.csv",
            """
            code,name,parent_code
            420100,武汉市,420000
            420102,江岸区,420100
            429004,仙桃市,420000
            """)
        #expect(try province.command(["regions", "import", province.path("regions.csv")]) == "区划名册：新增 3，更新 0")
        #expect(try province.command(["regions", "list"]).contains("420100  武汉市  市级  上级 420000"))
        // A county whose city is on the roster hangs under that city, not under the province.
        try province.write("wrong.csv", "code,name,parent_code\n420103,江汉区,420000\n")
        #expect(try province.refusal(["regions", "import", province.path("wrong.csv")]).contains("parent_code"))
        #expect(throws: (any Error).self) { try ServerHarness(region: "420102", level: "city", name: "江岸区") }
        #expect(throws: (any Error).self) { try ServerHarness(region: "420100", level: "province", name: "武汉市") }
    }
}
