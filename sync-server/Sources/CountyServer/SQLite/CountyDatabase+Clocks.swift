import Foundation
import GRDB
import RegistryCore

/// What the clocks on leads and positives read of the county's rows (`StageClocks`).
extension CountyDatabase {
    /// Every lead not deleted, with its issue: its first entry in the county's log, stamped by the clock of the server
    /// that wrote it (this county's, or the city's that sent it down).
    public func leadsForClocks() throws -> [StageClocks.Lead] {
        try writer.read { db in
            // Each lead's first entry through the log's (scope, tbl, pk) index: a scan of the whole log for the
            // lead table cost the dashboard hundreds of milliseconds.
            let first = try db.cachedStatement(
                sql: "SELECT min(hlc) FROM change_log WHERE scope = ? AND tbl = 'lead' AND pk = ?")
            return try Lead.filter(Lead.Columns.deleted == false).fetchAll(db).compactMap { lead in
                try Int64.fetchOne(first, arguments: [lead.village, lead.id]).map {
                    StageClocks.Lead(
                        id: lead.id, village: lead.village, name: lead.name,
                        issued: Date(timeIntervalSince1970: Double(HLC(raw: $0).milliseconds) / 1000),
                        outcome: lead.outcome?.rawValue, person: lead.personId)
                }
            }
        }
    }

    /// The persons of the measures `ids`, by measure.
    public func persons(ofMeasures ids: [String]) throws -> [String: String] {
        try writer.read { db in
            Dictionary(
                try Measure.filter(ids.contains(Measure.Columns.id)).fetchAll(db).map { ($0.id, $0.personId) },
                uniquingKeysWith: { a, _ in a })
        }
    }

    /// The positive results sampled from `since` through `through`, each with the county's own stamp when the county
    /// wrote it (its lab import: `site` is the county's), and the persons registered around the positive.
    public func positivesForClocks(since: Day, through: Day, site: String) throws -> [StageClocks.Positive] {
        try writer.read { db in
            let tests = try LabTest.filter(
                LabTest.Columns.result == "positive" && LabTest.Columns.deleted == false
                    && LabTest.Columns.sampledOn >= "\(since)" && LabTest.Columns.sampledOn <= "\(through)"
            ).fetchAll(db)
            var positives: [StageClocks.Positive] = []
            for test in tests {
                guard let person = try Person.fetchOne(db, key: test.personId), !person.deleted else { continue }
                let stamp = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT min(hlc) FROM change_log WHERE scope = ? AND tbl = 'lab_test' AND pk = ? AND origin = ?",
                    arguments: [test.village, test.id, site])
                var contacts: [String] = []
                for around in try CountyDatabase.around(db, positive: person) {
                    contacts += try String.fetchAll(
                        db, sql: "SELECT id FROM person WHERE id_number = ? AND deleted = 0",
                        arguments: [around.idNumber])
                }
                positives.append(
                    StageClocks.Positive(
                        test: test.id, village: person.village, name: person.name, person: person.id,
                        countyStamp: stamp.map {
                            Date(timeIntervalSince1970: Double(HLC(raw: $0).milliseconds) / 1000)
                        },
                        contacts: Array(Set(contacts).subtracting([person.id])).sorted()))
            }
            return positives
        }
    }
}
