import Foundation
import PostgresNIO
import RegistryCore

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
