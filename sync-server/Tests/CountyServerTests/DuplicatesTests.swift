import Foundation
import GRDB
import RegistryCore
import Testing
@testable import CountyServer

/// Persons registered in two villages, as the merge run finds them in one pass over the county's persons.
@Suite("Duplicates across villages")
struct DuplicatesTests {
    @Test("each number in two villages or more, with every registration oldest first; not passports, deleted rows or twice in one village")
    func duplicates() async throws {
        let county = try CountyDatabase.inMemory(clock: RegistryClock(now: { Date() }))
        let long = String(repeating: "9", count: 30)  // longer than PackedText holds in place: kept as a digest
        let rows: [(String, String, String, String, String, Int)] = [
            ("a", "110105001001", "resident_id", "420102199003071232", "2022-11-03T10:00:00+08:00", 0),
            ("b", "110105001002", "resident_id", "420102199003071232", "2022-11-01T10:00:00+08:00", 0),
            ("c", "110105002001", "resident_id", "420102199003071232", "2022-11-04T10:00:00+08:00", 0),
            ("d", "110105001001", "resident_id", "11010519491231002X", "2022-11-01T10:00:00+08:00", 0),  // twice in one village
            ("e", "110105001001", "resident_id", "11010519491231002X", "2022-11-02T10:00:00+08:00", 0),
            ("f", "110105001001", "passport", "E12345678", "2022-11-01T10:00:00+08:00", 0),  // passports are not compared
            ("g", "110105001002", "passport", "E12345678", "2022-11-01T10:00:00+08:00", 0),
            ("h", "110105001001", "resident_id", "420102198001010016", "2022-11-01T10:00:00+08:00", 0),
            ("i", "110105001002", "resident_id", "420102198001010016", "2022-11-01T10:00:00+08:00", 1),  // deleted
            ("j", "110105001001", "resident_id", long, "2022-11-01T10:00:00+08:00", 0),
            ("k", "110105001003", "resident_id", long, "2022-11-02T10:00:00+08:00", 0),
            ("l", "110105001003", "resident_id", long + "8", "2022-11-02T10:00:00+08:00", 0),
        ]
        let found = try await county.writer.write { db in
            for (id, village, type, number, created, deleted) in rows {
                try db.execute(sql: "INSERT INTO person (id, village, name, id_type, id_number, created_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
