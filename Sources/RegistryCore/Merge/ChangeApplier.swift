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
        var known = try KnownRows.load([change], db: db)
        return try apply(change, db: db, known: &known)
    }

    /// Applies `change` against rows looked up beforehand for its whole batch (`KnownRows.load`), and records what
    /// it wrote there, so that a later change of the same row in the batch sees it.
    public static func apply(_ change: Change, db: Database, known: inout KnownRows) throws -> Outcome {
        // A row's first entry carries its id among the columns; the key is `pk`, and must agree.
        if let id = change.columns.values["id"], id != change.pk.databaseValue {
            throw RegistryError(nil, zh: "记录编号不一致", en: "the id column differs from the key")
        }
        guard SyncedTables.nameSet.contains(change.table) else {
            throw RegistryError(nil, zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        if let unknown = try change.columns.values.keys.first(where: { try $0 != "id" && !isKnown($0, in: change.table, db) }) {
            throw RegistryError(nil, zh: "数据表 \(change.table) 没有可写的列 \(unknown)", en: "table \(change.table) has no writable column \(unknown)")
        }
        let row = known.row(change.table, change.pk)
        let winners = Merge.winners(of: change, against: row.versions)
        if winners.isEmpty { return .superseded }
        let values = winners.map { change.columns.values[$0]! }
        do {
            // The row is written first: if it is refused, nothing has been written (no savepoint needed).
            if row.owner != nil {
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
        let scope = row.owner ?? String.fromDatabaseValue(change.columns.values["village"] ?? .null) ?? ""
        var logged = ColumnValues([:])
        for column in winners { logged.values[column] = change.columns.values[column] }
        try db.cachedStatement(sql: """
            INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [change.table, change.pk, logged.json, change.hlc, change.origin, change.originSeq, scope])
        known.record(change.table, change.pk, columns: winners, version: change.version, owner: scope)
        return .applied(winners)
    }
}

/// What a site holds of the rows a batch of changes touches: each column's current version and the row's owner
/// (its village, or the county for the county's rows), read from the change log in one query per table and few
/// hundred rows, instead of two lookups per change. Every stored row has log entries (all writes are logged), so
/// a row without entries does not exist yet.
public struct KnownRows: Sendable {
    public struct Row: Sendable {
        public var versions: [String: Version] = [:]
        /// The row's village (the scope of its log entries); nil when the row does not exist.
        public var owner: String?
    }

    private var rows: [String: [String: Row]] = [:]

    /// Looks up the rows `changes` touch.
    public static func load(_ changes: [Change], db: Database) throws -> KnownRows {
        var known = KnownRows()
        var byTable: [String: Set<String>] = [:]
        for change in changes { byTable[change.table, default: []].insert(change.pk) }
        for (table, pks) in byTable {
            var rows: [String: Row] = [:]
            let all = Array(pks)
            for start in stride(from: 0, to: all.count, by: 500) {
                let chunk = all[start..<min(start + 500, all.count)]
                let statement = try db.cachedStatement(sql: "SELECT pk, columns, hlc, origin, scope FROM change_log WHERE tbl = ? AND pk IN ("
                                                       + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")")
                let cursor = try GRDB.Row.fetchCursor(statement, arguments: StatementArguments([table] + Array(chunk)))
                while let entry = try cursor.next() {
                    let pk: String = entry[0]
                    let version = Version(hlc: HLC(raw: entry[2]), origin: entry[3])
                    var row = rows[pk] ?? Row()
                    row.owner = entry[4]
                    Merge.observe(ColumnValues.names(json: entry[1]), at: version, into: &row.versions)
                    rows[pk] = row
                }
            }
            known.rows[table] = rows
        }
        return known
    }

    /// The row `pk` of `table` as known (empty, no owner, when it does not exist or was not loaded).
    public func row(_ table: String, _ pk: String) -> Row { rows[table]?[pk] ?? Row() }

    mutating func record(_ table: String, _ pk: String, columns: [String], version: Version, owner: String) {
        var row = rows[table]?[pk] ?? Row()
        row.owner = row.owner ?? owner
        Merge.observe(columns, at: version, into: &row.versions)
        rows[table, default: [:]][pk] = row
    }
}
