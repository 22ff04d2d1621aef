import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// What the county does with a village's push and pull. Pure storage and rules; HTTP lives in the router.
extension CountyDatabase {
    /// Why a push was answered with something other than an acknowledgement.
    public enum PushRefusal: Error, Sendable {
        /// The batch does not follow on from what the server has applied for the site (409).
        case gap(expected: Int64)
        /// A change is stamped further ahead of the server's clock than allowed (422): the computer's clock is wrong.
        case clockAhead(minutes: Int)
        /// The site belongs to another village (403).
        case wrongVillage
    }

    /// The tables a village writes; every other synced table is the county's.
    static let villageTables: Set<String> = ["person", "arrival", "measure", "measure_event", "lab_test", "health_check", "daily_report"]
    /// Of a county lead, what a village may write: its outcome.
    static let leadOutcomeColumns: Set<String> = ["outcome", "outcome_on", "person_id"]

    /// Applies a village's push (see `apply(_:county:db:)`) in a group commit with the pushes waiting beside it
    /// (`PushGroups`), and answers once it is committed. Async, so that the server's event loops are not blocked
    /// while the single writer works.
    public func push(_ request: Wire.PushRequest, village: String, maxSkew: TimeInterval) async throws -> Wire.PushResponse {
        let now = clock.now()
        let limit = HLC(milliseconds: Int64((now.timeIntervalSince1970 + maxSkew) * 1000), counter: 0xFFFF)
        if let ahead = request.changes.map({ HLC(raw: $0.hlc) }).max(), ahead > limit {
            throw PushRefusal.clockAhead(minutes: Int((Double(ahead.milliseconds) / 1000 - now.timeIntervalSince1970) / 60))
        }
        // Prepared here, on the caller's thread, not on the single writer (see `ChangeApplier.Prepared`).
        let pending = PendingPush(request: request, village: village, prepared: request.changes.map(ChangeApplier.Prepared.init), at: now)
        return try await pushes.submit(pending, to: self)
    }

    /// A push that passed the checks needing no database, waiting for the writer.
    struct PendingPush: Sendable {
        let request: Wire.PushRequest
        let village: String
        let prepared: [ChangeApplier.Prepared]
        let at: Date
    }

    /// Applies a group of pushes in one write transaction, each in its own savepoint; one result per push.
    func applyGroup(_ pushes: [PendingPush]) async throws -> [Result<Wire.PushResponse, any Error>] {
        try await writer.write { db in
            let county = try CountyDatabase.settings(db).county  // once per group, not per push
            return try pushes.map { push in
                var result: Result<Wire.PushResponse, any Error> = .failure(CancellationError())
                do {
                    try db.inSavepoint {
                        result = .success(try self.apply(push, county: county, db: db))
                        return .commit
                    }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
                    throw error  // the transaction itself is in trouble: fail the whole group
                } catch {
                    result = .failure(error)
                }
                return result
            }
        }
    }

    /// Applies one push: replays are no-ops, a gap is refused with the expected number, each change outside the
    /// village's scope is rejected with a reason and the rest applied. `county` is this county's code.
    func apply(_ push: PendingPush, county: String, db: Database) throws -> Wire.PushResponse {
        let request = push.request, village = push.village, now = push.at
        let cursorRow = try Row.fetchOne(db, sql: "SELECT village, last_seq FROM site_cursor WHERE site = ?", arguments: [request.site])
        if let owner: String = cursorRow?["village"], owner != village { throw PushRefusal.wrongVillage }
        let cursor: Int64 = cursorRow?["last_seq"] ?? 0
        if request.after > cursor { throw PushRefusal.gap(expected: cursor) }
        var rejected: [Wire.Rejection] = []
        var newest = HLC.zero
        let fresh = push.prepared.filter { $0.change.originSeq > cursor && $0.change.originSeq <= request.through }
        // The rows the batch touches, looked up once: their owners (for the scope check) and column versions.
        // A village may change its own rows and, of the county's, leads' outcomes: the scopes to look in.
        var known = try KnownRows.load(fresh.map(\.change), scopes: [village, county], db: db)
        for item in fresh {
            let change = item.change
            if let reason = scopeProblem(change, owner: known.row(change.table, change.pk).owner, site: request.site, village: village) {
                rejected.append(Wire.Rejection(originSeq: change.originSeq, reason: reason))
                continue
            }
            do {
                // ChangeApplier writes nothing when it refuses a change, so no savepoint per change is needed.
                if case .applied = try ChangeApplier.apply(item, db: db, known: &known), change.table == "daily_report" {
                    try recordReceipt(change, village: village, db: db, at: now)
                }
                newest = max(newest, HLC(raw: change.hlc))
            } catch let error as RegistryError {
                rejected.append(Wire.Rejection(originSeq: change.originSeq, reason: error.reason))
            }
        }
        let through = max(cursor, request.through)
        try db.execute(sql: """
            INSERT INTO site_cursor (site, village, last_seq, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at
            """, arguments: [request.site, village, through, clock.isoText(now)])
        if newest > .zero { try LocalSettings.observe(db, remote: newest, now: clock.milliseconds) }
        return Wire.PushResponse(ackedThrough: through, rejected: rejected, serverTime: ISO8601DateFormatter().string(from: now))
    }

    /// Why `change` is outside what `village` may write, or nil when it may; `owner` is the village of the row it
    /// changes (nil for a new row).
    func scopeProblem(_ change: Change, owner: String?, site: String, village: String) -> Localized? {
        if change.origin != site {
            return Localized(zh: "只能上传本机产生的修改", en: "a site may push only its own changes")
        }
        guard SyncedTables.nameSet.contains(change.table) else {
            return Localized(zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        let claimed = String.fromDatabaseValue(change.columns.values["village"] ?? .null)
        if change.table == "lead" {
            guard owner == village, claimed == nil || claimed == village,
                  Set(change.columns.values.keys).isSubset(of: Self.leadOutcomeColumns)
            else {
                return Localized(zh: "核查任务由县下发，村里只能填写核查结果", en: "leads belong to the county; a village may only fill in the outcome")
            }
            return nil
        }
        guard Self.villageTables.contains(change.table) else {
            return Localized(zh: "\(change.table) 由县统一发布，村里不能修改", en: "\(change.table) is published by the county; a village cannot change it")
        }
        if let owner, owner != village {
            return Localized(zh: "不能修改其他村的记录", en: "this row belongs to another village")
        }
        // Rows are looked up among the village's own (and the county's), so another village's row is not found: an
        // edit of it looks like a new row without its village. (A new row reusing another village's id fails on the
        // primary key in the applier.)
        if owner == nil && claimed == nil {
            return Localized(zh: "本村没有这条记录；新记录须带村代码", en: "no row of this village has this id, and a new row must carry its village")
        }
        if let claimed, claimed != village {
            return Localized(zh: "只能上传本村（\(village)）的记录，不能写入 \(claimed)", en: "a village may write only its own rows (\(village)), not \(claimed)")
        }
        return nil
    }

    func recordReceipt(_ change: Change, village: String, db: Database, at now: Date) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT date, revision FROM daily_report WHERE id = ?", arguments: [change.pk]) else { return }
        try db.execute(sql: """
            INSERT OR IGNORE INTO report_receipt (report_id, revision, village, date, received_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [change.pk, row["revision"] as Int, village, row["date"] as String, clock.isoText(now)])
    }

    /// Changes after server sequence `after` that `village` should hold: its own rows (edited by the county or
    /// another of its devices) and the county's published rows, read from the scope index; a village's own
    /// site's changes are skipped (it has them) but the cursor moves past them.
    public func pull(village: String, site: String?, after: Int64, limit: Int) async throws -> Wire.PullResponse {
        try await writer.read { db in
            let settings = try CountyDatabase.settings(db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq) AS oseq FROM change_log
                WHERE scope IN (?, ?) AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [village, settings.county, after, limit])
            let changes = rows.filter { site == nil || ($0["origin"] as String) != site }.map { row in
                Change(table: row["tbl"], pk: row["pk"], columns: ColumnValues(json: row["columns"]) ?? ColumnValues([:]),
                       hlc: row["hlc"], origin: row["origin"], originSeq: row["oseq"])
            }
            return Wire.PullResponse(epoch: settings.epoch, changes: changes, next: rows.last?["seq"] ?? after,
                                     more: rows.count == limit)
        }
    }
}
