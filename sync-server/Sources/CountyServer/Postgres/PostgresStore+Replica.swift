import Foundation
import GRDB
import PostgresNIO
import RegistryCore

/// Each PostgreSQL server process keeps a replica of the county in a SQLite file of its own, which follows the
/// PostgreSQL change log in `seq` order, as a village follows its county. The county's reads (the merge run, the
/// dashboard, a roster name) run on the replica once it has caught up, with the registry's own queries and indexes; a
/// county write (an import, a person edit, contact leads) runs on the replica too, and what it logged there is then
/// sent to PostgreSQL through the one merge decision, under the log lock, as the county's own changes. So the queries
/// over a county's rows exist once, for both stores.
///
/// The replica is a cache kept between runs (`ReplicaFile`): a process that finds a valid one catches up on what was
/// logged since, so it is ready in about a second whatever the log's size. It is dropped and rebuilt from the log when
/// it no longer matches: another epoch (a restore), a database whose entry at the replica's last `seq` is not the one
/// it applied (a restored or replaced database), another build's tables, or a write that may not have reached
/// PostgreSQL (the process died, or the send failed, between the two).
actor Replica {
    let clock: RegistryClock
    /// Where kept replicas live (nil: a temporary file, removed when the process ends).
    let directory: URL?
    private var database: CountyDatabase?
    private var file: ReplicaFile?
    /// The last PostgreSQL `seq` applied.
    private var lastSeq: Int64 = 0
    private var epoch: String?
    /// The settings the county's operations read from the replica, as last copied there.
    private var settingsCopied: [String: String]?
    static let copiedSettings = CountySetting.readBySummaries.map(\.rawValue)
    /// How far behind the newest snapshot a kept replica is set aside for it: catching up on 100,000 entries takes 3 to
    /// 4 s here, loading a snapshot about 2 s at 1M log entries. (A test sets it lower.)
    var behindSnapshot: Int64 = 100_000
    func setBehindSnapshot(_ entries: Int64) { behindSnapshot = entries }
    /// Log entries applied since the replica was opened (a kept one applies only what is new), and its file.
    private(set) var applied = 0
    var path: String? { file?.path }
    /// Held while the replica is opened, caught up or written. An actor runs again while one of its calls awaits
    /// (PostgreSQL, the pool), so without it two requests at once could each open a file, and one of them read a
    /// replica the settings were never copied into; or two writes each send the other's entries.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        if busy { await withCheckedContinuation { waiting.append($0) } } else { busy = true }
    }

    /// Hands the replica to the next caller waiting, if any (it stays busy), else frees it.
    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    init(clock: RegistryClock, directory: URL?) {
        self.clock = clock
        self.directory = directory
    }

    /// Closes the replica, keeping its file for the next run.
    func close() {
        database = nil
        settingsCopied = nil
        file?.release()
        file = nil
    }

    /// Closes the replica and removes its file: the next read rebuilds it from the log.
    func discard() {
        database = nil
        file?.remove()
        close()
    }

    /// The replica, caught up with everything committed in PostgreSQL.
    func caughtUp(_ store: PostgresStore) async throws -> CountyDatabase {
        await acquire()
        defer { release() }
        return try await catchUp(store)
    }

    /// `caughtUp`, for a caller that holds the replica.
    private func catchUp(_ store: PostgresStore) async throws -> CountyDatabase {
        // The county's settings, read once, copied into the replica only when they changed (every read comes here).
        let values = try await store.settingValues()
        let settings = try CountySettings(values)
        if let epoch, epoch != settings.epoch { discard() }
        let database: CountyDatabase
        if let open = self.database {
            database = open
        } else {
            database = try await self.open(store, settings: settings)
        }
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
        // The next page is read from PostgreSQL while this one is applied: on a first build the two took about as
        // long as each other (0.1 s a page of 5,000 each at a 50k log), so the overlap nearly halves the build.
        let pageSize = 5_000
        var next = Task { try await store.logPage(after: lastSeq, limit: pageSize).entries }
        defer { next.cancel() }
        while true {
            let entries = try await next.value
            guard let last = entries.last else { break }
            if entries.count == pageSize {
                next = Task { try await store.logPage(after: last.seq, limit: pageSize).entries }
            }
            let receipts = try await store.receipts(
                of: entries.filter { $0.change.table == DailyReport.databaseTableName }.map(\.change.pk))
            let now = clock.milliseconds
            let kept = entries.compactMap { entry in Replica.known(entry.change).map { ($0, entry.scope) } }
            let skipped = try await offThePool {
                try database.writer.write { db in
                    // Each change looked up in its entry's scope, as it was logged.
                    let plan = try ChangeApplier.apply(kept.map(\.0), scopes: .own(kept.map(\.1)), db: db)
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
                    // Where the next run starts, committed with what it applied.
                    try LocalSettings.set(db, ReplicaFile.Key.seq, String(last.seq))
                    try LocalSettings.set(db, ReplicaFile.Key.seqClock, String(last.change.hlc))
                    // A change the database holds but this build cannot apply (a newer server's row without the
                    // columns this build requires) is left out of the replica, as the SQLite store's tables do.
                    return plan.rejections.count
                }
            }
            if skipped > 0 {
                store.logger.warning(
                    "replica: changes this build cannot apply were left out", metadata: ["count": "\(skipped)"])
            }
            lastSeq = last.seq
            applied += entries.count
            if entries.count < pageSize { break }
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

    /// Opens the kept replica if it still matches the database, else the newest snapshot a server shared
    /// (`ReplicaSnapshot`), else starts an empty one.
    private func open(_ store: PostgresStore, settings: CountySettings) async throws -> CountyDatabase {
        let file = ReplicaFile.take(
            stem: ReplicaFile.stem(location: store.location, site: settings.site), in: directory)
        self.file = file
        applied = 0
        let newest = try? await store.newestSnapshot(epoch: settings.epoch)
        if let kept = try? CountyDatabase.open(path: file.path, clock: clock),
            let seq = try await self.usable(kept, store: store, settings: settings)
        {
            // A kept replica far behind (a machine off for a week) catches up slower than the snapshot loads.
            if let newest, newest.seq >= seq + behindSnapshot,
                let restored = try await restore(newest, store: store, settings: settings, into: file, replacing: kept)
            {
                return restored
            }
            lastSeq = seq
            database = kept
            return kept
        }
        file.remove()
        if let newest, let restored = try await restore(newest, store: store, settings: settings, into: file) {
            return restored
        }
        let database = try CountyDatabase.open(path: file.path, clock: clock)
        try await database.writer.write { db in try LocalSettings.set(db, ReplicaFile.Key.format, ReplicaFile.format) }
        lastSeq = 0
        self.database = database
        return database
    }

    /// `snapshot` fetched beside the replica's file and checked as a kept file is, then put in its place (`kept`, a
    /// usable replica far behind, closed first). Nil when it cannot be used: the caller keeps `kept`, or builds from
    /// the log.
    private func restore(
        _ snapshot: ReplicaSnapshot, store: PostgresStore, settings: CountySettings, into file: ReplicaFile,
        replacing kept: CountyDatabase? = nil
    ) async throws -> CountyDatabase? {
        let started = Date()
        let side = file.path + ".snapshot"
        defer { ReplicaFile.remove(side) }
        do {
            guard try await store.logClock(at: snapshot.seq) == snapshot.seqClock else { return nil }
            guard try await store.fetchSnapshot(snapshot, to: side) else {
                store.logger.warning("replica: the shared snapshot failed its checks; building from the log")
                return nil
            }
            let fetched = try CountyDatabase.open(path: side, clock: clock)
            let seq = try await usable(fetched, store: store, settings: settings)
            try fetched.writer.close()
            guard seq == snapshot.seq else {
                store.logger.warning("replica: the shared snapshot failed its checks; building from the log")
                return nil
            }
        } catch {
            store.logger.warning(
                "replica: the shared snapshot could not be used; building from the log",
                metadata: ["error": "\(error)"])
            return nil
        }
        try kept?.writer.close()
        file.remove(recreating: false)
        try FileManager.default.moveItem(atPath: side, toPath: file.path)
        let database = try CountyDatabase.open(path: file.path, clock: clock)
        lastSeq = snapshot.seq
        self.database = database
        store.logger.info(
            "replica restored from the newest shared snapshot",
            metadata: [
                "seq": "\(snapshot.seq)", "bytes": "\(snapshot.size)",
                "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
            ])
        return database
    }

    /// Writes a consistent copy of the replica, caught up, to `path` (`VACUUM INTO`), when it stands past `seq`;
    /// returns the `seq` the copy stands at and that entry's clock, nil when there is nothing new to share or the copy
    /// caught a county write on its way to PostgreSQL.
    func copy(_ store: PostgresStore, to path: String, ifPast seq: Int64) async throws -> (seq: Int64, clock: Int64)? {
        let database = try await caughtUp(store)
        guard lastSeq > seq else { return nil }
        return try await offThePool {
            // On a reader's connection, outside the replica's lock: VACUUM INTO is one read transaction, a consistent
            // copy, and reads, catch-ups and county writes go on meanwhile (the copy takes seconds at 1M entries).
            try database.writer.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
            // What the copy holds is told by the copy itself (a catch-up may have committed since the check above).
            var configuration = Configuration()
            configuration.readonly = true
            let copy = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? copy.close() }
            return try copy.read { db -> (seq: Int64, clock: Int64)? in
                guard try LocalSettings.get(db, ReplicaFile.Key.writing) == nil,
                    let seq = try LocalSettings.get(db, ReplicaFile.Key.seq).flatMap(Int64.init),
                    let clock = try LocalSettings.get(db, ReplicaFile.Key.seqClock).flatMap(Int64.init)
                else { return nil }
                return (seq, clock)
            }
        }
    }

    /// The `seq` a kept replica stands at, if it can be used: same build, epoch, and the database's entry at that
    /// `seq` the one it applied; no write left half-sent.
    private func usable(_ kept: CountyDatabase, store: PostgresStore, settings: CountySettings) async throws
        -> Int64?
    {
        typealias Key = ReplicaFile.Key
        let keys = [Key.format, Key.seq, Key.seqClock, Key.writing, "epoch"]
        let stored = try? await kept.writer.read { db in
            try keys.reduce(into: [String: String]()) { $0[$1] = try LocalSettings.get(db, $1) }
        }
        guard let stored, stored[Key.format] == ReplicaFile.format, stored[Key.writing] == nil,
            stored["epoch"] == settings.epoch, let seq = stored[Key.seq].flatMap(Int64.init),
            let clock = stored[Key.seqClock].flatMap(Int64.init)
        else { return nil }
        guard try await store.logClock(at: seq) == clock else { return nil }
        return seq
    }

    func read<T: Sendable>(_ store: PostgresStore, _ operation: @escaping @Sendable (CountyDatabase) throws -> T)
        async throws -> T
    {
        let database = try await caughtUp(store)
        return try await offThePool { try operation(database) }
    }

    /// Runs a county write on the replica and sends what it logged to PostgreSQL. It holds the replica throughout, so
    /// the entries after `before` are this write's. What an operation committed before it failed is sent too: the
    /// replica holds it, so PostgreSQL must.
    func write<T: Sendable>(_ store: PostgresStore, _ operation: @escaping @Sendable (CountyDatabase) throws -> T)
        async throws -> T
    {
        await acquire()
        defer { release() }
        let database = try await catchUp(store)
        let before = try await offThePool {
            try database.writer.write { db in
                try LocalSettings.set(db, ReplicaFile.Key.writing, "1")
                return try ChangeLog.lastSeq(db)
            }
        }
        let result: Result<T, any Error>
        do { result = .success(try await offThePool { try operation(database) }) } catch { result = .failure(error) }
        do {
            let written: [(change: Change, scope: String)] = try await offThePool {
                try database.writer.read { db in
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT tbl, pk, columns, hlc, origin, seq, scope FROM change_log WHERE seq > ? ORDER BY seq",
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
            if !written.isEmpty { try await store.forward(written) }
            try await offThePool {
                try database.writer.write { db in try LocalSettings.set(db, ReplicaFile.Key.writing, nil) }
            }
        } catch {
            discard()  // the replica may hold a write PostgreSQL does not: rebuild it from the log
            throw error
        }
        return try result.get()
    }
}

extension PostgresStore {
    public func reading<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await replica.read(self, operation)
    }

    public func writing<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await replica.write(self, operation)
    }

    /// Builds or catches up the replica now, as a server starts, instead of on the officer's first page or the first
    /// push that raises contact leads (on a new machine a 1M-entry log takes about 30 s: docs/PERFORMANCE.md). Pushes
    /// and pulls never wait for it. A failure is logged; the next read tries again.
    public func prepareReads() async {
        let started = Date()
        do {
            _ = try await replica.caughtUp(self)
            let applied = await replica.applied
            logger.info(
                "replica ready",
                metadata: [
                    "entries_applied": "\(applied)",
                    "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                ])
        } catch {
            logger.warning("replica not ready; the next read builds it", metadata: ["error": "\(error)"])
        }
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

    /// The clock of the log's entry at `seq` (nil when there is none): a replica checks it is still on this log.
    func logClock(at seq: Int64) async throws -> Int64? {
        if seq == 0 { return 0 }
        var binds = PostgresBindings()
        binds.append(seq)
        for try await hlc in try await client.query(
            .sql("SELECT hlc FROM change_log WHERE seq = $1", binds), logger: logger
        ).decode(Int64.self) { return hlc }
        return nil
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
            try await execute(plan.writes, ownSite: true, on: connection)
        }
    }
}
