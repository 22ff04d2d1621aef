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

    /// Applies one push as `PushProtocol` decides: this store reads what it asks and writes what it answers.
    func apply(_ push: PendingPush, county: String, countySite: String, db: Database) throws -> Wire.PushResponse {
        let cursor = try Row.fetchOne(
            db, sql: "SELECT village, last_seq, token_id FROM site_cursor WHERE site = ?", arguments: [push.site]
        ).map { SiteCursor(village: $0["village"], lastSeq: $0["last_seq"], tokenID: $0["token_id"]) }
        let revoked = try PushProtocol.tokenToCheck(push, cursor: cursor).map { try Self.isRevoked($0, db: db) }
        let admission = try PushProtocol.admit(
            push, cursor: cursor, county: county, countySite: countySite, boundTokenRevoked: revoked ?? false)
        let changes = admission.fresh.map(\.change)
        var plan = MergeDecision.decide(
            admission.fresh, known: try KnownRows.load(changes, scopes: admission.lookup, probeForeign: false, db: db),
            sender: admission.sender)
        do {
            try db.inSavepoint {
                try ChangeApplier.execute(plan, db: db)
                return .commit
            }
        } catch is MergePlan.IDTaken {
            // A new row reuses an id some other village's row has: decide again with the ids probed, which rejects it.
            plan = MergeDecision.decide(
                admission.fresh, known: try KnownRows.load(changes, scopes: admission.lookup, db: db),
                sender: admission.sender)
            try ChangeApplier.execute(plan, db: db)
        }
        let done = PushProtocol.conclude(push, admission, plan: plan)
        let at = clock.isoText(done.at)
        for report in done.receiptReports {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO report_receipt (report_id, revision, village, date, received_at)
                    SELECT id, revision, ?, date, ? FROM daily_report WHERE id = ?
                    """, arguments: [push.village, at, report])
        }
        for receipt in done.relayReceipts {
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
        try db.execute(
            sql: """
                INSERT INTO site_cursor (site, village, last_seq, updated_at, token_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at, token_id = excluded.token_id
                """,
            arguments: [push.site, done.cursor.village, done.cursor.lastSeq, at, done.cursor.tokenID])
        if done.newest > .zero { try LocalSettings.observe(db, remote: done.newest, now: clock.milliseconds) }
        return done.response
    }

    /// Whether the token `id` was revoked.
    static func isRevoked(_ id: String, db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT revoked_at FROM token WHERE id = ?", arguments: [id]) != nil
    }

    /// Changes after server sequence `after` that `village` should hold: its own rows (edited by the county or
    /// another of its devices) and the county's published rows (and those its city and province sent down for all), read from the scope index; a village's own
    /// site's changes are skipped (it has them) but the cursor moves past them.
    public func pull(village: String, site: String?, after: Int64, limit: Int) async throws -> Wire.PullResponse {
        try await writer.read { db in
            let settings = try CountyDatabase.settings(db)
            let rows = try ChangeLog.page(
                db, scopes: PullProtocol.scopes(village: village, county: settings.county), after: after, limit: limit)
            let entries = rows.map { row in
                (
                    seq: row["seq"] as Int64,
                    change: Change(
                        table: row["tbl"], pk: row["pk"],
                        columns: ColumnValues(json: row["columns"]) ?? ColumnValues([String: ColumnValue]()),
                        hlc: row["hlc"], origin: row["origin"], originSeq: row["oseq"])
                )
            }
            return PullProtocol.response(entries, site: site, after: after, limit: limit, epoch: settings.epoch)
        }
    }
}
