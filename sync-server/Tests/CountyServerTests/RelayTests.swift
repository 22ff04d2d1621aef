import CountyServer
import Foundation
@testable import RegistryCore
import RegistrySync
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A county relays its log up to its city (`upstream set`, `upstream sync`, `serve --upstream-every`), each entry
/// with its origin and clock, exactly once; a region writes only inside itself.
@Suite("Relay up to the city", .serialized)
struct RelayTests {
    /// A city above the harness's county (110105 朝阳区), with 110106 丰台区 beside it on the roster, serving.
    static func city() throws -> ServerHarness {
        let city = try ServerHarness(region: "110100", level: "city", name: "北京市")
        try city.write("counties.csv", "code,name,parent_code\n110105,朝阳区,110100\n110106,丰台区,110100\n")
        try city.command(["regions", "import", city.path("counties.csv")])
        try city.start()
        return city
    }

    /// A log's entries as comparable lines: the row, its clock, origin and origin sequence, scope and columns (a row's
    /// first entry carries its id among the columns where it was written, not where it was merged: the key says it).
    static func entries(_ db: String) throws -> [String] {
        try rows(db, "SELECT tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq) AS oseq, scope FROM change_log")
            .map { row in
                let columns: String = row["columns"]
                let tbl: String = row["tbl"]
                let pk: String = row["pk"]
                let origin: String = row["origin"]
                let hlc: Int64 = row["hlc"]
                let oseq: Int64 = row["oseq"]
                let scope: String = row["scope"]
                return
                    "\(tbl) \(pk) \(hlc) \(origin) \(oseq) \(scope) \(ColumnValues(json: columns).map { ColumnValues($0.values.filter { $0.key != "id" }).json } ?? columns)"
            }.sorted()
    }

    @Test(
        "upstream set and sync: the city holds every entry of the county's log as written; again sends nothing; a lost acknowledgement resends nothing twice"
    )
    func relay() async throws {
        let city = try Self.city()
        defer { city.stop() }
        let county = try ServerHarness()
        try county.start()
        defer { county.stop() }
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        try intake(village, name: "欧阳娜娜", id: "420102199003071232")
        try intake(village, name: "李四", id: "11010519491231002X")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()

        #expect(try county.refusal(["upstream", "sync"]).contains("no upper server is set"))
        #expect(
            try county.refusal(["upstream", "set", "--server", "city.example", "--token", "x"]).contains(
                "--server must be"))
        let regionToken = try city.command(["token", "issue", "--region", "110105"])
        try county.command(["upstream", "set", "--server", city.url.absoluteString, "--token", regionToken])
        let countyLog = try Self.entries(county.db)
        let relayed = try county.command(["upstream", "sync"])
        #expect(relayed.hasPrefix("已向上级转发 \(countyLog.count) 条（1 批），被拒绝 0 条"), "\(relayed)")
        #expect(try Self.entries(city.db) == countyLog)
        #expect(try county.command(["upstream", "sync", "--lang", "en"]).hasPrefix("relayed 0 entries"))

        // The acknowledgement lost: the county's cursor as it was before; it sends again, and the city keeps one copy.
        try execute(county.db, "UPDATE setting SET value = '0' WHERE key = 'upstream_cursor'")
        #expect(try county.command(["upstream", "sync"]).hasPrefix("已向上级转发 \(countyLog.count) 条"))
        #expect(try Self.entries(city.db) == countyLog)

        // The village goes on (a check, a correction); the county's edits go up too, in small batches.
        try intake(village, name: "王五", id: "440106199001011235")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        try county.write(
            "leads.csv",
            "village,name,id_number,phone,from_code,from_name,reason,deadline\n110105001001,赵六,110105199001011232,13800138001,420102,武汉市江岸区,密接,2022-07-05\n"
        )
        try county.command(["leads", "import", county.path("leads.csv")])
        try county.command(["upstream", "sync"])
        #expect(try Self.entries(city.db) == Self.entries(county.db))
        // Everything the county logged went up: the cursor stands at the log's end.
        let last = try count(county.db, "SELECT max(seq) FROM change_log")
        #expect(
            try county.command(["upstream", "status", "--lang", "en"])
                == "upper server \(city.url.absoluteString), relayed through \(last), log through \(last)")
    }

    @Test("serve --upstream-every: a county relays on its own; an unreachable city loses nothing")
    func scheduled() async throws {
        let city = try Self.city()
        defer { city.stop() }
        let county = try ServerHarness()
        let regionToken = try city.command(["token", "issue", "--region", "110105"])
        try county.command(["upstream", "set", "--server", city.url.absoluteString, "--token", regionToken])
        #expect(try county.refusal(["serve", "--upstream-every", "soon"]).contains("--upstream-every"))
        try county.start(extra: ["--upstream-every", "1s"])
        defer { county.stop() }
        let token = try county.command(["token", "issue", "--village", "110105001002"])
        let village = try makeVillage(county, code: "110105001002")
        try intake(village, name: "欧阳娜娜", id: "420102199003071232")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        try await Self.until { try Self.entries(city.db) == Self.entries(county.db) }

        // The city goes down; the county keeps serving its villages, and relays once the city is back.
        city.stop()
        try intake(village, name: "李四", id: "11010519491231002X")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        try await Task.sleep(nanoseconds: 2_500_000_000)
        #expect(county.log.contains("relay up failed"))
        try city.start(port: city.port)
        try await Self.until { try Self.entries(city.db) == Self.entries(county.db) }
    }

    @Test(
        "a region writes only inside itself: another county's rows, a village's column that disagrees, a server's origin, a village token are refused"
    )
    func scope() async throws {
        let city = try Self.city()
        defer { city.stop() }
        let fengtai = try city.command(["token", "issue", "--region", "110106"])
        let own = try city.command(["token", "issue", "--county"])
        func person(_ id: String, village: String, origin: String = "0f1e2d3c-laptop") -> Change {
            Change(
                table: "person", pk: id,
                columns: ColumnValues([
                    "id": .string(id), "village": .string(village), "name": .string("张三"),
                    "id_number": .string("11010519491231002X"),
                    "id_type": .string("resident_id"), "phone": .string("13800138000"),
                    "created_at": .string("2022-07-02T08:00:00Z"),
                ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 60_000, counter: 0).raw,
                origin: origin, originSeq: 1)
        }
        let entries = [
            // 朝阳's village
            RelayWire.Entry(seq: 1, scope: "110105001001", change: person("p-chaoyang", village: "110105001001")),
            // says 丰台, is 朝阳
            RelayWire.Entry(seq: 2, scope: "110106001001", change: person("p-mixed", village: "110105001001")),
            RelayWire.Entry(
                seq: 3, scope: "110106001001",
                change: person("p-city", village: "110106001001", origin: "city-0f1e2d3c")),
            RelayWire.Entry(seq: 4, scope: "110106001001", change: person("p-fine", village: "110106001001")),
        ]
        let request = RelayWire.PushRequest(site: "county-feng", epoch: "e1", after: 0, through: 4, entries: entries)
        let (status, body) = try await city.transport(fengtai).send(
            "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(request))
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        let ack = try JSONDecoder().decode(Wire.PushResponse.self, from: body)
        #expect(ack.ackedThrough == 4)
        #expect(ack.rejected.map(\.originSeq) == [1, 2, 3], "\(ack.rejected)")
        #expect(
            ack.rejected[0].reason.contains("not inside 110106")
                && ack.rejected[1].reason.contains("differs from its scope"))
        #expect(ack.rejected[2].reason.contains("city server's change"))
        #expect(try count(city.db, "SELECT count(*) FROM person") == 1)

        // The row 丰台 wrote cannot be taken over under another scope of 丰台's.
        var moved = person("p-fine", village: "110106001002")
        moved.columns = ColumnValues(["name": .string("李四")])
        let again = RelayWire.PushRequest(
            site: "county-feng", epoch: "e1", after: 4, through: 5,
            entries: [RelayWire.Entry(seq: 5, scope: "110106001002", change: moved)])
        let (_, body2) = try await city.transport(fengtai).send(
            "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(again))
        let ack2 = try JSONDecoder().decode(Wire.PushResponse.self, from: body2)
        #expect(ack2.rejected.count == 1, "\(ack2)")

        // Only a region's token relays; a region's token does not sync as a village.
        for token in [own, "not-a-token"] {
            let (refused, _) = try await city.transport(token).send(
                "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(request))
            #expect(refused == 401)
        }
        let (pull, _) = try await city.transport(fengtai).send("GET", "/v1/sync/pull", query: ["after": "0"], body: nil)
        #expect(pull == 401)
        // Numbering that does not hold together is refused whole.
        let broken = RelayWire.PushRequest(
            site: "county-feng", epoch: "e1", after: 5, through: 9, entries: [entries[3]])
        let (bad, _) = try await city.transport(fengtai).send(
            "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(broken))
        #expect(bad == 400)
    }

    @Test(
        "a receipt is taken only for a report the city holds as that village's: 丰台 cannot file one for 朝阳's report and make it look late"
    )
    func forgedReceipt() async throws {
        let city = try Self.city()
        defer { city.stop() }
        let fengtai = try city.command(["token", "issue", "--region", "110106"])
        let chaoyang = try city.command(["token", "issue", "--region", "110105"])
        func relay(_ token: String, _ request: RelayWire.PushRequest) async throws -> Int {
            try await city.transport(token).send(
                "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(request)
            ).status
        }
        // 丰台 files a receipt for 朝阳's report (its id is predictable), stamped late, under a village of its own.
        let forged = RelayWire.Receipt(
            reportID: "r-chaoyang", revision: 1, village: "110106001001", date: "2022-07-02",
            receivedAt: "2022-07-02T23:59:00+08:00")
        #expect(
            try await relay(
                fengtai,
                RelayWire.PushRequest(
                    site: "county-feng", epoch: "e1", after: 0, through: 0, entries: [], receipts: [forged])) == 200)
        // 朝阳 relays the report with its own receipt, on time.
        let report = Change(
            table: "daily_report", pk: "r-chaoyang",
            columns: ColumnValues(
                HostileInputTests.report(HostileInputTests.figures(newArrivals: 1), date: "2022-07-02").mapValues(
                    ColumnValue.init
                ).merging([
                    "id": .string("r-chaoyang")
                ]) { $1 }),
            hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 60_000, counter: 0).raw,
            origin: "0f1e2d3c-laptop", originSeq: 1)
        let onTime = RelayWire.Receipt(
            reportID: "r-chaoyang", revision: 1, village: "110105001001", date: "2022-07-02",
            receivedAt: "2022-07-02T16:00:00+08:00")
        #expect(
            try await relay(
                chaoyang,
                RelayWire.PushRequest(
                    site: "county-chao", epoch: "e1", after: 0, through: 1,
                    entries: [RelayWire.Entry(seq: 1, scope: "110105001001", change: report)], receipts: [onTime]))
                == 200)
        let receipts: [TestRow] = try rows(city.db, "SELECT village, received_at FROM report_receipt")
        #expect(receipts.count == 1, "\(receipts.map(\.values))")
        #expect(receipts.first?["village"] as String? == "110105001001")
        #expect(receipts.first?["received_at"] as String? == "2022-07-02T16:00:00+08:00")
    }

    @Test(
        "down and back: a province's lead reaches the village through the city and the county; the clerk's outcome returns to the province"
    )
    func leadFromTheProvince() async throws {
        let province = try ServerHarness(region: "110000", level: "province", name: "北京市")
        try province.write("regions.csv", "code,name,parent_code\n110100,市辖区,110000\n110105,朝阳区,110100\n")
        try province.command(["regions", "import", province.path("regions.csv")])
        try province.start()
        defer { province.stop() }
        let city = try Self.city()
        defer { city.stop() }
        let county = try ServerHarness()
        try county.start()
        defer { county.stop() }
        try city.command([
            "upstream", "set", "--server", province.url.absoluteString, "--token",
            try province.command(["token", "issue", "--region", "110100"]),
        ])
        try county.command([
            "upstream", "set", "--server", city.url.absoluteString, "--token",
            try city.command(["token", "issue", "--region", "110105"]),
        ])

        // The province's 协查: a village of a county it knows through its city; one outside its roster is refused.
        try province.write(
            "bad.csv", "village,name,id_number,deadline,reason\n120101001001,赵六,110105199001011232,2022-07-12,大数据推送\n")
        #expect(try province.refusal(["leads", "import", province.path("bad.csv")]).contains("not on the roster"))
        try province.write(
            "leads.csv", "village,name,id_number,deadline,reason\n110105001001,赵六,110105199001011232,2022-07-12,大数据推送\n"
        )
        #expect(try province.command(["leads", "import", province.path("leads.csv")]).contains("1"))
        let down = try city.command(["upstream", "sync"])
        #expect(down.hasSuffix("从上级收到 1 条，新写入 1 条"), "\(down)")
        #expect(
            try county.command(["upstream", "sync", "--lang", "en"]).hasSuffix("received 1 from above, 1 new here"))
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let lead = try #require(try readNow(village.writer) { try Lead.fetchOne($0) })
        #expect(lead.name == "赵六" && lead.reason == "大数据推送")

        // The clerk found nobody there; the outcome goes up county → city → province, and nothing comes back down twice.
        _ = try village.closeLead(lead.id, outcome: .absent, on: Day("2022-07-11")!)
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(try county.command(["upstream", "sync"]).hasSuffix("从上级收到 0 条，新写入 0 条"))
        try city.command(["upstream", "sync"])
        let outcome: [TestRow] = try rows(province.db, "SELECT outcome, village FROM lead")
        #expect(outcome.count == 1 && (outcome.first?["outcome"] as String?) == "absent", "\(outcome.map(\.values))")
        #expect(
            try count(city.db, "SELECT count(*) FROM sync_rejection") == 0
                && count(county.db, "SELECT count(*) FROM sync_rejection") == 0)
    }

    @Test(
        "the city's merge run: by county, each judged by its county's receipts; a person registered in two counties; overdue leads by who sent them"
    )
    func cityMerge() async throws {
        let city = try Self.city()
        defer { city.stop() }
        let chaoyang = try ServerHarness()
        let fengtai = try ServerHarness(region: "110106", level: "county", name: "丰台区")
        try fengtai.write("villages.csv", "code,name,township_code,township_name\n110106001001,丰台一村,110106001,卢沟桥街道\n")
        try fengtai.command(["villages", "import", fengtai.path("villages.csv")])
        // Reports are due by 23:59 at the city, so that one sent now is on time whenever the test runs (but in the day's
        // last minute).
        try execute(city.db, "INSERT INTO setting (key, value) VALUES ('deadline', '23:59')")
        let today = RegistryClock(now: { Date() }).today
        let morning = Clock()
        for (county, region, village, person) in [
            (chaoyang, "110105", "110105001001", "欧阳娜娜"), (fengtai, "110106", "110106001001", "欧阳娜娜"),
        ] {
            try county.start()
            let registry = try makeVillage(county, code: village, clock: morning)
            try intake(registry, name: person, id: "420102199003071232")
            if county === chaoyang { _ = try registry.submitReport(on: today, reporter: "王", remarks: nil) }
            let token = try county.command(["token", "issue", "--village", village])
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            try county.command([
                "upstream", "set", "--server", city.url.absoluteString, "--token",
                try city.command(["token", "issue", "--region", region]),
            ])
            try county.command(["upstream", "sync"])
        }
        defer {
            chaoyang.stop()
            fengtai.stop()
        }
        try city.write(
            "leads.csv", "village,name,id_number,deadline,reason\n110106001001,赵六,110105199001011232,2022-07-12,大数据推送\n"
        )
        try city.command(["leads", "import", city.path("leads.csv")])

        let received: String = try rows(chaoyang.db, "SELECT received_at FROM report_receipt")[0]["received_at"]
        let json =
            try JSONSerialization.jsonObject(with: Data(try city.command(["merge", "--format", "json"]).utf8))
            as! [String: Any]
        let regions = json["regions"] as! [[String: Any]]
        let byCode = Dictionary(uniqueKeysWithValues: regions.map { ($0["code"] as! String, $0) })
        #expect(byCode["110105"]?["villages_expected"] as? Int == 2 && byCode["110105"]?["on_time"] as? Int == 1)
        #expect(byCode["110105"]?["missing"] as? [String] == ["110105001002"])
        #expect(
            byCode["110106"]?["missing"] as? [String] == ["110106001001"]
                && byCode["110106"]?["overdue_leads"] as? Int == 1)
        #expect(byCode["110106"]?["duplicates"] as? Int == 1 && byCode["110106"]?["name"] as? String == "丰台区")
        let line = (json["villages"] as! [[String: Any]]).first { $0["village"] as? String == "110105001001" }
        #expect(
            line?["status"] as? String == "on_time" && line?["received_at"] as? String == received,
            "\(String(describing: line))")
        let duplicates = json["duplicates"] as! [[String: Any]]
        #expect(duplicates.count == 1 && duplicates.first?["counties"] as? [String] == ["110105", "110106"])
        #expect((json["open_leads"] as! [[String: Any]]).first?["sent_by"] as? String == "city")

        let table = try city.command(["merge"])
        #expect(table.contains("  朝阳区（110105）：应报 2，按时 1，迟报 0，未报 1，逾期核查 0，跨县重复 1"), "\(table)")
        #expect(table.contains("跨县重复登记（1）") && table.contains("逾期未核查线索（1）：市级下发 1"))

        // The city officer's page: its counties first, each one click from its townships and villages.
        let own = try city.command(["token", "issue", "--county"])
        func page(_ query: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "\(city.url.absoluteString)/dashboard?\(query)")!)
            request.setValue("Bearer \(own)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let (status, top) = try await page("date=\(today)")
        #expect(status == 200 && top.contains("各区县报送情况") && top.contains("region=110105") && top.contains("丰台区"))
        #expect(!top.contains("<section class=\"township\">"), "the city's top page lists counties, not every township")
        #expect(top.range(of: "各区县报送情况")!.lowerBound < top.range(of: "需要处理")!.lowerBound, "the counties come first")
        #expect(top.contains("跨县重复登记（1）") && !top.contains("多村重复登记"))
        let (_, chaoyangPage) = try await page("date=\(today)&region=110105")
        #expect(
            chaoyangPage.contains("北京市 · 朝阳区") && chaoyangPage.contains("<section class=\"township\"><h3>一街道")
                && !chaoyangPage.contains("卢沟桥街道") && !chaoyangPage.contains("各区县报送情况"))
        #expect(chaoyangPage.contains("返回全部区县") && chaoyangPage.contains("name=\"region\" value=\"110105\""))
        #expect(try await page("region=110199").0 == 404)
        #expect(try await page("region=11%27").0 == 400)
        // (A county's token is refused there with a Basic challenge, on which URLSession waits: RegionLevelsTests checks it
        // at /v1/summary, through the same authenticator.)
    }

    /// Waits up to 30 s for `condition`.
    static func until(_ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        #expect(try condition(), "not reached in 30 s")
    }
}
