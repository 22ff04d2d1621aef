import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

/// Random values of every type in every column of every synced table, pushed over HTTP by two villages; then every
/// page and report the county reads them into. The server must stay up and answer, whatever it stored or refused.
@Suite("Fuzzing the county with pushed values", .serialized)
struct FuzzTests {
    /// A valid row of each table a village writes, for `village`: changes start from one and have a few columns
    /// replaced, so that many pass the checks with values at their edges and reach the pages.
    static func validRows(_ village: String, _ n: Int) -> [(String, [String: DatabaseValue])] {
        let v = village.databaseValue
        let person = "p-\(village)-\(n)".databaseValue
        var figures = ReportFigures()
        figures.new_arrivals = n % 3
        figures.fevers = ReportFigures.maximum
        let figuresText = String(decoding: try! JSONEncoder().encode(figures), as: UTF8.self)
        return [
            (
                "person",
                [
                    "village": v, "name": "张三".databaseValue, "id_type": "resident_id".databaseValue,
                    "id_number": "420102199003071232".databaseValue,
                    "phone": "13800138000".databaseValue, "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
                    "deleted": 0.databaseValue,
                ]
            ),
            (
                "arrival",
                [
                    "village": v, "person_id": person, "arrived_on": "2022-07-02".databaseValue,
                    "departed_on": "2022-07-01".databaseValue,
                    "stays": "[{\"code\":\"420102\",\"name\":\"江岸\",\"to\":\"2022-07-01\"}]".databaseValue,
                    "source": "self_report".databaseValue,
                    "category": "high_risk".databaseValue, "day_zero": "2022-07-01".databaseValue,
                    "policy": "9th".databaseValue,
                    "created_at": "2022-07-02T09:00:00+08:00".databaseValue, "deleted": 0.databaseValue,
                ]
            ),
            (
                "measure",
                [
                    "village": v, "person_id": person, "arrival_id": "a".databaseValue,
                    "status": "active".databaseValue,
                    "phases":
                        "[{\"kind\":\"central_quarantine\",\"starts_on\":\"2022-07-02\",\"ends_on\":\"2022-07-08\"}]"
                        .databaseValue,
                    "starts_on": "2022-07-02".databaseValue, "ends_on": "2022-07-08".databaseValue,
                    "deleted": 0.databaseValue,
                ]
            ),
            (
                "measure_event",
                [
                    "village": v, "measure_id": "m".databaseValue, "action": "planned".databaseValue,
                    "on_date": "2022-07-02".databaseValue,
                    "recorded_at": "2022-07-02T09:00:00+08:00".databaseValue, "actor": "王".databaseValue,
                    "reason": "".databaseValue, "deleted": 0.databaseValue,
                ]
            ),
            (
                "lab_test",
                [
                    "village": v, "person_id": person, "due_on": "2022-07-03".databaseValue,
                    "result": "pending".databaseValue, "deleted": 0.databaseValue,
                ]
            ),
            (
                "health_check",
                [
                    "village": v, "person_id": person, "taken_at": "2022-07-02 08:00".databaseValue,
                    "taken_on": "2022-07-02".databaseValue,
                    "temperature": 36.5.databaseValue, "symptoms": "".databaseValue, "flagged": 0.databaseValue,
                    "deleted": 0.databaseValue,
                ]
            ),
            (
                "daily_report",
                [
                    "village": v, "date": "2022-07-02".databaseValue, "revision": 1.databaseValue,
                    "figures": figuresText.databaseValue,
                    "is_zero_report": 0.databaseValue, "reporter": "王".databaseValue, "remarks": "".databaseValue,
                    "submitted_at": "2022-07-02T16:00:00+08:00".databaseValue,
                    "first_submitted_at": "2022-07-02T16:00:00+08:00".databaseValue,
                    "deleted": 0.databaseValue,
                ]
            ),
            ("lead", ["outcome": "found".databaseValue]),
            ("risk_area", ["village": "110105".databaseValue, "code": "420102".databaseValue]),
        ]
    }

    /// A random value: text of every kind (control characters, markup, huge, CJK, emoji), numbers at their limits,
    /// null, or numbers written as text.
    static func randomValue(_ random: inout SeededRandom) -> DatabaseValue {
        var huge = ReportFigures()
        (huge.new_arrivals, huge.fevers, huge.under_central_quarantine) = (Int.max, Int.max, Int.min)
        let hugeFigures = String(decoding: try! JSONEncoder().encode(huge), as: UTF8.self)
        let texts = [
            hugeFigures, hugeFigures, "", " ", "\u{1B}[2J", "<script>alert(1)</script>", "'); DROP TABLE person; --",
            "=1+1", "\u{202E}gpj.exe",
            String(repeating: "长", count: 2_000), "🦠😷", "1", "0", "-1", "2022-02-30", "9223372036854775807",
            "{\"new_arrivals\":9223372036854775807}", "[{\"code\":\"1\"}]", "\0", "null", "NaN",
            "2022-07-02T25:00:00+08:00",
        ]
        switch random.next() % 4 {
        case 0: return texts[Int(random.next() % UInt64(texts.count))].databaseValue
        case 1: return [Int64.max, Int64.min, 0, 1, -1, 2, 1_000_001][Int(random.next() % 7)].databaseValue
        case 2: return [1e308, -1e308, 0.5, -0.0, 36.6, 43.0000001][Int(random.next() % 6)].databaseValue
        default: return .null
        }
    }

    @Test("random values in every column of every table: the server stays up and every page and report answers")
    func randomColumns() async throws {
        let county = try ServerHarness()
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        let villages = ["110105001001", "110105001002"]
        let tokens = try villages.map { try county.command(["token", "issue", "--village", $0]) }
        var random = SeededRandom(seed: 20_261_129)
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        var applied = 0
        var rejected = 0
        for (v, village) in villages.enumerated() {
            var seq: Int64 = 0
            for round in 0..<8 {
                var changes: [Change] = []
                for n in 0..<60 {
                    let rows = Self.validRows(village, n)
                    let (table, valid) = rows[Int(random.next() % UInt64(rows.count))]
                    let names = Array(Set(valid.keys).union(SyncedRules.tables[table]!.keys)).sorted()
                    var columns = valid
                    for _ in 0..<(1 + random.next() % 3) {
                        columns[names[Int(random.next() % UInt64(names.count))]] = Self.randomValue(&random)
                    }
                    seq += 1
                    // Some rows are edited again (an existing row), most are new.
                    let pk =
                        random.next() % 4 == 0 ? "\(table)-\(village)-\(n % 5)" : "\(table)-\(village)-\(round)-\(n)"
                    changes.append(
                        Change(
                            table: table, pk: pk, columns: ColumnValues(columns),
                            hlc: HLC(milliseconds: ms, counter: Int(seq)).raw,
                            origin: "fuzz-\(v)", originSeq: seq))
                }
                let (status, body) = try await county.transport(tokens[v]).send(
                    "POST", "/v1/sync/push", query: [:],
                    body: try JSONEncoder().encode(
                        Wire.PushRequest(site: "fuzz-\(v)", after: seq - 60, through: seq, changes: changes)))
                #expect(status == 200, "\(String(decoding: body, as: UTF8.self).prefix(300))")
                let ack = try JSONDecoder().decode(Wire.PushResponse.self, from: body)
                rejected += ack.rejected.count
                applied += changes.count - ack.rejected.count
            }
        }
        #expect(applied > 0 && rejected > 0, "applied \(applied), rejected \(rejected)")
        for date in ["2022-07-02", "\(RegistryClock(now: { Date() }).today)"] {
            let page = try await county.transport(countyToken).send(
                "GET", "/dashboard", query: ["date": date], body: nil)
            #expect(page.status == 200)
            #expect(!String(decoding: page.body, as: UTF8.self).contains("<script"))
            #expect(
                try await county.transport(countyToken).send("GET", "/v1/summary", query: ["date": date], body: nil)
                    .status == 200)
            for format in ["table", "json", "csv"] {
                let out = try county.command(["merge", "--date", date, "--format", format])
                #expect(!out.unicodeScalars.contains { $0.value == 0x1B }, "\(format)")
            }
        }
        for (v, token) in tokens.enumerated() {
            let pull = try await county.transport(token).send(
                "GET", "/v1/sync/pull", query: ["after": "0", "site": "fuzz-\(v)"], body: nil)
            #expect(pull.status == 200)
        }
        #expect(try await county.transport("").send("GET", "/healthz", query: [:], body: nil).status == 200)
        #expect(county.process?.isRunning == true)
    }
}
