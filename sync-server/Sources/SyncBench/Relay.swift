import CountyServer
import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// The relay's transport for the benchmark: the city's store in the same process, behind the same JSON bodies the
/// HTTP routes read and write (no sockets: what is measured is the relay's reading, encoding, checking and merging).
struct InProcessRelay: SyncTransport {
    let city: any CountyStore
    let region: String

    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    ) {
        if path == "/v1/relay/push", let body {
            let request = try JSONDecoder().decode(RelayWire.PushRequest.self, from: body)
            do {
                return (
                    200,
                    try JSONEncoder().encode(
                        try await city.relay(request, region: region, tokenID: "bench", maxSkew: 600))
                )
            } catch PushRefusal.gap(let expected) {
                return (
                    409,
                    try JSONEncoder().encode(
                        Wire.ErrorBody(error: "gap", message: Localized(zh: "", en: ""), expected: expected))
                )
            }
        }
        let page = try await city.relayDown(
            region: region, after: Int64(query["after"] ?? "0") ?? 0, limit: Int(query["limit"] ?? "1000") ?? 1000)
        return (200, try JSONEncoder().encode(page))
    }
}

/// A city server's store with `counties` on its roster.
func cityStore(_ path: String, counties: [String]) async throws -> any CountyStore {
    let city = try await openStore(path, clock: RegistryClock(now: { Date() }))
    _ = try await city.initialize(region: "110100", level: .city, name: "基准市")
    let roster = "code,name,parent_code\n" + counties.map { "\($0),县\($0.suffix(2)),110100\n" }.joined()
    _ = try await city.importRegions(try CSVFile(data: Data(roster.utf8), file: "regions.csv"))
    return city
}

/// A village's daily report for `day`, as its registry pushes it.
func reportChange(village: String, site: String, day: Day, seq: Int64) -> Change {
    let figures = String(decoding: try! JSONEncoder().encode(ReportFigures()), as: UTF8.self)
    let at = "\(day)T16:00:00+08:00"
    var columns: [String: DatabaseValue] = [:]
    columns["village"] = village.databaseValue
    columns["date"] = "\(day)".databaseValue
    columns["revision"] = 1.databaseValue
    columns["figures"] = figures.databaseValue
    columns["is_zero_report"] = 0.databaseValue
    columns["reporter"] = "会计".databaseValue
    columns["remarks"] = "".databaseValue
    columns["submitted_at"] = at.databaseValue
    columns["first_submitted_at"] = at.databaseValue
    columns["deleted"] = 0.databaseValue
    return Change(
        table: "daily_report", pk: DailyReport.stableID(village: village, date: day), columns: ColumnValues(columns),
        hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 60_000, counter: Int(seq % 1000)).raw,
        origin: site, originSeq: seq)
}

func relayBench(dir: String) async throws {
    // 1. The relay rate: a county's log of 100 villages × 2,000 changes, and what it costs the county to apply it.
    let county = try await openStore(dir + "/county.sqlite", clock: RegistryClock(now: { Date() }))
    _ = try await county.initialize(county: "110105", name: "基准县")
    var roster = "code,name,township_code,township_name\n"
    for v in 0..<100 {
        roster += String(format: "110105%03d%03d,村%d,110105%03d,镇\n", v / 100 + 1, v % 100 + 1, v, v / 100 + 1)
    }
    let rosterFile = try CSVFile(data: Data(roster.utf8), file: "roster.csv")
    _ = try await county.writing { try $0.importVillages(rosterFile) }
    var t0 = now()
    for v in 0..<100 {
        let village = villageCode(v)
        let changes = personChanges(village: village, site: "site-\(v)", count: 2000)
        for start in stride(from: 0, to: 2000, by: 500) {
            _ = try await county.push(
                Wire.PushRequest(
                    site: "site-\(v)", after: Int64(start), through: Int64(start + 500),
                    changes: Array(changes[start..<start + 500])),
                village: village, tokenID: "bench-\(v)", maxSkew: 600)
        }
    }
    let applied = now() - t0
    let city = try await cityStore(dir + "/city.sqlite", counties: ["110105"])
    try await county.setUpstream(Upstream(url: "http://in-process/", token: "-"))
    t0 = now()
    let report = try await RelaySession(store: county, transport: InProcessRelay(city: city, region: "110105")).run()
    let relayed = now() - t0
    print(
        String(
            format:
                "relay up (SQLite, in process): %d entries in %d batches: %.2f s = %.0f changes/s (the county applied the same pushes at %.0f changes/s)",
            report.sent, report.batches, relayed, Double(report.sent) / relayed, 200_000 / applied))
    await county.close()
    await city.close()

    // 2. A city of 10 counties × 500 villages: each village's day (20 new persons and its daily report) pushed to its
    // county, relayed up, then the city's merge run.
    let codes = (1...10).map { String(format: "1101%02d", $0) }
    let bigCity = try await cityStore(dir + "/city10.sqlite", counties: codes)
    let day = Day(RegistryClock(now: { Date() }).today.description)!
    var relayTime = 0.0
    var entries = 0
    for code in codes {
        let store = try await openStore(dir + "/county-\(code).sqlite", clock: RegistryClock(now: { Date() }))
        _ = try await store.initialize(county: code, name: "县\(code)")
        var roster = "code,name,township_code,township_name\n"
        for v in 0..<500 {
            roster += String(
                format: "%@%03d%03d,村%d,%@%03d,镇%d\n", code, v / 100 + 1, v % 100 + 1, v, code, v / 100 + 1, v / 100 + 1
            )
        }
        let file = try CSVFile(data: Data(roster.utf8), file: "roster.csv")
        _ = try await store.writing { try $0.importVillages(file) }
        for v in 0..<500 {
            let village = String(format: "%@%03d%03d", code, v / 100 + 1, v % 100 + 1)
            let changes =
                personChanges(village: village, site: "site-\(village)", count: 20) + [
                    reportChange(village: village, site: "site-\(village)", day: day, seq: 21)
                ]
            _ = try await store.push(
                Wire.PushRequest(site: "site-\(village)", after: 0, through: 21, changes: changes),
                village: village, tokenID: "bench-\(village)", maxSkew: 600)
        }
        try await store.setUpstream(Upstream(url: "http://in-process/", token: "-"))
        let t = now()
        entries += try await RelaySession(store: store, transport: InProcessRelay(city: bigCity, region: code)).run()
            .sent
        relayTime += now() - t
        await store.close()
    }
    print(
        String(
            format: "city day (SQLite): 10 counties × 500 villages, %d entries relayed up in %.2f s (%.0f changes/s)",
            entries, relayTime, Double(entries) / relayTime))
    var times: [Double] = []
    var summary: CountySummary?
    for _ in 0..<5 {
        let t = now()
        summary = try await bigCity.summary(on: day)
        times.append(now() - t)
    }
    times.sort()
    print(
        String(
            format:
                "city merge run (SQLite): %d villages, %d reports, %d counties: median %.0f ms (min %.0f, max %.0f)",
            summary?.villages_expected ?? 0, summary?.reports_received ?? 0, summary?.regions.count ?? 0,
            times[2] * 1000, times[0] * 1000, times[4] * 1000))
    await bigCity.close()
}
