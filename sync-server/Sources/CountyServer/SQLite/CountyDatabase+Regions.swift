import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    /// The regions below this server, by code.
    public func regions() throws -> [RegionEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, parent_code FROM region ORDER BY code").map {
                RegionEntry(code: $0["code"], name: $0["name"], parentCode: $0["parent_code"])
            }
        }
    }

    /// Keeps `entries` (new codes added, known ones renamed or moved); returns how many of each.
    public func setRegions(_ entries: [RegionEntry]) throws -> (added: Int, updated: Int) {
        try writer.write { db in
            var added = 0
            var updated = 0
            for entry in entries {
                let known =
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM region WHERE code = ?", arguments: [entry.code]) ?? false
                try db.execute(
                    sql: """
                        INSERT INTO region (code, name, parent_code) VALUES (?, ?, ?)
                        ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code
                        """, arguments: [entry.code, entry.name, entry.parentCode])
                if known { updated += 1 } else { added += 1 }
            }
            return (added, updated)
        }
    }
}
