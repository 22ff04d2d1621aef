import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    public func keepUnmatchedResults(_ rows: [LabResults.Kept]) throws {
        try writer.write { db in
            for row in rows {
                try db.execute(
                    sql: UnmatchedSQL.upsert(Array(repeating: "?", count: 8)),
                    arguments: [
                        row.idNumber, "\(row.sampledOn)", row.name, row.phone, row.result.rawValue, row.lab,
                        row.importedAt, row.leadVillage,
                    ])
            }
        }
    }

    public func unmatchedResults() throws -> [LabResults.Kept] {
        try writer.read { db in
            try Row.fetchAll(db, sql: UnmatchedSQL.select).compactMap { row in
                guard let day = Day(row["sampled_on"] as String), let result = TestResult(rawValue: row["result"])
                else { return nil }
                return LabResults.Kept(
                    idNumber: row["id_number"], sampledOn: day, name: row["name"], phone: row["phone"],
                    result: result, lab: row["lab"], importedAt: row["imported_at"], leadVillage: row["lead_village"])
            }
        }
    }
}
