import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// The SQLite store's sync: a village's push applied in group commits, and its pull.
extension CountyDatabase: GroupCommitting {
    /// Applies a village's push (see `apply(_:county:countySite:db:)`) in a group commit with the pushes waiting beside
    /// it (`PushGroups`), and answers once it is committed. Async, so that the server's event loops are not blocked
    /// while the single writer works. `tokenID` is the token the push came under: a site belongs to the first token
    /// it pushes under.
    public func push(_ request: Wire.PushRequest, village: String, tokenID: String, maxSkew: TimeInterval) async throws
        -> Wire.PushResponse
    {
        let pending = try PendingPush(request, village: village, tokenID: tokenID, maxSkew: maxSkew, now: clock.now())
        return try await pushes.submit(pending, to: self)
    }

    /// Applies a group of pushes in one write transaction, each in its own savepoint; one result per push.
    public func applyGroup(_ pushes: [PendingPush]) async throws -> [Result<Wire.PushResponse, any Error>] {
        try await writer.write { db in
            let settings = try CountyDatabase.settings(db)  // once per group, not per push
            let results = try pushes.map { push in
                var result: Result<Wire.PushResponse, any Error> = .failure(CancellationError())
                do {
                    try db.inSavepoint {
                        result = .success(
                            try self.apply(push, county: settings.county, countySite: settings.site, db: db))
                        return .commit
                    }
                } catch let error as DatabaseError
                    where error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR
                {
                    throw error  // the transaction itself is in trouble: fail the whole group
                } catch {
                    result = .failure(error)
                }
                return result
            }
            // A test or a link may have made a contact in another village visible: leads for them, in the same
            // transaction, so that the villages concerned pull them at their next sync (信息返流).
            if pushes.contains(where: { !$0.relays && $0.tracesContacts }) {
                do {
                    try db.inSavepoint {
                        let written = zip(pushes, results).flatMap { push, result in
                            (try? result.get()) == nil || push.relays ? [] : push.prepared.map(\.change)
                        }
                        let among = try CountyDatabase.tracingCandidates(written, db: db)
                        try ChangeRecorder.recording(db, site: settings.site, clock: self.clock) { recorder in
                            _ = try CountyDatabase.raiseContactLeads(
                                db, recorder: &recorder, today: self.clock.today, among: among)
                        }
                        return .commit
                    }
                } catch {
                    // The pushes stand; `sync-server merge` raises the leads again.
                }
            }
            return results
        }
    }

    /// Applies one push: replays are no-ops, a gap is refused with the expected number, each change outside the
    /// village's (or relaying region's) scope is rejected with a reason and the rest applied. `county` is this
    /// server's code.
    func apply(_ push: PendingPush, county: String, countySite: String, db: Database) throws -> Wire.PushResponse {
        let village = push.village
        let now = push.at
        let cursorRow = try Row.fetchOne(
            db, sql: "SELECT village, last_seq, token_id FROM site_cursor WHERE site = ?", arguments: [push.site])
        if let owner: String = cursorRow?["village"], owner != village { throw PushRefusal.wrongVillage }
        if push.site == countySite || push.site.hasPrefix(countySite + "@") { throw PushRefusal.foreignSite }
        if !push.relays, let bound: String = cursorRow?["token_id"], bound != push.tokenID,
            try !Self.mayTakeOver(bound, from: push.tokenID, db: db)
        {
            throw PushRefusal.foreignSite
        }
        let cursor: Int64 = cursorRow?["last_seq"] ?? 0
        if push.after > cursor { throw PushRefusal.gap(expected: cursor) }
        let (fresh, numbers) = push.fresh(after: cursor)
        // The rows the batch touches, looked up once: their owners (for the scope check) and column versions.
        let scopes = push.scopes(county: county, fresh)
        let sender = MergeDecision.Sender(site: push.site, village: village, relays: push.relays)
        var plan = MergeDecision.decide(
            fresh, known: try KnownRows.load(fresh.map(\.change), scopes: scopes, probeForeign: false, db: db),
            sender: sender)
        do {
            try db.inSavepoint {
                try ChangeApplier.execute(plan, db: db)
                return .commit
            }
        } catch is MergePlan.IDTaken {
            // A new row reuses an id some other village's row has: decide again with the ids probed, which rejects it.
            plan = MergeDecision.decide(
                fresh, known: try KnownRows.load(fresh.map(\.change), scopes: scopes, db: db), sender: sender)
            try ChangeApplier.execute(plan, db: db)
        }
        if !push.relays {
            for write in plan.writes where write.change.table == DailyReport.databaseTableName {
                try recordReceipt(write.change, village: village, db: db, at: now)
            }
        }
        // A region's receipts, each only for a report this server holds as that village's of that day (the relay
        // brings the reports with them): a receipt for another region's report, whose id is predictable, would
        // otherwise take its place and make an on-time report look late.
        for receipt in push.receipts {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO report_receipt (report_id, revision, village, date, received_at)
                    SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM daily_report WHERE id = ? AND village = ? AND date = ?)
                    """,
                arguments: [
                    receipt.reportID, receipt.revision, receipt.village, receipt.date, receipt.receivedAt,
                    receipt.reportID, receipt.village, receipt.date,
                ])
        }
        let newest = plan.newest
        let through = max(cursor, push.through)
        try db.execute(
            sql: """
                INSERT INTO site_cursor (site, village, last_seq, updated_at, token_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at, token_id = excluded.token_id
                """, arguments: [push.site, village, through, clock.isoText(now), push.tokenID])
        if newest > .zero { try LocalSettings.observe(db, remote: newest, now: clock.milliseconds) }
        return Wire.PushResponse(
            ackedThrough: through, rejected: PendingPush.rejections(plan, numbers: numbers),
            serverTime: StoredTime.utcText(now))
    }

    /// Whether a push under `token` may take over a site bound to `bound`: only when `bound` was revoked (a
    /// village whose token leaked gets a new one, and its laptop keeps its site). Both are of the same village,
    /// which the caller has checked.
    static func mayTakeOver(_ bound: String, from token: String, db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT revoked_at FROM token WHERE id = ?", arguments: [bound]) != nil
    }

    func recordReceipt(_ change: Change, village: String, db: Database, at now: Date) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT date, revision FROM daily_report WHERE id = ?", arguments: [change.pk])
        else { return }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO report_receipt (report_id, revision, village, date, received_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [change.pk, row["revision"] as Int, village, row["date"] as String, clock.isoText(now)])
    }

    /// Changes after server sequence `after` that `village` should hold: its own rows (edited by the county or
    /// another of its devices) and the county's published rows (and those its city and province sent down for all), read from the scope index; a village's own
    /// site's changes are skipped (it has them) but the cursor moves past them.
    public func pull(village: String, site: String?, after: Int64, limit: Int) async throws -> Wire.PullResponse {
        try await writer.read { db in
            let settings = try CountyDatabase.settings(db)
            let rows = try ChangeLog.page(
                db, scopes: [village, settings.county] + RelayPage.ancestors(of: settings.county), after: after,
                limit: limit)
            let changes = rows.filter { site == nil || ($0["origin"] as String) != site }.map { row in
                Change(
                    table: row["tbl"], pk: row["pk"],
                    columns: ColumnValues(json: row["columns"]) ?? ColumnValues([String: ColumnValue]()),
                    hlc: row["hlc"], origin: row["origin"], originSeq: row["oseq"])
            }
            return Wire.PullResponse(
                epoch: settings.epoch, changes: changes, next: rows.last?["seq"] ?? after,
                more: rows.count == limit)
        }
    }
}
