import Foundation
import GRDB
import Synchronization

/// Applies a change received from another site to this site's database: the winning columns are written to the
/// row (inserted if new) and logged with their origin, in the caller's transaction. Used by a village pulling
/// from the county and by the county applying a village's push.
public enum ChangeApplier {
    /// What applying did.
    public enum Outcome: Sendable, Equatable {
        /// These columns won and were written.
        case applied([String])
        /// Every column already held a later version (or the same change was applied before).
        case superseded
    }

    /// The synced tables' columns, kept per process: building the set for every applied change showed in profiles.
    /// A name missing from the cache is looked up again in the schema before a change is refused.
    private static let knownColumns = Mutex<[String: Set<String>]>([:])

    static func isKnown(_ column: String, in table: String, _ db: Database) throws -> Bool {
        if knownColumns.withLock({ $0[table]?.contains(column) }) == true { return true }
        let names = Set(try db.columns(in: table).map(\.name))
        knownColumns.withLock { $0[table] = names }
        return names.contains(column)
    }

    /// Applies `change`. Refuses (throws `RegistryError`) an unknown table or column, or a new row that lacks
    /// required columns; nothing is written then.
    @discardableResult
    public static func apply(_ change: Change, db: Database) throws -> Outcome {
        var change = change
        // A row's first entry carries its id among the columns; the key is `pk`, and must agree.
        if let id = change.columns.values.removeValue(forKey: "id"), id != change.pk.databaseValue {
            throw RegistryError(nil, zh: "记录编号不一致", en: "the id column differs from the key")
        }
        guard SyncedTables.names.contains(change.table) else {
            throw RegistryError(nil, zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        if let unknown = try change.columns.values.keys.first(where: { try !isKnown($0, in: change.table, db) }) {
            throw RegistryError(nil, zh: "数据表 \(change.table) 没有可写的列 \(unknown)", en: "table \(change.table) has no writable column \(unknown)")
        }
        // Cached statements throughout: a county applies hundreds of thousands of these.
        // Every stored row has log entries (all writes are logged), so the entries also say whether the row exists
        // and, by their scope, whose it is: no separate lookup of the row.
        var existingVillage: String?
        let entries = try Row.fetchAll(try db.cachedStatement(sql: "SELECT columns, hlc, origin, scope FROM change_log WHERE tbl = ? AND pk = ?"),
                                       arguments: [change.table, change.pk]).map { row -> (columns: [String], version: Version) in
            existingVillage = row["scope"]
            let columns = ColumnValues(json: row["columns"])?.values.keys.map { $0 } ?? []
            return (columns, Version(hlc: HLC(raw: row["hlc"]), origin: row["origin"]))
        }
        let winners = Merge.winners(of: change, against: Merge.versions(of: entries))
        if winners.isEmpty { return .superseded }
        let values = winners.map { change.columns.values[$0]! }
        do {
            // The row is written first: if it is refused, nothing has been written (no savepoint needed).
            if existingVillage != nil {
                try db.cachedStatement(sql: "UPDATE \(change.table) SET " + winners.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?")
                    .execute(arguments: StatementArguments(values + [change.pk.databaseValue]))
            } else {
                try db.cachedStatement(sql: "INSERT INTO \(change.table) (id, " + winners.joined(separator: ", ") + ") VALUES (?"
                                       + String(repeating: ", ?", count: winners.count) + ")")
                    .execute(arguments: StatementArguments([change.pk.databaseValue] + values))
            }
        } catch let error as DatabaseError {
            throw RegistryError(nil, zh: "数据不完整或不合规：\(error.message ?? "")", en: "incomplete or invalid row: \(error.message ?? "")")
        }
        let scope = existingVillage ?? String.fromDatabaseValue(change.columns.values["village"] ?? .null) ?? ""
        var logged = ColumnValues([:])
        for column in winners { logged.values[column] = change.columns.values[column] }
        try db.cachedStatement(sql: """
            INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [change.table, change.pk, logged.json, change.hlc, change.origin, change.originSeq, scope])
        return .applied(winners)
    }
}
