import Foundation
import GRDB

/// Every statement on the change log, in one type: what is appended, how the merge looks rows up, what a village
/// pushes, what the county serves, and the few questions the merge run asks of it. The log is the heart of sync
/// (DESIGN.md, *Sync*), so its SQL is read and changed in one place (and is what a second store must provide).
public enum ChangeLog {
    // MARK: Writing

    /// Appends one entry. `originSeq` is nil for the site's own writes (their sequence number is their `seq`), and
    /// the origin's number for a change received from elsewhere.
    static func append(
        _ db: Database, table: String, pk: String, json: String, hlc: Int64, origin: String, originSeq: Int64?,
        scope: String
    ) throws {
        // Bound value by value, as the recorder's inserts are (`Statement.execute(binding:)`): one entry per row
        // written, so GRDB's argument building showed in the import's and the apply's profiles.
        let statement = try db.cachedStatement(
            sql:
                "INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        statement.setUncheckedArguments(StatementArguments())
        try statement.bindChecked(table, at: 1)
        try statement.bindChecked(pk, at: 2)
        try statement.bindChecked(json, at: 3)
        try statement.bindChecked(hlc, at: 4)
        try statement.bindChecked(origin, at: 5)
        try statement.bindChecked(originSeq?.databaseValue ?? .null, at: 6)
        try statement.bindChecked(scope, at: 7)
        try statement.execute()
    }

    /// Gives `seq` a new clock (a change written while the computer's clock was far ahead, re-stamped before it is
    /// pushed).
    public static func restamp(_ db: Database, seq: Int64, hlc: Int64) throws {
        try db.execute(sql: "UPDATE change_log SET hlc = ? WHERE seq = ?", arguments: [hlc, seq])
    }

    // MARK: The merge's lookups

    /// The entries of `pks` of `table` among the rows of `scopes` (nil: every scope, without the index's help), as
    /// (pk, columns JSON, hlc, origin, scope) rows.
    static func entries(_ db: Database, table: String, pks: ArraySlice<String>, scopes: [String]?) throws -> RowCursor {
        let inScopes =
            scopes.map { "scope IN (" + placeholders($0.count) + ") AND " }
            ?? ""
        let statement = try db.cachedStatement(
            sql: "SELECT pk, columns, hlc, origin, scope FROM change_log WHERE " + inScopes
                + "tbl = ? AND pk IN (" + placeholders(pks.count) + ")")
        return try Row.fetchCursor(statement, arguments: StatementArguments((scopes ?? []) + [table] + Array(pks)))
    }

    /// The earliest clock in the log, if it holds anything.
    public static func firstClock(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT min(hlc) FROM change_log")
    }

    /// The latest sequence number in the log (0 when empty).
    public static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(seq) FROM change_log") ?? 0
    }

    // MARK: What a village pushes

    /// The condition (site, cursor) for what a sync pushes: this site's own entries after the cursor, but none of the
    /// county's published tables, which the county would refuse.
    static let pushable =
        "origin = ? AND seq > ? AND tbl NOT IN ("
        + SyncedTables.countyPublished.map { "'\($0)'" }.joined(separator: ", ") + ")"

    /// How many of `site`'s entries after `cursor` wait to be pushed; with `after`, only those clocked later.
    public static func pendingCount(_ db: Database, site: String, cursor: Int64, clockedAfter after: Int64? = nil)
        throws -> Int
    {
        if let after {
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM change_log WHERE " + pushable + " AND hlc > ?",
                arguments: [site, cursor, after]) ?? 0
        }
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM change_log WHERE " + pushable, arguments: [site, cursor]) ?? 0
    }

    /// The sequence numbers waiting to be pushed, in order.
    public static func pendingSeqs(_ db: Database, site: String, cursor: Int64) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT seq FROM change_log WHERE " + pushable + " ORDER BY seq", arguments: [site, cursor])
    }

    /// The entries waiting to be pushed, oldest first, at most `limit`: (seq, tbl, pk, columns, hlc) rows.
    public static func pending(_ db: Database, site: String, cursor: Int64, limit: Int) throws -> [Row] {
        try Row.fetchAll(
            db, sql: "SELECT seq, tbl, pk, columns, hlc FROM change_log WHERE " + pushable + " ORDER BY seq LIMIT ?",
            arguments: [site, cursor, limit])
    }

    /// The latest sequence number `origin` wrote.
    public static func newestSeq(_ db: Database, origin: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(seq) FROM change_log WHERE origin = ?", arguments: [origin]) ?? 0
    }

    /// The latest clock of everything settled (others' entries, and this site's acknowledged ones) not after `limit`.
    public static func settledClock(_ db: Database, site: String, cursor: Int64, notAfter limit: Int64) throws -> Int64
    {
        try Int64.fetchOne(
            db, sql: "SELECT max(hlc) FROM change_log WHERE (origin <> ? OR seq <= ?) AND hlc <= ?",
            arguments: [site, cursor, limit]) ?? 0
    }

    // MARK: What the county serves and asks

    /// A page of entries after server sequence `after` of `scopes` (a village's rows and the county's):
    /// (seq, tbl, pk, columns, hlc, origin, oseq) rows, `oseq` the origin's own number.
    public static func page(_ db: Database, scopes: [String], after: Int64, limit: Int) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT seq, tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq) AS oseq FROM change_log
                WHERE scope IN (\(scopes.map { _ in "?" }.joined(separator: ", "))) AND seq > ? ORDER BY seq LIMIT ?
                """,
            arguments: StatementArguments(scopes.map { $0.databaseValue } + [after.databaseValue, limit.databaseValue]))
    }

    /// The clock of each of `pks`' first entry in `table`, by pk: when the row came to be (a lead: its issue, by the
    /// clock of the server that wrote it).
    public static func firstClocks(_ db: Database, table: String, pks: [String]) throws -> [String: Int64] {
        var clocks: [String: Int64] = [:]
        for row in try db.rows(
            forKeys: pks, leading: [table],
            { "SELECT pk, min(hlc) FROM change_log WHERE tbl = ? AND pk IN (\($0)) GROUP BY pk" })
        {
            clocks[row[0]] = row[1]
        }
        return clocks
    }

    /// The clock of each row's first entry in `table` within `scope`, by pk: when the row came to be (a village's
    /// roster entry: when it joined).
    public static func firstClocks(_ db: Database, table: String, scope: String) throws -> [String: Int64] {
        var clocks: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT pk, min(hlc) FROM change_log WHERE scope = ? AND tbl = ? GROUP BY pk",
            arguments: [scope, table])
        {
            clocks[row[0]] = row[1]
        }
        return clocks
    }

    /// Deleted persons (all, or one village's) with the latest entry that deleted them: (village, name, id_number,
    /// deleted_reason, hlc, origin).
    public static func personDeletions(_ db: Database, village: String? = nil) throws -> [Row] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT p.village, p.name, p.id_number, p.deleted_reason, max(l.hlc) AS hlc, l.origin FROM person p
                JOIN change_log l ON l.scope = p.village AND l.tbl = 'person' AND l.pk = p.id AND l.columns LIKE '%"deleted":1%'
                WHERE p.deleted = 1\(village == nil ? "" : " AND p.village = ?") GROUP BY p.id ORDER BY p.village, hlc
                """, arguments: village.map { [$0] } ?? [])
    }
}
