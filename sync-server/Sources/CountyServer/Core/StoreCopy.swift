import Foundation
import RegistryCore

/// A store's tables as plain rows, for `sync-server copy`: every table both stores hold, read in key order and
/// written as they are (sequence numbers, cursors, epoch, tokens and all).
public protocol TableCopying: CountyStore {
    /// How many rows `table` holds.
    func rowCount(_ table: String) async throws -> Int
    /// Up to `limit` rows of `table` whose `key` (an SQL expression both stores evaluate alike) is after `after` (nil:
    /// from the first), in key order: the `columns`' values, then the key's.
    func rows(_ table: String, columns: [String], key: String, after: ColumnValue?, limit: Int) async throws
        -> [[ColumnValue]]
    /// Writes `rows` into `table` in one transaction.
    func insert(_ table: String, columns: [String], rows: [[ColumnValue]]) async throws
    /// Makes the store's own counters follow what was copied in (PostgreSQL's log sequence).
    func afterCopy() async throws
}

/// `sync-server copy --from SRC --to DST`: a county's whole state from one store to another (SQLite to PostgreSQL
/// and back). Villages keep syncing across the move without noticing: the log keeps its sequence numbers and the
/// epoch stays the same, so every village's cursor means what it meant.
public enum StoreCopy {
    /// The tables copied, each with the column it is read in order of, and its columns (the same in both stores:
    /// CountyServerTests/PostgresSchemaTests holds them to it).
    static func tables() -> [(name: String, key: String)] {
        SyncedTables.names.map { ($0, "id") } + [
            ("change_log", "seq"), ("setting", "key"), ("site_cursor", "site"), ("token", "id"),
            ("report_receipt", "report_id || '/' || revision"),
            ("village_contact", "code"), ("sync_rejection", "seq"), ("region", "code"),
            ("lab_unmatched", "id_number || '/' || sampled_on"),
        ]
    }

    /// The columns of every copied table, as SQLite's county schema has them.
    static func columns() throws -> [String: [String]] {
        let database = try CountyDatabase.inMemory(clock: RegistryClock(now: { Date() }))
        return try database.tableColumns(tables().map(\.name))
    }

    public struct Result: Sendable {
        /// Rows copied, by table.
        public var counts: [(table: String, rows: Int)]
    }

    /// Copies everything from `source` into `target`, which must be empty; checks every table's count after.
    public static func copy(from source: any TableCopying, to target: any TableCopying) async throws -> Result {
        _ = try await source.settings()
        for (table, _) in tables() where try await target.rowCount(table) > 0 {
            throw RegistryError(
                nil, zh: "目标数据库不是空的（\(table) 已有数据）：请复制到新建的空数据库",
                en: "the target is not empty (\(table) has rows): copy into a new, empty database")
        }
        let columns = try columns()
        var counts: [(table: String, rows: Int)] = []
        for (table, key) in tables() {
            let names = columns[table] ?? []
            var after: ColumnValue?
            var copied = 0
            while true {
                let page = try await source.rows(table, columns: names, key: key, after: after, limit: 2_000)
                if page.isEmpty { break }
                try await target.insert(table, columns: names, rows: page.map { Array($0.prefix(names.count)) })
                copied += page.count
                after = page.last!.last!
                if page.count < 2_000 { break }
            }
            counts.append((table, copied))
        }
        try await target.afterCopy()
        for (table, rows) in counts {
            let held = try await target.rowCount(table)
            if held != rows {
                throw RegistryError(
                    nil, zh: "复制后核对不符：\(table) 应有 \(rows) 行，实有 \(held) 行",
                    en: "copied \(rows) rows of \(table) but the target holds \(held)")
            }
        }
        return Result(counts: counts)
    }
}
