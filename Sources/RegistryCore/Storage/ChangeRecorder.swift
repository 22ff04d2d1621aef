import GRDB

/// The only way rows of synced tables are written: each insert or update also appends one change-log entry
/// with the changed columns, the hybrid logical clock and this site, inside the caller's transaction.
/// `finish()` persists the clock in the same transaction.
public struct ChangeRecorder {
    let db: Database
    let site: String
    let clock: RegistryClock
    private(set) var hlc: HLC
    /// How many entries this transaction appended.
    public private(set) var entries = 0

    /// A recorder for one write transaction of `site`; call `finish()` before the transaction ends.
    public init(db: Database, site: String, clock: RegistryClock) throws {
        self.db = db
        self.site = site
        self.clock = clock
        hlc = HLC(raw: try Setting.int(db, .hlc) ?? 0)
    }

    /// Inserts a new row and logs every column.
    public mutating func insert<R: SyncedRecord>(_ record: R) throws {
        // Encode once: the same values go to the row and to the log, through cached prepared statements.
        let values = try record.databaseDictionary
        let columns = values.keys.sorted()
        let statement = try db.cachedStatement(sql: "INSERT INTO \(R.databaseTableName) (" + columns.joined(separator: ", ")
                                                + ") VALUES (" + columns.map { _ in "?" }.joined(separator: ", ") + ")")
        try statement.execute(arguments: StatementArguments(columns.map { values[$0]! }))
        try log(R.databaseTableName, record.id, record.village, ColumnValues(values))
    }

    /// Updates a row from its previous state and logs the columns that changed; does nothing when none did.
    public mutating func update<R: SyncedRecord>(_ record: R, from old: R) throws {
        let new = try record.databaseDictionary, before = try old.databaseDictionary
        let changed = new.filter { before[$0.key] != $0.value }
        if changed.isEmpty { return }
        try record.update(db, columns: Array(changed.keys))
        try log(R.databaseTableName, record.id, record.village, ColumnValues(changed))
    }

    /// Inserts `record`, or updates the stored row with the same id if there is one.
    public mutating func save<R: SyncedRecord>(_ record: R) throws {
        if let old = try R.fetchOne(db, key: record.id) {
            try update(record, from: old)
        } else {
            try insert(record)
        }
    }

    private mutating func log(_ table: String, _ pk: String, _ scope: String, _ columns: ColumnValues) throws {
        hlc = hlc.tick(now: clock.milliseconds)
        try db.cachedStatement(
            sql: "INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, NULL, ?)"
        ).execute(arguments: [table, pk, columns.json, hlc.raw, site, scope])
        entries += 1
    }

    /// Runs `body` with a recorder for `site` inside the caller's write transaction and persists the clock after
    /// it: the one shape every writer (village registry, county server) uses.
    public static func recording<T>(_ db: Database, site: String, clock: RegistryClock,
                                    _ body: (inout ChangeRecorder) throws -> T) throws -> T {
        var recorder = try ChangeRecorder(db: db, site: site, clock: clock)
        let result = try body(&recorder)
        try recorder.finish()
        return result
    }

    /// Persists the clock; called once at the end of the transaction.
    public func finish() throws {
        if entries > 0 { try Setting.set(db, .hlc, String(hlc.raw)) }
    }
}
