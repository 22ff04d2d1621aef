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

    /// The tables a village writes; every other synced table is the county's.
    static let villageTables: Set<String> = ["person", "arrival", "measure", "measure_event", "lab_test", "health_check", "daily_report",
                                             "contact"]
    /// The tables whose changes can make a contact in another village visible: a positive result, a new link. (A
    /// person registered later where a lead should now go is picked up by the next such push or by `merge`.)
    static let contactTables: Set<String> = ["lab_test", "contact"]
    /// Of a county lead, what a village may write: its outcome.
    static let leadOutcomeColumns: Set<String> = ["outcome", "outcome_on", "person_id"]

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
        // Prepared here, on the caller's thread, not on the single writer (see `ChangeApplier.Prepared`).
        // Each change checked against the rules of its columns, also here rather than on the writer.
        let pending = PendingPush(request: request, village: village, tokenID: tokenID,
                                  prepared: request.changes.map(ChangeApplier.Prepared.init),
                                  problems: request.changes.map(SyncedRules.problem), at: now)
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
        let prepared: [ChangeApplier.Prepared]
        /// Per change, why it breaks its columns' rules (nil when it does not).
        let problems: [Localized?]
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
            if pushes.contains(where: { $0.request.changes.contains { Self.contactTables.contains($0.table) } }) {
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
        var rejected: [Wire.Rejection] = []
        var newest = HLC.zero
        let fresh = zip(push.prepared, push.problems).filter { $0.0.change.originSeq > cursor && $0.0.change.originSeq <= request.through }
        // The rows the batch touches, looked up once: their owners (for the scope check) and column versions.
        // A village may change its own rows and, of the county's, leads' outcomes: the scopes to look in.
        var known = try KnownRows.load(fresh.map(\.0.change), scopes: [village, county], db: db)
        for (item, problem) in fresh {
            let change = item.change
            let scope = scopeProblem(change, owner: known.row(change.table, change.pk).owner, site: request.site, village: village)
            if let reason = try scope ?? problem ?? deletionProblem(change, db: db) {
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
            INSERT INTO site_cursor (site, village, last_seq, updated_at, token_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at, token_id = excluded.token_id
            """, arguments: [request.site, village, through, clock.isoText(now), push.tokenID])
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
        let claimed = change.columns.values["village"]?.stringValue
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

    /// Whether a push under `token` may take over a site bound to `bound`: only when `bound` was revoked (a
    /// village whose token leaked gets a new one, and its laptop keeps its site). Both are of the same village,
    /// which the caller has checked.
    static func mayTakeOver(_ bound: String, from token: String, db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT revoked_at FROM token WHERE id = ?", arguments: [bound]) != nil
    }

    /// Why a village's deletion of a row is refused, or nil: a person is deleted with a reason (checked with the
    /// columns), and the rows recorded about a person (trips, measures, events, tests, checks) only with the
    /// person, as the village CLI does it; one deleted alone would vanish from the county's list of deletions.
    func deletionProblem(_ change: Change, db: Database) throws -> Localized? {
        // A person and a contact link are deleted with a reason of their own (checked with the columns).
        guard change.columns.values["deleted"] == 1, change.table != Person.databaseTableName,
              change.table != Contact.databaseTableName, Self.villageTables.contains(change.table) else { return nil }
        let personDeleted: Bool?
        if change.table == MeasureEvent.databaseTableName {
            personDeleted = try Bool.fetchOne(db, sql: """
                SELECT p.deleted FROM measure_event e JOIN measure m ON m.id = e.measure_id JOIN person p ON p.id = m.person_id WHERE e.id = ?
                """, arguments: [change.pk])
        } else {
            let personID = try change.columns.values["person_id"]?.stringValue
                ?? String.fetchOne(db, sql: "SELECT person_id FROM \(change.table) WHERE id = ?", arguments: [change.pk])
            personDeleted = try personID.flatMap { try Bool.fetchOne(db, sql: "SELECT deleted FROM person WHERE id = ?", arguments: [$0]) }
        }
        if personDeleted == true { return nil }
        return Localized(zh: "\(change.table) 只能随人员一起删除（删除人员须说明原因）",
                         en: "a \(change.table) row is deleted only with its person (who is deleted with a reason)")
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
