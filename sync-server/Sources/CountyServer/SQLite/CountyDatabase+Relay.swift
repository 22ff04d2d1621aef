import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// The SQLite store's relay: receiving a region's log (through the same group commits as villages' pushes) and
/// sending its own up.
extension CountyDatabase {
    public func relay(_ request: RelayWire.PushRequest, region: String, tokenID: String, maxSkew: TimeInterval)
        async throws -> Wire.PushResponse
    {
        let settings = try await writer.read { try CountyDatabase.settings($0) }
        let pending = try PendingPush(
            relay: request, region: region, tokenID: tokenID, receiver: settings, maxSkew: maxSkew, now: clock.now())
        return try await pushes.submit(pending, to: self)
    }

    public func upstream() async throws -> Upstream? {
        try await writer.read { db in
            var values: [CountySetting: String] = [:]
            for key in Upstream.keys { values[key] = try Self.setting(db, key) }
            return Upstream(values)
        }
    }

    public func setUpstream(_ upstream: Upstream?) async throws {
        try await writer.write { db in
            _ = try CountyDatabase.settings(db)
            let old = try Self.setting(db, .upstreamURL)
            for (key, value) in Upstream.linkSettings(upstream) { try Self.setSetting(db, key, value) }
            if Upstream.startsOver(upstream, oldURL: old) {
                for key in Upstream.placeSettings { try Self.setSetting(db, key, nil) }
                try db.execute(sql: "DELETE FROM sync_rejection")
            }
        }
    }

    public func advanceUpstream(to cursor: Int64, rejected: [Wire.Rejection], at: String) async throws {
        try await writer.write { db in
            for rejection in rejected {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO sync_rejection (seq, tbl, pk, reason, rejected_at)
                        SELECT seq, tbl, pk, ?, ? FROM change_log WHERE seq = ?
                        """, arguments: [RelayProtocol.rejectionText(rejection), at, rejection.originSeq])
            }
            try Self.setSetting(db, .upstreamCursor, String(cursor))
        }
    }

    public func relayPage(after: Int64, limit: Int, maxBytes: Int) async throws -> [RelayWire.Entry] {
        try await writer.read { db in
            let (entries, bytes) = try Self.logEntries(
                db, after: after, limit: limit, where: RelayPage.condition(settings: try CountyDatabase.settings(db)))
            return RelayPage.cut(entries, columnBytes: bytes, maxBytes: maxBytes)
        }
    }

    /// The log's entries after `after` meeting `condition` (SQL over the log's columns, written by this program:
    /// `RelayPage`), with each one's scope, and the length of each one's columns as stored.
    static func logEntries(_ db: Database, after: Int64, limit: Int, where condition: String) throws -> (
        [RelayWire.Entry], [Int]
    ) {
        var entries: [RelayWire.Entry] = []
        var bytes: [Int] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq), scope FROM change_log
                WHERE seq > ? AND \(condition) ORDER BY seq LIMIT ?
                """, arguments: [after, limit])
        while let row = try rows.next() {
            let columns: String = row[3]
            bytes.append(columns.utf8.count)
            entries.append(
                RelayWire.Entry(
                    seq: row[0], scope: row[7],
                    change: Change(
                        table: row[1], pk: row[2],
                        columns: ColumnValues(json: columns) ?? ColumnValues([String: ColumnValue]()),
                        hlc: row[4], origin: row[5], originSeq: row[6])))
        }
        return (entries, bytes)
    }

    public func receipts(of reportIDs: [String]) async throws -> [RelayWire.Receipt] {
        guard !reportIDs.isEmpty else { return [] }
        return try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT report_id, revision, village, date, received_at FROM report_receipt WHERE report_id IN ("
                    + databaseQuestionMarks(count: reportIDs.count) + ")", arguments: StatementArguments(reportIDs)
            ).map {
                RelayWire.Receipt(reportID: $0[0], revision: $0[1], village: $0[2], date: $0[3], receivedAt: $0[4])
            }
        }
    }

    public func relayRejections() async throws -> [Upstream.Rejection] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, tbl, pk, reason, rejected_at FROM sync_rejection ORDER BY seq DESC")
                .map {
                    Upstream.Rejection(seq: $0[0], table: $0[1], pk: $0[2], reason: $0[3], at: $0[4])
                }
        }
    }

    public func relayDown(region: String, after: Int64, limit: Int) async throws -> RelayWire.PullResponse {
        try await writer.read { db in
            let settings = try CountyDatabase.settings(db)
            let (entries, _) = try Self.logEntries(
                db, after: after, limit: limit, where: RelayPage.downCondition(region: region))
            return RelayProtocol.downResponse(entries, after: after, limit: limit, epoch: settings.epoch)
        }
    }

    public func applyFromAbove(_ entries: [RelayWire.Entry], next: Int64, epoch: String) async throws -> Int {
        try await writer.write { db in
            let (prepared, _) = RelayProtocol.fromAbove(entries)
            let known = try KnownRows.load(entries.map(\.change), scopes: .own(entries.map(\.scope)), db: db)
            let plan = MergeDecision.decide(prepared, known: known, sender: nil)
            try ChangeApplier.execute(plan, db: db)
            if plan.newest > .zero { try LocalSettings.observe(db, remote: plan.newest, now: self.clock.milliseconds) }
            for (key, value) in RelayProtocol.pulledSettings(next: next, epoch: epoch) {
                try Self.setSetting(db, key, value)
            }
            return plan.writes.count
        }
    }
}
