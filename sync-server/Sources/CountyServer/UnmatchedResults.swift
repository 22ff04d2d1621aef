import Foundation
import GRDB
import PostgresNIO
import RegistryCore

extension LabResults {
    /// A lab result for a person registered in no village, kept at the county (`lab_unmatched`): a positive is
    /// listed first on the dashboard (阳性未落地) until a village registers the person or it was sent as a lead.
    public struct Kept: Sendable, Equatable {
        public var idNumber: String
        public var sampledOn: Day
        public var name: String
        public var phone: String?
        public var result: TestResult
        public var lab: String?
        public var importedAt: String
        /// The village it was sent to as a lead, if it was.
        public var leadVillage: String?

        /// The same with the person masked (the dashboard's default).
        public var masked: Kept {
            var copy = self
            copy.name = Mask.name(name)
            copy.idNumber = Mask.idNumber(idNumber)
            copy.phone = phone.map(Mask.phone)
            return copy
        }
    }
}

/// One statement for both stores; `?` for SQLite, `$n` for PostgreSQL.
private enum UnmatchedSQL {
    static let columns = "id_number, sampled_on, name, phone, result, lab, imported_at, lead_village"
    static func upsert(_ marks: [String]) -> String {
        """
        INSERT INTO lab_unmatched (\(columns)) VALUES (\(marks.joined(separator: ", ")))
        ON CONFLICT (id_number, sampled_on) DO UPDATE SET name = excluded.name, phone = coalesce(excluded.phone, lab_unmatched.phone),
          result = excluded.result, lab = coalesce(excluded.lab, lab_unmatched.lab), imported_at = excluded.imported_at,
          lead_village = coalesce(excluded.lead_village, lab_unmatched.lead_village)
        """
    }
    static let select = "SELECT \(columns) FROM lab_unmatched ORDER BY sampled_on DESC, id_number"
}

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

extension PostgresStore {
    public func keepUnmatchedResults(_ rows: [LabResults.Kept]) async throws {
        try await transaction { connection in
            for row in rows {
                var binds = PostgresBindings()
                binds.append(row.idNumber)
                binds.append("\(row.sampledOn)")
                binds.append(row.name)
                binds.append(row.phone)
                binds.append(row.result.rawValue)
                binds.append(row.lab)
                binds.append(row.importedAt)
                binds.append(row.leadVillage)
                try await connection.query(
                    .sql(UnmatchedSQL.upsert((1...8).map { "$\($0)" }), binds), logger: logger)
            }
        }
    }

    public func unmatchedResults() async throws -> [LabResults.Kept] {
        var kept: [LabResults.Kept] = []
        for try await (number, sampled, name, phone, result, lab, importedAt, village) in try await client.query(
            .sql(UnmatchedSQL.select), logger: logger
        ).decode((String, String, String, String?, String, String?, String, String?).self) {
            guard let day = Day(sampled), let result = TestResult(rawValue: result) else { continue }
            kept.append(
                .init(
                    idNumber: number, sampledOn: day, name: name, phone: phone, result: result, lab: lab,
                    importedAt: importedAt, leadVillage: village))
        }
        return kept
    }
}
