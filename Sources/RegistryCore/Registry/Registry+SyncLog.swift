import Foundation
import GRDB

/// A village's sync bookkeeping, kept in its local settings: where it syncs to, and how far pushes and pulls
/// have got. Every cursor is saved in the same transaction as what it counts.
public struct SyncState: Sendable, Equatable {
    public var server: String?
    public var token: String?
    /// The last own change-log sequence the server acknowledged.
    public var pushCursor: Int64
    /// The last server sequence pulled.
    public var pullCursor: Int64
    /// The server epoch the pull cursor belongs to.
    public var epoch: String?
    /// When a sync last completed.
    public var lastSuccess: String?
    /// The certificate authority file to trust for the server (`--ca-cert`), remembered like the server.
    public var caFile: String? = nil

    enum Key {
        static let server = "sync_server", token = "sync_token", push = "push_cursor", pull = "pull_cursor"
        static let epoch = "pull_epoch", lastSuccess = "last_sync", caFile = "sync_ca_file"
        static let leadFoundHours = "lead_found_hours"
    }

    /// Reads the state.
    static func load(_ db: Database) throws -> SyncState {
        SyncState(
            server: try LocalSettings.get(db, Key.server), token: try LocalSettings.get(db, Key.token),
            pushCursor: Int64(try LocalSettings.get(db, Key.push) ?? "0") ?? 0,
            pullCursor: Int64(try LocalSettings.get(db, Key.pull) ?? "0") ?? 0,
            epoch: try LocalSettings.get(db, Key.epoch), lastSuccess: try LocalSettings.get(db, Key.lastSuccess),
            caFile: try LocalSettings.get(db, Key.caFile))
    }

    static func setPush(_ db: Database, _ cursor: Int64) throws { try LocalSettings.set(db, Key.push, String(cursor)) }
    static func setPull(_ db: Database, _ cursor: Int64, epoch: String) throws {
        try LocalSettings.set(db, Key.pull, String(cursor))
        try LocalSettings.set(db, Key.epoch, epoch)
    }

    /// Remembers the server and token given once with `registry sync --server --token`.
    static func remember(_ db: Database, server: String?, token: String?, caFile: String? = nil) throws {
        if let server { try LocalSettings.set(db, Key.server, server) }
        if let caFile { try LocalSettings.set(db, Key.caFile, caFile) }
        if let token { try LocalSettings.set(db, Key.token, token) }
    }
}

/// What `registry sync status` shows.
public struct SyncStatus: Sendable, Encodable {
    public var server: String?
    public var pending: Int
    public var last_success: String?
    public var rejected: [RejectedChange]

    /// A change the county refused.
    public struct RejectedChange: Sendable, Encodable {
        public var seq: Int64
        public var table: String
        public var pk: String
        public var reason: String
        public var rejected_at: String
    }

    /// The status of `registry`.
    public static func of(_ registry: Registry) throws -> SyncStatus { try registry.syncStatus() }
}

/// The village's side of the sync log, as named operations: the sync library (`SyncSession`), the CLI and the pages
/// call these and never the database itself, so that there is one way to read the cursors, to remember a server and
/// to apply what the county sent.
extension Registry {
    /// Where this registry syncs to and how far it got.
    public func syncState() throws -> SyncState { try writer.read { try SyncState.load($0) } }

    /// Pending changes and those the county refused, for `registry sync status` and the sync page.
    public func syncStatus() throws -> SyncStatus {
        let site = try settings().site
        return try writer.read { db in
            let state = try SyncState.load(db)
            let pending = try ChangeLog.pendingCount(db, site: site, cursor: state.pushCursor)
            let rejected = try Row.fetchAll(db, sql: "SELECT * FROM sync_rejection ORDER BY seq").map {
                SyncStatus.RejectedChange(
                    seq: $0["seq"], table: $0["tbl"], pk: $0["pk"], reason: $0["reason"], rejected_at: $0["rejected_at"]
                )
            }
            return SyncStatus(
                server: state.server, pending: pending, last_success: state.lastSuccess, rejected: rejected)
        }
    }

    /// Remembers what a sync used, once it worked: a mistyped address or a refused token never replaces what worked
    /// before. Nil keeps what is remembered.
    public func rememberSync(server: String?, token: String?, caFile: String?) throws {
        try writer.write { db in try SyncState.remember(db, server: server, token: token, caFile: caFile) }
    }

    /// Remembers the county's limit from a lead's issue to its outcome back (`lead_found_hours`), which the work
    /// list counts down.
    public func rememberLeadLimit(hours: Int) async throws {
        guard (1...720).contains(hours) else { return }
        try await writer.write { db in try LocalSettings.set(db, SyncState.Key.leadFoundHours, String(hours)) }
    }

    /// Marks a sync as completed now.
    public func syncSucceeded() async throws {
        let now = clock.isoText(clock.now())
        try await writer.write { db in try LocalSettings.set(db, SyncState.Key.lastSuccess, now) }
    }

    /// Takes the server's time (its clock is the reference for what is "too far ahead"); re-stamps pending changes
    /// stamped after `limit` (by a clock that was wrong and has been fixed), in order, from the latest clock that is
    /// not in the future, so that they are sent rather than lost. The number re-stamped.
    public func acceptServerTime(_ serverTime: Date, limit: HLC, site: String) async throws -> Int {
        let nowMillis = clock.milliseconds
        return try await writer.write { db in
            try LocalSettings.sawServerTime(db, serverTime)
            let state = try SyncState.load(db)
            let future = try ChangeLog.pendingCount(db, site: site, cursor: state.pushCursor, clockedAfter: limit.raw)
            guard future > 0 else { return 0 }
            let settled = try ChangeLog.settledClock(db, site: site, cursor: state.pushCursor, notAfter: limit.raw)
            var clock = HLC(raw: settled)
            let pending = try ChangeLog.pendingSeqs(db, site: site, cursor: state.pushCursor)
            for seq in pending {
                clock = clock.tick(now: nowMillis)
                try ChangeLog.restamp(db, seq: seq, hlc: clock.raw)
            }
            try LocalSettings.set(db, "hlc", String(clock.raw))
            return pending.count
        }
    }

    /// How many own changes wait to be pushed.
    public func pendingCount(site: String) async throws -> Int {
        try await writer.read { db in
            try ChangeLog.pendingCount(db, site: site, cursor: try SyncState.load(db).pushCursor)
        }
    }

    /// The newest change this registry wrote itself (an acknowledgement may never point past it).
    public func newestOwnChange(site: String) async throws -> Int64 {
        try await writer.read { db in try ChangeLog.newestSeq(db, origin: site) }
    }

    /// The next push: the changes after the push cursor, at most `maxChanges` and about `maxBytes`; a change larger
    /// than any push can carry (or one in `setAside`, refused alone as too large) is withheld, so that it never
    /// blocks the queue.
    public struct PushBatch: Sendable {
        public var cursor: Int64
        public var changes: [Change]
        public var withheld: [(seq: Int64, table: String, pk: String, bytes: Int)]
        /// The newest own change written (a county's gap answer may never point past it).
        public var newest: Int64
    }

    /// `after`: from there instead of the push cursor (a carried file's batches follow one another unacknowledged).
    public func nextPushBatch(
        site: String, after: Int64? = nil, maxChanges: Int, maxBytes: Int, largest: Int, setAside: Set<Int64>
    ) async throws -> PushBatch {
        try await writer.read { db in
            let cursor = try after ?? SyncState.load(db).pushCursor
            let rows = try ChangeLog.pending(db, site: site, cursor: cursor, limit: maxChanges)
            var batch = PushBatch(
                cursor: cursor, changes: [], withheld: [], newest: try ChangeLog.newestSeq(db, origin: site))
            var bytes = 0
            for row in rows {
                let json: String = row["columns"]
                let seq: Int64 = row["seq"]
                let size = json.utf8.count + 120
                if size > largest || setAside.contains(seq) {
                    batch.withheld.append((seq, row["tbl"], row["pk"], size))
                    continue
                }
                bytes += size
                if bytes > maxBytes && !batch.changes.isEmpty { break }
                batch.changes.append(
                    Change(
                        table: row["tbl"], pk: row["pk"],
                        columns: ColumnValues(json: json) ?? ColumnValues([String: ColumnValue]()),
                        hlc: row["hlc"], origin: site, originSeq: seq))
            }
            return batch
        }
    }

    /// Records the county's acknowledgement of `batch` through `ackedThrough`: the changes it refused and the ones
    /// withheld as too large go to `sync_rejection` with their reasons, and the push cursor moves, in one transaction.
    public func acknowledge(
        _ batch: PushBatch, through ackedThrough: Int64, refused: [(seq: Int64, reason: String)], at serverTime: String
    ) async throws {
        let insert = "INSERT OR REPLACE INTO sync_rejection (seq, tbl, pk, reason, rejected_at) VALUES (?, ?, ?, ?, ?)"
        try await writer.write { db in
            for refusal in refused {
                guard let change = batch.changes.first(where: { $0.originSeq == refusal.seq }) else { continue }
                try db.execute(
                    sql: insert, arguments: [change.originSeq, change.table, change.pk, refusal.reason, serverTime])
            }
            for item in batch.withheld where item.seq <= ackedThrough {
                try db.execute(
                    sql: insert,
                    arguments: [
                        item.seq, item.table, item.pk,
                        "修改太大（\(item.bytes) 字节），无法上传，请更正该记录 / too large to send (\(item.bytes) bytes); correct the record",
                        serverTime,
                    ])
            }
            try SyncState.setPush(db, max(batch.cursor, ackedThrough))
        }
    }

    /// Records an acknowledgement that came back in a carried answer file: like `acknowledge`, but the batch is no
    /// longer at hand, so the refused changes are looked up in the log; and an answer older than what is already
    /// acknowledged (a file brought back late, after a live sync) never moves the cursor back.
    public func acknowledgeCarried(
        through ackedThrough: Int64, refused: [(seq: Int64, reason: String)], withheld: [Int64], at serverTime: String
    ) async throws {
        let insert = """
            INSERT OR REPLACE INTO sync_rejection (seq, tbl, pk, reason, rejected_at)
            SELECT seq, tbl, pk, ?, ? FROM change_log WHERE seq = ?
            """
        let tooLarge = "修改太大，无法上传，请更正该记录 / too large to send; correct the record"
        try await writer.write { db in
            let cursor = try SyncState.load(db).pushCursor
            for refusal in refused where refusal.seq > cursor {
                try db.execute(sql: insert, arguments: [refusal.reason, serverTime, refusal.seq])
            }
            for seq in withheld where seq > cursor && seq <= ackedThrough {
                try db.execute(sql: insert, arguments: [tooLarge, serverTime, seq])
            }
            try SyncState.setPush(db, max(cursor, ackedThrough))
        }
    }

    /// Moves the push cursor to where the county says this site's changes stand (a lost acknowledgement, a restored
    /// county); the caller has checked it is not past what this registry wrote.
    public func resumePush(at cursor: Int64) async throws {
        try await writer.write { db in try SyncState.setPush(db, cursor) }
    }

    /// Starts pulling again from the beginning of a new epoch (the county was restored from a backup).
    public func restartPull(epoch: String) async throws {
        try await writer.write { db in try SyncState.setPull(db, 0, epoch: epoch) }
    }

    /// A refusal of a pulled page: the reason, and the table or column this registry does not know, if that was it.
    public struct PulledPageRefused: Error, Sendable {
        public var reason: Localized
        public var unknownName: String?
    }

    /// Applies one pulled page in one transaction: the rows (this village's scope and its county's), the clock moved
    /// past them, the pull cursor, and what they set off here (positives escalated, persons classified again). A
    /// row that cannot be applied refuses the whole page (`PulledPageRefused`) and nothing of it is written, so the
    /// next sync resumes from the same cursor.
    public func applyPulled(_ changes: [Change], next: Int64, epoch: String, village: String) async throws
        -> PullEffects
    {
        let now = clock.milliseconds
        return try await writer.write { db -> PullEffects in
            // Risk areas as they were, when the page brings any: what changed classifies persons again.
            let areasBefore =
                changes.contains { $0.table == RiskArea.databaseTableName } ? try RiskArea.fetchAll(db) : nil
            let plan = try ChangeApplier.apply(changes, scopes: .among([village, String(village.prefix(6))]), db: db)
            if let rejection = plan.rejections.first {
                throw PulledPageRefused(
                    reason: rejection.reason, unknownName: ChangeApplier.unknownName(in: changes[rejection.index]))
            }
            if let newest = changes.map(\.hlc).max() {
                try LocalSettings.observe(db, remote: HLC(raw: newest), now: now)
            }
            // Never back within an epoch: a carried answer brought back late re-applies rows already held
            // (idempotent), but what was pulled since stays pulled.
            let state = try SyncState.load(db)
            let held = state.epoch == epoch ? state.pullCursor : 0
            try SyncState.setPull(db, max(next, held, 0), epoch: epoch)
            return try self.afterPulling(changes, areasBefore: areasBefore, db: db)
        }
    }
}
