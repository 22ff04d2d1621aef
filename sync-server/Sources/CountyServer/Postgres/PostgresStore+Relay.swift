import Foundation
import PostgresNIO
import RegistryCore
import RegistrySync

/// The PostgreSQL store's relay (see `CountyDatabase+Relay.swift`, which this mirrors).
extension PostgresStore {
    public func relay(_ request: RelayWire.PushRequest, region: String, tokenID: String, maxSkew: TimeInterval)
        async throws -> Wire.PushResponse
    {
        let pending = try PendingPush(
            relay: request, region: region, tokenID: tokenID, receiver: try await settings(), maxSkew: maxSkew,
            now: clock.now())
        return try await pushes.submit(pending, to: self)
    }

    public func upstream() async throws -> Upstream? {
        let values = try await settingValues()
        return Upstream(Upstream.keys.reduce(into: [CountySetting: String]()) { $0[$1] = values[$1.rawValue] })
    }

    public func setUpstream(_ upstream: Upstream?) async throws {
        _ = try await settings()
        try await transaction { connection in
            let old = try await setting(.upstreamURL, on: connection)
            for (key, value) in Upstream.linkSettings(upstream) { try await setSetting(key, value, on: connection) }
            if Upstream.startsOver(upstream, oldURL: old) {
                for key in Upstream.placeSettings { try await setSetting(key, nil, on: connection) }
                try await connection.query("DELETE FROM sync_rejection", logger: logger)
            }
        }
    }

    public func advanceUpstream(to cursor: Int64, rejected: [Wire.Rejection], at: String) async throws {
        try await transaction { connection in
            for rejection in rejected {
                var binds = PostgresBindings()
                binds.append(RelayProtocol.rejectionText(rejection))
                binds.append(at)
                binds.append(rejection.originSeq)
                try await connection.query(
                    .sql(
                        """
                        INSERT INTO sync_rejection (seq, tbl, pk, reason, rejected_at) SELECT seq, tbl, pk, $1, $2 FROM change_log WHERE seq = $3
                        ON CONFLICT (seq) DO UPDATE SET reason = excluded.reason, rejected_at = excluded.rejected_at
                        """, binds), logger: logger)
            }
            try await setSetting(.upstreamCursor, String(cursor), on: connection)
        }
    }

    public func relayPage(after: Int64, limit: Int, maxBytes: Int) async throws -> [RelayWire.Entry] {
        let (entries, bytes) = try await logPage(
            after: after, limit: limit, where: RelayPage.condition(settings: try await settings()))
        return RelayPage.cut(entries, columnBytes: bytes, maxBytes: maxBytes)
    }

    public func receipts(of reportIDs: [String]) async throws -> [RelayWire.Receipt] {
        guard !reportIDs.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(reportIDs)
        var receipts: [RelayWire.Receipt] = []
        for try await (id, revision, village, date, at) in try await client.query(
            .sql(
                "SELECT report_id, revision, village, date, received_at FROM report_receipt WHERE report_id = ANY($1)",
                binds), logger: logger
        )
        .decode((String, Int64, String, String, String).self) {
            receipts.append(
                RelayWire.Receipt(reportID: id, revision: Int(revision), village: village, date: date, receivedAt: at))
        }
        return receipts
    }

    public func relayRejections() async throws -> [Upstream.Rejection] {
        var rejections: [Upstream.Rejection] = []
        for try await (seq, table, pk, reason, at) in try await client.query(
            "SELECT seq, tbl, pk, reason, rejected_at FROM sync_rejection ORDER BY seq DESC", logger: logger
        )
        .decode((Int64, String, String, String, String).self) {
            rejections.append(Upstream.Rejection(seq: seq, table: table, pk: pk, reason: reason, at: at))
        }
        return rejections
    }

    public func relayDown(region: String, after: Int64, limit: Int) async throws -> RelayWire.PullResponse {
        let settings = try await settings()
        let entries = try await logPage(after: after, limit: limit, where: RelayPage.downCondition(region: region))
            .entries
        return RelayProtocol.downResponse(entries, after: after, limit: limit, epoch: settings.epoch)
    }

    public func applyFromAbove(_ entries: [RelayWire.Entry], next: Int64, epoch: String) async throws -> Int {
        let logger = logger
        return try await transaction { connection in
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock))"), logger: logger)
            let (prepared, scopes) = RelayProtocol.fromAbove(entries)
            let known = try await knownRows(entries.map(\.change), scopes: scopes, on: connection)
            let plan = MergeDecision.decide(prepared, known: known, sender: nil)
            try await execute(plan.writes, ownSite: false, on: connection)
            // The server's clock moves past `plan.newest` in the replica, which applies these entries from the log.
            for (key, value) in RelayProtocol.pulledSettings(next: next, epoch: epoch) {
                try await setSetting(key, value, on: connection)
            }
            return plan.writes.count
        }
    }
}
