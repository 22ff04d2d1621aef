import Foundation
import GRDB

/// The SQLite store's merge: looks up what a batch touches (`KnownRows.load`), lets `MergeDecision` decide, and
/// carries out the plan in the caller's transaction: each written change's row (inserted if new, else its winning
/// columns updated) and its log entry with its origin. Used by a village pulling from the county and by the county
/// applying a village's push.
public enum ChangeApplier {
    /// What applying one change did.
    public enum Outcome: Sendable, Equatable {
        /// These columns won and were written.
        case applied([String])
        /// Every column already held a later version (or the same change was applied before).
        case superseded
    }

    /// The first table or column of `change` this build's schema does not have (a newer site sent it), if any.
    public static func unknownName(in change: Change) -> String? {
        guard let columns = SyncedRules.tables[change.table] else { return change.table }
        return change.columns.values.keys.sorted().first { columns[$0] == nil }.map { "\(change.table).\($0)" }
    }

    /// Applies one change, looking its row up in every scope. Refuses (throws `RegistryError`) an unknown table or
    /// column, or a new row that lacks required columns; nothing is written then.
    @discardableResult
    public static func apply(_ change: Change, db: Database) throws -> Outcome {
        let plan = try apply([change], scopes: .anywhere, db: db)
        if let rejection = plan.rejections.first { throw RegistryError(nil, rejection.reason) }
        return plan.writes.first.map { .applied($0.columns) } ?? .superseded
    }

    /// Applies a batch received from the county (no sender: the county's rows are not held to a village's scope),
    /// looking rows up where `scopes` says; returns the plan carried out, rejections included (the caller decides
    /// whether one fails the batch).
    public static func apply(_ changes: [Change], scopes: KnownRows.Scopes, db: Database) throws -> MergePlan {
        let known = try KnownRows.load(changes, scopes: scopes, db: db)
        let plan = MergeDecision.decide(changes.map { MergeDecision.Prepared($0) }, known: known, sender: nil)
        try execute(plan, db: db)
        return plan
    }

    /// Carries out `plan` in order. Every refusal the database could make was decided beforehand, but for an id
    /// taken by a row the lookups were not asked to probe (`MergePlan.IDTaken`); one that still happens is thrown as
    /// a `RegistryError` (the caller's transaction or savepoint then rolls back).
    public static func execute(_ plan: MergePlan, db: Database) throws {
        // The statement of the write before serves the next when its table, kind and columns are the same (a push's
        // changes come in runs of one table and column set): its SQL is built and looked up once a run, not once a
        // write (the text's building and hashing showed in the apply's profile).
        var last: (table: String, isNew: Bool, columns: [String], statement: Statement)?
        for write in plan.writes {
            let change = write.change
            let statement: Statement
            if let last, last.isNew == write.isNew, last.table == change.table, last.columns == write.columns {
                statement = last.statement
            } else {
                statement = try db.cachedStatement(sql: sql(of: write))
                last = (change.table, write.isNew, write.columns, statement)
            }
            // Arguments as plain `DatabaseValue`s: an array literal of mixed types boxes each value and casts it back,
            // which showed in the apply profile.
            var arguments: [DatabaseValue] = []
            arguments.reserveCapacity(write.columns.count + 1)
            if write.isNew { arguments.append(change.pk.databaseValue) }
            for value in write.values { arguments.append(value.databaseValue) }
            if !write.isNew { arguments.append(change.pk.databaseValue) }
            do {
                try statement.execute(binding: arguments)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw MergePlan.IDTaken(table: change.table)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw RegistryError(
                    nil, zh: "数据不完整或不合规：\(change.table) \(error.message ?? "")",
                    en: "incomplete or invalid row: \(change.table) \(error.message ?? "")")
            }
            try ChangeLog.append(
                db, table: change.table, pk: change.pk, json: write.logJSON,
                hlc: change.hlc, origin: change.origin, originSeq: change.originSeq, scope: write.scope)
        }
    }

    /// The statement a write runs: an insert of the new row's id and winning columns, or an update of the winners.
    static func sql(of write: MergePlan.Write) -> String {
        let table = write.change.table
        return write.isNew
            ? "INSERT INTO \(table) (id, " + write.columns.joined(separator: ", ") + ") VALUES (?"
                + String(repeating: ", ?", count: write.columns.count) + ")"
            : "UPDATE \(table) SET " + write.columns.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?"
    }
}
