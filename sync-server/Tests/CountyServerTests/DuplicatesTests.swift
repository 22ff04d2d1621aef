import Foundation
import GRDB
@testable import RegistryCore
import Testing

@testable import CountyServer

/// Persons registered in two villages, as the merge run finds them in one pass over the county's persons.
@Suite("Duplicates across villages")
struct DuplicatesTests {
    @Test(
        "each number in two villages or more, with every registration oldest first; not passports, deleted rows or twice in one village"
    )
    func duplicates() async throws {
        let county = try CountyDatabase.inMemory(clock: RegistryClock(now: { Date() }))
        let long = String(repeating: "9", count: 30)  // longer than PackedText holds in place: kept as a digest
        let rows: [(String, String, String, String, String, Int)] = [
            ("a", "110105001001", "resident_id", "420102199003071232", "2022-11-03T10:00:00+08:00", 0),
            ("b", "110105001002", "resident_id", "420102199003071232", "2022-11-01T10:00:00+08:00", 0),
            ("c", "110105002001", "resident_id", "420102199003071232", "2022-11-04T10:00:00+08:00", 0),
            // twice in one village
            ("d", "110105001001", "resident_id", "11010519491231002X", "2022-11-01T10:00:00+08:00", 0),
            ("e", "110105001001", "resident_id", "11010519491231002X", "2022-11-02T10:00:00+08:00", 0),
            // passports are not compared
            ("f", "110105001001", "passport", "E12345678", "2022-11-01T10:00:00+08:00", 0),
            ("g", "110105001002", "passport", "E12345678", "2022-11-01T10:00:00+08:00", 0),
            ("h", "110105001001", "resident_id", "420102198001010016", "2022-11-01T10:00:00+08:00", 0),
            ("i", "110105001002", "resident_id", "420102198001010016", "2022-11-01T10:00:00+08:00", 1),  // deleted
            ("j", "110105001001", "resident_id", long, "2022-11-01T10:00:00+08:00", 0),
            ("k", "110105001003", "resident_id", long, "2022-11-02T10:00:00+08:00", 0),
            ("l", "110105001003", "resident_id", long + "8", "2022-11-02T10:00:00+08:00", 0),
        ]
        let found = try await county.writer.write { db in
            for (id, village, type, number, created, deleted) in rows {
                try db.execute(
                    sql:
                        "INSERT INTO person (id, village, name, id_type, id_number, created_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [id, village, "人\(id)", type, number, created, deleted])
            }
            return try CountyDatabase.duplicates(db)
        }
        #expect(found.map(\.id_number) == ["420102199003071232", long])
        #expect(found[0].villages == ["110105001001", "110105001002", "110105002001"])
        #expect(found[0].registrations.map(\.name) == ["人b", "人a", "人c"])
        #expect(found[1].villages == ["110105001001", "110105001003"])
        #expect(try await county.writer.read { try CountyDatabase.duplicates($0) }.count == 2)
    }

    @Test("packed texts are equal exactly when the texts are, up to 23 bytes")
    func packed() {
        #expect(PackedText("420102199003071232") == PackedText("420102199003071232"))
        #expect(PackedText("420102199003071232") != PackedText("420102199003071233"))
        #expect(PackedText("1234567") != PackedText("1234567\u{0}"))  // the length is part of it
        #expect(PackedText("") == PackedText(""))
        let long = String(repeating: "7", count: 23)
        #expect(PackedText(long) == PackedText(long) && PackedText(long) != PackedText(String(long.dropLast()) + "8"))
    }
}

/// The officer's count lists on a county with more villages behind than a phone screen holds.
@Suite("Dashboard count lists")
struct DashboardCountListTests {
    @Test(
        "tests overdue: the 20 villages with most listed, the rest counted, every village's count in its township table"
    )
    func overdueListed() async throws {
        let clock = RegistryClock(now: { RegistryClock.parseNow("2022-11-05 17:30")! })
        let county = try CountyDatabase.inMemory(clock: clock)
        _ = try await county.initialize(county: "110105", name: "朝阳区")
        var roster = "code,name,township_code,township_name\n"
        for v in 1...25 { roster += "110105001\(String(format: "%03d", v)),第\(v)村,110105001,一街道\n" }
        _ = try county.importVillages(try CSVFile(data: Data(roster.utf8), file: "v.csv"))
        try await county.writer.write { db in
            // Village v has v persons with a test due on 11-03 and not taken, under a measure still held.
            for v in 1...25 {
                let village = "110105001\(String(format: "%03d", v))"
                for p in 0..<v {
                    let id = "\(v)-\(p)"
                    try db.execute(
                        sql:
                            "INSERT INTO measure (id, village, person_id, arrival_id, status, phases, starts_on, ends_on) VALUES (?, ?, ?, ?, 'active', '[]', '2022-11-01', '2022-11-07')",
                        arguments: ["m\(id)", village, "p\(id)", "a\(id)"])
                    try db.execute(
                        sql:
                            "INSERT INTO lab_test (id, village, person_id, measure_id, due_on) VALUES (?, ?, ?, ?, '2022-11-03')",
                        arguments: ["t\(id)", village, "p\(id)", "m\(id)"])
                }
            }
        }
        let page = try await county.dashboardPage(on: Day("2022-11-05")!, full: false, viewer: "")
        let list = try #require(
            page.components(separatedBy: "<table id=\"overdue\">").last?.components(separatedBy: "</table>").first)
        #expect(list.components(separatedBy: "<tr>").count - 2 == 20)
        #expect(list.contains("第25村") && list.contains("第6村") && !list.contains("第5村<"))
        #expect(page.contains("共 25 个村 325 人") && page.contains("另有 5 个村未列出"))
        // The third village's row in the township table carries its 3.
        let row = try #require(page.components(separatedBy: "第3村</a>").last?.components(separatedBy: "</tr>").first)
        #expect(row.hasSuffix("<td>3</td><td></td>"), "\(row)")
    }
}
