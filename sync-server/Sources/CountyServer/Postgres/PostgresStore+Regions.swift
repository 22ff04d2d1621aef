import Foundation
import PostgresNIO
import RegistryCore

extension PostgresStore {
    public func regions() async throws -> [RegionEntry] {
        var entries: [RegionEntry] = []
        for try await (code, name, parent) in try await client.query(
            "SELECT code, name, parent_code FROM region ORDER BY code", logger: logger
        )
        .decode((String, String, String).self) {
            entries.append(RegionEntry(code: code, name: name, parentCode: parent))
        }
        return entries
    }

    public func setRegions(_ entries: [RegionEntry]) async throws -> (added: Int, updated: Int) {
        try await transaction { connection in
            var added = 0
            var updated = 0
            for entry in entries {
                var binds = PostgresBindings()
                binds.append(entry.code)
                binds.append(entry.name)
                binds.append(entry.parentCode)
                // xmax = 0 only on a row this statement inserted.
                for try await inserted in try await connection.query(
                    .sql(
                        """
                        INSERT INTO region (code, name, parent_code) VALUES ($1, $2, $3)
                        ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code RETURNING (xmax = 0)
                        """, binds), logger: logger
                ).decode(Bool.self) {
                    if inserted { added += 1 } else { updated += 1 }
                }
            }
            return (added, updated)
        }
    }
}
