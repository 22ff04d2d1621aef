import Foundation
import GRDB
import PostgresNIO
import RegistryCore

/// Each PostgreSQL server process keeps a replica of the county in a SQLite file of its own (a temporary file,
/// removed when the process ends), which follows the PostgreSQL change log in `seq` order, as a village follows its
/// county. The county's reads (the merge run, the dashboard, a roster name) run on the replica once it has caught
/// up, with the registry's own queries and indexes; a county write (an import, a person edit, contact leads) runs on
/// the replica too, and what it logged there is then sent to PostgreSQL through the one merge decision, under the
/// log lock, as the county's own changes. So the queries over a county's rows exist once, for both stores.
///
/// The replica is a cache: losing it loses nothing (it is rebuilt from the log), and it is rebuilt when the epoch
/// changes (a restore) or a write could not be sent.
actor Replica {
    let clock: RegistryClock
    private var database: CountyDatabase?
    private var directory: URL?
    /// The last PostgreSQL `seq` applied.
    private var lastSeq: Int64 = 0
    private var epoch: String?
    /// The settings the county's operations read from the replica, as last copied there.
    private var settingsCopied: [String: String]?
    static let copiedSettings = ["county", "county_name", "site", "epoch", "deadline", "level"]

    init(clock: RegistryClock) { self.clock = clock }

    func close() {
        database = nil
        settingsCopied = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
        directory = nil
    }

    /// The replica, caught up with everything committed in PostgreSQL.
    func caughtUp(_ store: PostgresStore) async throws -> CountyDatabase {
        // The county's settings, read once, copied into the replica only when they changed (every read comes here).
        let values = try await store.settingValues()
        let settings = try CountyDatabase.Settings(values)
        if epoch != settings.epoch { close() }
        let database = try self.database ?? open()
        epoch = settings.epoch
        let copied = Replica.copiedSettings.reduce(into: [String: String]()) { $0[$1] = values[$1] }
        if copied != settingsCopied {
            try await offThePool {
                try database.writer.write { db in
                    for key in Replica.copiedSettings { try LocalSettings.set(db, key, copied[key]) }
                }
            }
            settingsCopied = copied
        }
        while true {
            let entries = try await store.logPage(after: lastSeq, limit: 5_000).entries
            guard let last = entries.last else { break }
            let receipts = try await store.receipts(
                of: entries.filter { $0.change.table == DailyReport.databaseTableName }.map(\.change.pk))
            let now = clock.milliseconds
            let skipped = try await offThePool {
                var skipped = 0
                try database.writer.write { db in
                    let plan = try ChangeApplier.apply(
                        entries.compactMap { Replica.known($0.change) },
                        scopes: Array(Set(entries.map(\.scope))), db: db)
                    // A change the database holds but this build cannot apply (a newer server's row without the columns
                    // this build requires) is left out of the replica, as the SQLite store's tables leave it out.
                    if !plan.rejections.isEmpty { skipped += plan.rejections.count }
                    for receipt in receipts {
                        try db.execute(
                            sql: """
                                INSERT OR IGNORE INTO report_receipt (report_id, revision, village, date, received_at) VALUES (?, ?, ?, ?, ?)
                                """,
                            arguments: [
                                receipt.reportID, receipt.revision, receipt.village, receipt.date, receipt.receivedAt,
                            ])
                    }
                    // County writes made here are clocked after everything the county holds.
                    if let newest = entries.map(\.change.hlc).max() {
                        try LocalSettings.observe(db, remote: HLC(raw: newest), now: now)
                    }
                }
                return skipped
            }
            if skipped > 0 {
                store.logger.warning(
                    "replica: changes this build cannot apply were left out", metadata: ["count": "\(skipped)"])
            }
            lastSeq = last.seq
            if entries.count < 5_000 { break }
        }
        return database
    }

    /// The part of a change this build's tables hold: a table or column it does not know (written by a newer server
    /// over the same log) is left out, as the SQLite store's tables leave it out, instead of stopping every read.
    static func known(_ change: Change) -> Change? {
        guard let columns = SyncedRules.tables[change.table] else { return nil }
        guard change.columns.values.keys.contains(where: { columns[$0] == nil }) else { return change }
        var known = change
        known.columns = ColumnValues(change.columns.values.filter { columns[$0.key] != nil })
        return known.columns.values.keys.contains { $0 != "id" } ? known : nil
    }

    private func open() throws -> CountyDatabase {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sync-server-replica-" + UUID().uuidString)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.directory = directory
        lastSeq = 0
        let database = try CountyDatabase.open(
            path: directory.appendingPathComponent("county.sqlite").path, clock: clock)
        self.database = database
        return database
    }

    func read<T: Sendable>(_ store: PostgresStore, _ operation: @escaping @Sendable (CountyDatabase) throws -> T)
        async throws -> T
    {
        let database = try await caughtUp(store)
        return try await offThePool { try operation(database) }
    }

    /// Runs a county write on the replica and sends what it logged to PostgreSQL. The actor runs one at a time, so
    /// the entries after `before` are this write's.
    func write<T: Sendable>(_ store: PostgresStore, _ operation: @escaping @Sendable (CountyDatabase) throws -> T)
        async throws -> T
    {
        let database = try await caughtUp(store)
        let before = try await offThePool { try database.writer.read { try ChangeLog.lastSeq($0) } }
        let result = try await offThePool { try operation(database) }
        let written: [(change: Change, scope: String)] = try await offThePool {
            try database.writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT tbl, pk, columns, hlc, origin, seq, scope FROM change_log WHERE seq > ? ORDER BY seq",
                    arguments: [before]
                ).map { row in
                    (
                        Change(
                            table: row["tbl"], pk: row["pk"],
                            columns: ColumnValues(json: row["columns"]) ?? ColumnValues([String: ColumnValue]()),
                            hlc: row["hlc"], origin: row["origin"], originSeq: row["seq"]), row["scope"]
                    )
                }
            }
        }
        if written.isEmpty { return result }
        do {
            try await store.forward(written)
        } catch {
            close()  // the replica holds a write PostgreSQL does not: rebuild it from the log
            throw error
        }
        return result
    }
}

extension PostgresStore {
    public func reading<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await replica.read(self, operation)
    }

    public func writing<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await replica.write(self, operation)
    }

    /// A page of the log after `seq`, with each entry's scope; only entries meeting `condition` (SQL over the log's
    /// columns, written by this program: `RelayPage`).
    /// With each entry, the length of its columns as stored (what a relay page is cut by).
    func logPage(after seq: Int64, limit: Int, where condition: String = "TRUE") async throws -> (
        entries: [RelayWire.Entry], bytes: [Int]
    ) {
        var binds = PostgresBindings()
        binds.append(seq)
        binds.append(Int64(limit))
        var entries: [RelayWire.Entry] = []
        var bytes: [Int] = []
        for try await (seq, table, pk, columns, hlc, origin, originSeq, scope) in try await client.query(
            .sql(
                """
                SELECT seq, tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq), scope FROM change_log
                WHERE seq > $1 AND \(condition) ORDER BY seq LIMIT $2
                """, binds), logger: logger
        ).decode((Int64, String, String, String, Int64, String, Int64, String).self) {
            entries.append(
                RelayWire.Entry(
                    seq: seq, scope: scope,
                    change: Change(
                        table: table, pk: pk,
                        columns: ColumnValues(json: columns) ?? ColumnValues([String: ColumnValue]()),
                        hlc: hlc, origin: origin, originSeq: originSeq)))
            bytes.append(columns.utf8.count)
        }
        return (entries, bytes)
    }

    /// Applies the county's own changes (made on the replica) to PostgreSQL, under the log lock.
    func forward(_ written: [(change: Change, scope: String)]) async throws {
        let logger = logger
        try await transaction { connection in
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock))"), logger: logger)
            let changes = written.map(\.change)
            let known = try await knownRows(changes, scopes: Array(Set(written.map(\.scope))), on: connection)
            let plan = MergeDecision.decide(changes.map { MergeDecision.Prepared($0) }, known: known, sender: nil)
            if let rejection = plan.rejections.first { throw RegistryError(nil, rejection.reason) }
            try await execute(plan, ownSite: true, on: connection)
        }
    }
}
