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
        /// The site is the county's own, or was first seen under another token (403).
        case foreignSite
        /// The batch's numbering does not hold together (400): why.
        case malformed(Localized)
    }

    /// Applies a village's push (see `apply(_:county:db:)`) in a group commit with the pushes waiting beside it
    /// (`PushGroups`), and answers once it is committed. Async, so that the server's event loops are not blocked
    /// while the single writer works.
    /// `tokenID` is the token the push came under: a site belongs to the first token it pushes under.
    public func push(_ request: Wire.PushRequest, village: String, tokenID: String, maxSkew: TimeInterval) async throws -> Wire.PushResponse {
        if let problem = Self.numberingProblem(request) { throw PushRefusal.malformed(problem) }
        let now = clock.now()
        let limit = HLC(milliseconds: Int64((now.timeIntervalSince1970 + maxSkew) * 1000), counter: 0xFFFF)
        if let ahead = request.changes.map({ HLC(raw: $0.hlc) }).max(), ahead > limit {
            throw PushRefusal.clockAhead(minutes: Int((Double(ahead.milliseconds) / 1000 - now.timeIntervalSince1970) / 60))
        }
        // Prepared here, on the caller's thread, not on the single writer (see `MergeDecision.Prepared`), each change
        // checked against the rules of its columns.
        let pending = PendingPush(request: request, village: village, tokenID: tokenID,
                                  prepared: request.changes.map { MergeDecision.Prepared($0, checkRules: true) }, at: now)
        return try await pushes.submit(pending, to: self)
    }

    /// Why a push's numbering does not hold together, or nil: the site is a plain identifier, `after` is not
    /// negative, the changes' `origin_seq` rise strictly within (`after`, `through`], and `through` is the last
    /// change sent or set aside (`withheld`). An acknowledgement covers only what was sent, so a push cannot move a
    /// site's cursor past changes the county never received.
    static func numberingProblem(_ request: Wire.PushRequest) -> Localized? {
        guard ColumnRule.isIdentifier(request.site) else {
            return Localized(zh: "site 不是有效的站点编号", en: "site is not a valid site id")
        }
        guard request.after >= 0 else { return Localized(zh: "after 不能为负", en: "after must not be negative") }
        let numbers = (request.changes.map(\.originSeq) + request.withheld).sorted()
        guard numbers.count == Set(numbers).count else {
            return Localized(zh: "同一批中 origin_seq 重复", en: "an origin_seq appears twice in the batch")
        }
        guard request.changes.map(\.originSeq) == request.changes.map(\.originSeq).sorted() else {
            return Localized(zh: "origin_seq 应按顺序递增", en: "origin_seq must rise through the batch")
        }
        if let first = numbers.first, first <= request.after {
            return Localized(zh: "origin_seq 应大于 after", en: "every origin_seq must be above after")
        }
        guard request.through == (numbers.last ?? request.after) else {
            return Localized(zh: "through 应等于本批最后一条修改的 origin_seq", en: "through must be the origin_seq of the batch's last change")
        }
        return nil
    }

    /// A push that passed the checks needing no database, waiting for the writer.
    struct PendingPush: Sendable {
        let request: Wire.PushRequest
        let village: String
        let tokenID: String
        let prepared: [MergeDecision.Prepared]
        let at: Date
    }

    /// Applies a group of pushes in one write transaction, each in its own savepoint; one result per push.
    func applyGroup(_ pushes: [PendingPush]) async throws -> [Result<Wire.PushResponse, any Error>] {
        try await writer.write { db in
            let settings = try CountyDatabase.settings(db)  // once per group, not per push
            let results = try pushes.map { push in
                var result: Result<Wire.PushResponse, any Error> = .failure(CancellationError())
                do {
                    try db.inSavepoint {
                        result = .success(try self.apply(push, county: settings.county, countySite: settings.site, db: db))
                        return .commit
                    }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
                    throw error  // the transaction itself is in trouble: fail the whole group
                } catch {
                    result = .failure(error)
                }
                return result
            }
            // A test or a link may have made a contact in another village visible: leads for them, in the same
            // transaction, so that the villages concerned pull them at their next sync (信息返流).
            if pushes.contains(where: { $0.request.changes.contains { SyncScope.contactTracingTables.contains($0.table) } }) {
                do {
                    try db.inSavepoint {
                        try ChangeRecorder.recording(db, site: settings.site, clock: self.clock) { recorder in
                            _ = try CountyDatabase.raiseContactLeads(db, recorder: &recorder, today: self.clock.today)
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
    /// village's scope is rejected with a reason and the rest applied. `county` is this county's code.
    func apply(_ push: PendingPush, county: String, countySite: String, db: Database) throws -> Wire.PushResponse {
        let request = push.request, village = push.village, now = push.at
        let cursorRow = try Row.fetchOne(db, sql: "SELECT village, last_seq, token_id FROM site_cursor WHERE site = ?", arguments: [request.site])
        if let owner: String = cursorRow?["village"], owner != village { throw PushRefusal.wrongVillage }
        if request.site == countySite { throw PushRefusal.foreignSite }
        if let bound: String = cursorRow?["token_id"], bound != push.tokenID, try !Self.mayTakeOver(bound, from: push.tokenID, db: db) {
            throw PushRefusal.foreignSite
        }
        let cursor: Int64 = cursorRow?["last_seq"] ?? 0
        if request.after > cursor { throw PushRefusal.gap(expected: cursor) }
        let fresh = push.prepared.filter { $0.change.originSeq > cursor && $0.change.originSeq <= request.through }
        // The rows the batch touches, looked up once: their owners (for the scope check) and column versions.
        // A village may change its own rows and, of the county's, leads' outcomes: the scopes to look in.
        let known = try KnownRows.load(fresh.map(\.change), scopes: [village, county], db: db)
        let plan = MergeDecision.decide(fresh, known: known, sender: MergeDecision.Sender(site: request.site, village: village))
        try ChangeApplier.execute(plan, db: db)
        for write in plan.writes where write.change.table == DailyReport.databaseTableName {
            try recordReceipt(write.change, village: village, db: db, at: now)
        }
        let rejected = plan.rejections.map { Wire.Rejection(originSeq: $0.originSeq, reason: $0.reason) }
        let newest = plan.newest
        let through = max(cursor, request.through)
        try db.execute(sql: """
            INSERT INTO site_cursor (site, village, last_seq, updated_at, token_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at, token_id = excluded.token_id
            """, arguments: [request.site, village, through, clock.isoText(now), push.tokenID])
        if newest > .zero { try LocalSettings.observe(db, remote: newest, now: clock.milliseconds) }
        return Wire.PushResponse(ackedThrough: through, rejected: rejected, serverTime: ISO8601DateFormatter().string(from: now))
    }

    /// Whether a push under `token` may take over a site bound to `bound`: only when `bound` was revoked (a
    /// village whose token leaked gets a new one, and its laptop keeps its site). Both are of the same village,
    /// which the caller has checked.
    static func mayTakeOver(_ bound: String, from token: String, db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT revoked_at FROM token WHERE id = ?", arguments: [bound]) != nil
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
            let rows = try ChangeLog.page(db, scopes: [village, settings.county], after: after, limit: limit)
            let changes = rows.filter { site == nil || ($0["origin"] as String) != site }.map { row in
                Change(table: row["tbl"], pk: row["pk"], columns: ColumnValues(json: row["columns"]) ?? ColumnValues([String: ColumnValue]()),
                       hlc: row["hlc"], origin: row["origin"], originSeq: row["oseq"])
            }
            return Wire.PullResponse(epoch: settings.epoch, changes: changes, next: rows.last?["seq"] ?? after,
                                     more: rows.count == limit)
        }
    }
}
