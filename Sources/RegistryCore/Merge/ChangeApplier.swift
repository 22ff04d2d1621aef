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

    /// The first column of `change` its (known) table does not have. One lock for the whole change: a lock per
    /// column showed in the apply profile.
    static func unknownColumn(in change: Change, db: Database) throws -> String? {
        if let names = knownColumns.withLock({ $0[change.table] }),
           change.columns.values.keys.allSatisfy({ $0 == "id" || names.contains($0) }) {
            return nil
        }
        return try change.columns.values.keys.first { try $0 != "id" && !isKnown($0, in: change.table, db) }
    }

    /// The first table or column of `change` this database's schema does not have (a newer site sent it), if any.
    public static func unknownName(in change: Change, db: Database) throws -> String? {
        guard SyncedTables.nameSet.contains(change.table) else { return change.table }
        return try unknownColumn(in: change, db: db).map { "\(change.table).\($0)" }
    }

    /// Applies `change`, looking its row up in every scope (see `KnownRows.load`). Refuses (throws `RegistryError`)
    /// an unknown table or column, or a new row that lacks required columns; nothing is written then.
    @discardableResult
    public static func apply(_ change: Change, db: Database) throws -> Outcome {
        var known = try KnownRows.load([change], scopes: nil, db: db)
        return try apply(change, db: db, known: &known)
    }

    /// A change with what writing it as a new row takes (the common case at the county: every column of a row
    /// pushed for the first time wins), made before the write transaction: the server prepares a push's changes on
    /// its event loops, so that the single writer only looks rows up and inserts.
    public struct Prepared: Sendable {
        public let change: Change
        /// The change's columns but `id`, sorted: the winners when the row is new.
        let columns: [String]
        let insertSQL: String
        let insertArguments: [DatabaseValue]
        let logJSON: String

        public init(_ change: Change) {
            self.change = change
            columns = change.columns.values.keys.filter { $0 != "id" }.sorted()
            insertSQL = "INSERT INTO \(change.table) (id, " + columns.joined(separator: ", ") + ") VALUES (?"
                + String(repeating: ", ?", count: columns.count) + ")"
            var arguments = [change.pk.databaseValue]
            arguments.reserveCapacity(columns.count + 1)
            for column in columns { arguments.append(change.columns.values[column]!.databaseValue) }
            insertArguments = arguments
            logJSON = ColumnValues.json(sortedNames: columns, values: change.columns.values)
        }
    }

    /// Applies `change` against rows looked up beforehand for its whole batch (`KnownRows.load`), and records what
    /// it wrote there, so that a later change of the same row in the batch sees it.
    public static func apply(_ change: Change, db: Database, known: inout KnownRows) throws -> Outcome {
        try apply(Prepared(change), db: db, known: &known)
    }

    /// Applies a prepared change (see `Prepared`) against rows looked up beforehand for its whole batch.
    public static func apply(_ prepared: Prepared, db: Database, known: inout KnownRows) throws -> Outcome {
        let change = prepared.change
        // A row's first entry carries its id among the columns; the key is `pk`, and must agree.
        if let id = change.columns.values["id"], id != .string(change.pk) {
            throw RegistryError(nil, zh: "记录编号不一致", en: "the id column differs from the key")
        }
        guard SyncedTables.nameSet.contains(change.table) else {
            throw RegistryError(nil, zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        if let unknown = try unknownColumn(in: change, db: db) {
            throw RegistryError(nil, zh: "数据表 \(change.table) 没有可写的列 \(unknown)", en: "table \(change.table) has no writable column \(unknown)")
        }
        let row = known.row(change.table, change.pk)
        // A row without log entries (no owner) does not exist yet: every column of the change wins.
        let isNew = row.owner == nil
        let winners = isNew ? prepared.columns : Merge.winners(of: change, against: row.versions)
        if winners.isEmpty { return .superseded }
        // Arguments as plain `DatabaseValue`s: an array literal of mixed types boxes each value and casts it back,
        // which showed in the apply profile.
        let pk = change.pk.databaseValue
        do {
            // The row is written first: if it is refused, nothing has been written (no savepoint needed).
            if isNew {
                try db.cachedStatement(sql: prepared.insertSQL).execute(arguments: StatementArguments(prepared.insertArguments))
            } else {
                var arguments = winners.map { change.columns.values[$0]!.databaseValue }
                arguments.append(pk)
                try db.cachedStatement(sql: "UPDATE \(change.table) SET " + winners.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?")
                    .execute(arguments: StatementArguments(arguments))
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            // The id is taken by a row outside the scopes looked in: another village's.
            throw RegistryError(nil, zh: "这个编号已被其他村的记录使用", en: "another village's row has this id")
        } catch let error as DatabaseError {
            throw RegistryError(nil, zh: "数据不完整或不合规：\(error.message ?? "")", en: "incomplete or invalid row: \(error.message ?? "")")
        }
        let scope = row.owner ?? change.columns.values["village"]?.stringValue ?? ""
        try ChangeLog.append(db, table: change.table, pk: change.pk,
                             json: isNew ? prepared.logJSON : ColumnValues.json(sortedNames: winners, values: change.columns.values),
                             hlc: change.hlc, origin: change.origin, originSeq: change.originSeq, scope: scope)
        known.record(change.table, change.pk, columns: winners, version: change.version, owner: scope)
        return .applied(winners)
    }
}
