import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A local time on 2022-11-05 in Asia/Shanghai.
func nov5(_ time: String) -> Date {
    let hm = time.split(separator: ":").map { Int($0)! }
    return RegistryClock.fixed(Date()).instant(Day("2022-11-05")!, hour: hm[0], minute: hm[1])
}

/// A county of two townships and five villages at 20:00 on 2022-11-05, after a day of reports: on time, late,
/// revised, a zero report, one missing; a person registered in two villages; leads closed, overdue and open.
struct CountyDay {
    let county: ServerHarness
    let countyToken: String
    /// Each village's registry, clock and token, for a test that goes on from the evening.
    var villages: [String: (registry: Registry, clock: Clock, token: String)] = [:]

    static func make() async throws -> CountyDay {
        // Morning: the county's clock at 09:00; it publishes the roster and leads, each village syncs and the
        // leads come down.
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-05T09:00:00+08:00"])
        try county.write(
            "roster.csv",
            """
            村代码,村名,乡镇代码,乡镇
            110105001001,东村,110105001,第一街道
            110105001002,西村,110105001,第一街道
            110105001003,北村,110105001,第一街道
            110105002001,南村,110105002,第二街道
            110105002002,中村,110105002,第二街道

            """)
        try county.command(["villages", "import", county.path("roster.csv")])
        try county.write(
            "leads.csv",
            """
            village,name,id_number,phone,from_code,from_name,reason,deadline
            110105001001,张三,420102199003071232,,420102,江岸区,大数据推送,2022-11-06
            110105001001,赵六,,13900139000,420102,江岸区,协查,2022-11-04
            110105001002,孙七,110105198002290013,,310115,浦东,卫健反馈,2022-11-07

            """)
        try county.command(["leads", "import", county.path("leads.csv")])
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        let codes = ["110105001001", "110105001002", "110105001003", "110105002001", "110105002002"]
        var villages: [String: (Registry, Clock, String)] = [:]
        for code in codes {
            let clock = Clock(nov5("09:00"))
            let registry = try makeVillage(county, code: code, clock: clock)
            let token = try county.command(["token", "issue", "--village", code])
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            villages[code] = (registry, clock, token)
        }
        // Evening: the server's clock at 20:00 (merge runs use it too).
        county.stop()
        county.environment["SYNC_SERVER_NOW"] = "2022-11-05T20:00:00+08:00"
        try county.start()

        func village(
            _ code: String, submitAt: String?, reviseAt: String? = nil, people: [(String, String)] = [],
            closeLead: Bool = false
        ) async throws {
            let (registry, clock, token) = villages[code]!
            clock.now = nov5("09:30")
            for (name, id) in people { try intake(registry, name: name, id: id, arrived: "2022-11-05") }
            if closeLead { _ = try registry.closeLead("420102199003071232", outcome: .found, on: Day("2022-11-05")!) }
            if let submitAt {
                clock.now = nov5(submitAt)
                _ = try registry.submitReport(on: Day("2022-11-05")!, reporter: "填报人", remarks: nil)
            }
            if let reviseAt {
                try intake(registry, name: "补录", id: "440306198808155615", arrived: "2022-11-05")
                clock.now = nov5(reviseAt)
                _ = try registry.submitReport(on: Day("2022-11-05")!, reporter: "填报人", remarks: "更正")
            }
            clock.now = nov5("19:59")
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
        }
        try await village("110105001001", submitAt: "16:00", people: [("张三", "420102199003071232")], closeLead: true)
        try await village(
            "110105001002", submitAt: "18:10", people: [("张三", "420102199003071232"), ("李四", "32010219751201003X")])
        try await village("110105001003", submitAt: "16:30", reviseAt: "19:30")
        try await village("110105002001", submitAt: "15:00")
        try await village("110105002002", submitAt: nil)
        return CountyDay(
            county: county, countyToken: countyToken,
            villages: villages.mapValues { (registry: $0.0, clock: $0.1, token: $0.2) })
    }
}

@Suite("County merge runs, leads and the dashboard", .serialized)
struct CountyMergeTests {
    @Test(
        "merge --format json: expected, received, on time, late, missing, totals from the standing revision, duplicates, overdue leads"
    )
    func merge() async throws {
        let day = try await CountyDay.make()
        let text = try day.county.command(["merge", "--date", "2022-11-05", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["villages_expected"] as? Int == 5)
        #expect(json["reports_received"] as? Int == 4)
        // a revision keeps on time
        #expect(json["on_time"] as? [String] == ["110105001001", "110105001003", "110105002001"])
        #expect(json["late"] as? [String] == ["110105001002"])
        #expect(json["missing"] as? [String] == ["110105002002"])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["new_arrivals"] as? Int == 4)  // 1 + 2 + 1 (the revision's) + 0
        let villages = try #require(json["villages"] as? [[String: Any]])
        #expect(villages.first { $0["village"] as? String == "110105001003" }?["revision"] as? Int == 2)
        #expect(villages.first { $0["village"] as? String == "110105002001" }?["is_zero_report"] as? Bool == true)
        #expect(villages.allSatisfy { $0["status"] as? String == "missing" || $0["received_at"] != nil })
        let duplicates = try #require(json["duplicates"] as? [[String: Any]])
        #expect(duplicates.map { $0["id_number"] as? String } == ["420102199003071232"])
        #expect(duplicates.first?["villages"] as? [String] == ["110105001001", "110105001002"])
        let leads = try #require(json["open_leads"] as? [[String: Any]])
        #expect(leads.map { "\($0["name"] as! String) \($0["overdue"] as! Bool)" } == ["赵六 true", "孙七 false"])

        let table = try day.county.command(["merge", "--date", "2022-11-05"])
        #expect(table.contains("未报：中村 110105002002"))
        #expect(table.contains("迟报：西村 110105001002"))
        let csv = try day.county.command(["merge", "--date", "2022-11-05", "--format", "csv"])
        #expect(csv.hasPrefix("\u{FEFF}日期,乡镇代码") || csv.unicodeScalars.first == "\u{FEFF}")
        #expect(csv.split(separator: "\r\n").count == 6)
    }

    @Test("the same summary at /v1/summary, for a county token only")
    func summaryEndpoint() async throws {
        let day = try await CountyDay.make()
        let ok = try await day.county.transport(day.countyToken).send(
            "GET", "/v1/summary", query: ["date": "2022-11-05"], body: nil)
        #expect(ok.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: ok.body) as? [String: Any])
        #expect(json["missing"] as? [String] == ["110105002002"])
        let villageToken = try day.county.command(["token", "issue", "--village", "110105001001"])
        #expect(
            try await day.county.transport(villageToken).send("GET", "/v1/summary", query: [:], body: nil).status == 401
        )
        #expect(
            try await day.county.transport(day.countyToken).send("GET", "/v1/sync/pull", query: [:], body: nil).status
                == 401)
    }

    @Test("the dashboard renders in headless Chromium: status by township, totals, leads, duplicates, the 14-day chart")
    func dashboard() async throws {
        let day = try await CountyDay.make()
        let (status, body) = try await day.county.transport(day.countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-11-05"], body: nil)
        #expect(status == 200)
        let html = String(decoding: body, as: UTF8.self)
        for text in [
            "第一街道", "第二街道", "未报", "迟报", "按时", "全县合计", "逾期未核查 <b>1</b>", "待核查 <b>1</b>", "多村重复登记（1）", "<svg",
            "http-equiv=\"refresh\"",
        ] {
            #expect(html.contains(text), "\(text)")
        }
        #expect(!html.contains("<script") && !html.contains("https://") && !html.contains("}}"))
        // Persons masked by default, with a link to see them in full (issue 17).
        #expect(html.contains("420102********1232") && !html.contains("420102199003071232"))
        #expect(html.contains("href=\"/dashboard?date=2022-11-05&amp;full=1\""))
        // Without credentials a browser is asked for them (checked over a plain socket: URLSession on Linux
        // stalls on an authentication challenge it has no delegate for).
        let challenge = try rawRequest(port: day.county.port, path: "/dashboard")
        #expect(challenge.hasPrefix("HTTP/1.1 401") && challenge.lowercased().contains("www-authenticate: basic"))

        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let browser = try #require(chromium, "chromium is not installed (.ci/run installs it)")
        let shot = day.county.path("dashboard.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1400",
            "--screenshot=\(shot)",
            "http://wang-keke:\(day.countyToken)@127.0.0.1:\(day.county.port)/dashboard?date=2022-11-05&full=1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let png = try #require(FileManager.default.contents(atPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // A rendered page, not a blank or an error page: many distinct colours (text, red rows, the chart).
        #expect(png.count > 30_000, "screenshot is \(png.count) bytes")
        // The unmasked view was logged with who asked (the user name typed beside the token) and which day.
        let log = day.county.log
        #expect(
            log.contains("persons shown unmasked") && log.contains("wang-keke") && log.contains("2022-11-05"),
            "\(log.suffix(2000))")
        let full = try await day.county.transport(day.countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-11-05", "full": "1"], body: nil)
        #expect(String(decoding: full.body, as: UTF8.self).contains("420102199003071232"))
    }
}

/// A request without a body over a plain TCP socket to 127.0.0.1; returns the response head.
func rawRequest(port: Int, method: String = "GET", path: String, headers: [String] = []) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { throw RegistryError(nil, zh: "", en: "cannot connect to port \(port)") }
    let request =
        "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + headers.map { $0 + "\r\n" }.joined() + "\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = recv(fd, &buffer, buffer.count, 0)
    return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
}
