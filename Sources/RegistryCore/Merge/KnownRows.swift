import GRDB

/// What a site holds of the rows a batch of changes touches: each column's current version and the row's owner
/// (its village, or the county for the county's rows), read from the change log with one query per table for every
/// 500 rows, instead of two lookups per change. Every stored row has log entries (all writes are logged), so
/// a row without entries does not exist yet.
public struct KnownRows: Sendable {
    public struct Row: Sendable {
        public var versions: [String: Version] = [:]
        /// The row's village (the scope of its log entries); nil when the row does not exist.
        public var owner: String?
    }

    private var rows: [String: [String: Row]] = [:]

    /// Looks up the rows `changes` touch among the rows of `scopes` (the villages and county whose rows the batch may
    /// change: the log is indexed by scope first); nil looks in every scope, without the index's help.
    public static func load(_ changes: [Change], scopes: [String]?, db: Database) throws -> KnownRows {
        var known = KnownRows()
        var byTable: [String: Set<String>] = [:]
        for change in changes { byTable[change.table, default: []].insert(change.pk) }
        for (table, pks) in byTable {
            var rows: [String: Row] = [:]
            let all = Array(pks)
            for start in stride(from: 0, to: all.count, by: 500) {
                let chunk = all[start..<min(start + 500, all.count)]
                let cursor = try ChangeLog.entries(db, table: table, pks: chunk, scopes: scopes)
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
