import Foundation
import PostgresNIO
import RegistryCore
import RegistrySync

/// The PostgreSQL store's sync: pushes applied in group commits through the one merge decision, and pulls.
///
/// The log-visibility race, and how it is avoided. A pull hands out a cursor (the last `seq` it served); the village
/// asks for `seq > cursor` next time. With several writers, a sequence handed out early may commit late: writer A
/// takes seq 100, writer B takes 101 and commits, a pull serves 101 and moves the cursor past 100, then A commits
/// 100, which that village would never see. So every transaction that appends to `change_log` first takes one
/// transaction-scoped advisory lock (`PostgresSchema.logLock`) and holds it until it commits: sequence numbers are
/// then taken and committed one writer at a time, and a writer's commit is visible before the next writer can take a
/// number (PostgreSQL makes a commit visible before it releases the transaction's locks). Every committed `seq` is
/// therefore below every `seq` still to commit, and a pull never passes over one. The price is one log writer at a
/// time across all server processes, which group commit (`PushGroups`) makes cheap: each process applies every
/// push waiting for it in one transaction; the other processes prepare (decode, check rules) meanwhile.
extension PostgresStore {
    public func push(_ request: Wire.PushRequest, village: String, tokenID: String, maxSkew: TimeInterval) async throws
        -> Wire.PushResponse
    {
        let pending = try PendingPush(request, village: village, tokenID: tokenID, maxSkew: maxSkew, now: clock.now())
        return try await pushes.submit(pending, to: self)
    }

    public func applyGroup(_ pushes: [PendingPush]) async throws -> [Result<Wire.PushResponse, any Error>] {
        let settings = try await settings()
        let logger = logger
        let results: [Result<Wire.PushResponse, any Error>] = try await transaction { connection in
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock))"), logger: logger)
            var results: [Result<Wire.PushResponse, any Error>] = []
            // The group's sites' cursors are read once and written once: under the log lock nobody else moves them,
            // and a site that pushes twice in one group sees its first push's cursor here. Per push, two round trips
            // fewer; at 50 changes a push the round trips are most of a push's time.
            var cursors = try await siteCursors(Array(Set(pushes.map(\.site))), on: connection)
            var moved: [String: (cursor: SiteCursor, at: String)] = [:]
            for push in pushes {
                // No savepoint per push (two round trips each): a push is refused (a gap, a wrong village) before it
                // writes anything, and a database error while writing fails the whole group, whose villages retry.
                do {
                    let (response, cursor, at) = try await apply(
                        push, cursor: cursors[push.site], settings: settings, on: connection)
                    cursors[push.site] = cursor
                    moved[push.site] = (cursor, at)
                    results.append(.success(response))
                } catch let error as PSQLError {
                    throw PostgresStore.refusal(error, url: "")
                } catch {
                    results.append(.failure(error))
                }
            }
            try await saveSiteCursors(moved, on: connection)
            return results
        }
        // A test or a link may have made a contact in another village visible: leads for them, before the pushes are
        // acknowledged, so that the villages concerned pull them at their next sync (信息返流). `merge` raises any
        // missed here again.
        if pushes.contains(where: { !$0.relays && $0.tracesContacts }) {
            do {
                let written = zip(pushes, results).flatMap { push, result in
                    (try? result.get()) == nil || push.relays ? [] : push.prepared.map(\.change)
                }
                // Asked of PostgreSQL first: the replica's catch-up costs as much again as the push did.
                if try await !tracingCandidates(written).isEmpty {
                    _ = try await writing { try $0.raiseContactLeads(touching: written) }
                }
            } catch {
                logger.warning(
                    "contact leads not raised after a push; `sync-server merge` raises them",
                    metadata: ["error": "\(error)"])
            }
        }
        return results
    }

    /// Applies one push inside the group's transaction as `PushProtocol` decides: this store reads what it asks and
    /// writes what it answers. `cursor` is the site's as the group stands; the cursor after the push, and when it was
    /// applied, are returned for the group to write once (`saveSiteCursors`).
    func apply(_ push: PendingPush, cursor: SiteCursor?, settings: CountySettings, on connection: PostgresConnection)
        async throws -> (Wire.PushResponse, SiteCursor, String)
    {
        var revoked = false
        if let bound = PushProtocol.tokenToCheck(push, cursor: cursor) {
            revoked = try await isRevoked(bound, on: connection)
        }
        let admission = try PushProtocol.admit(
            push, cursor: cursor, county: settings.county, countySite: settings.site, boundTokenRevoked: revoked)
        // The rows the batch touches, and which new ids other villages' rows already have, in one query per table.
        let known = try await knownRows(admission.fresh.map(\.change), scopes: admission.scopes, on: connection)
        let plan = MergeDecision.decide(admission.fresh, known: known, sender: admission.sender)
        try await execute(plan, ownSite: false, on: connection)
        let done = PushProtocol.conclude(push, admission, plan: plan)
        let at = clock.isoText(done.at)
        if !done.receiptReports.isEmpty {
            var receipt = PostgresBindings()
            receipt.append(push.village)
            receipt.append(at)
            receipt.append(done.receiptReports)
            try await connection.query(
                .sql(
                    """
                    INSERT INTO report_receipt (report_id, revision, village, date, received_at)
                    SELECT id, revision, $1, date, $2 FROM daily_report WHERE id = ANY($3) ON CONFLICT DO NOTHING
                    """, receipt), logger: logger)
        }
        if !done.relayReceipts.isEmpty {
            var binds = PostgresBindings()
            binds.append(done.relayReceipts.map(\.reportID))
            binds.append(done.relayReceipts.map { Int64($0.revision) })
            binds.append(done.relayReceipts.map(\.village))
            binds.append(done.relayReceipts.map(\.date))
            binds.append(done.relayReceipts.map(\.receivedAt))
            try await connection.query(
                .sql(
                    """
                    INSERT INTO report_receipt (report_id, revision, village, date, received_at)
                    SELECT r.* FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                      AS r (report_id, revision, village, date, received_at)
                    WHERE EXISTS (SELECT 1 FROM daily_report d WHERE d.id = r.report_id AND d.village = r.village AND d.date = r.date)
                    ON CONFLICT DO NOTHING
                    """, binds), logger: logger)
        }
        // The server's clock moves past `done.newest` in the replica, which applies these entries from the log.
        return (done.response, done.cursor, at)
    }

    /// The cursors of `sites`, those that have one.
    func siteCursors(_ sites: [String], on connection: PostgresConnection) async throws -> [String: SiteCursor] {
        var binds = PostgresBindings()
        binds.append(sites)
        var cursors: [String: SiteCursor] = [:]
        for try await (site, village, lastSeq, tokenID) in try await connection.query(
            .sql("SELECT site, village, last_seq, token_id FROM site_cursor WHERE site = ANY($1)", binds),
            logger: logger
        ).decode((String, String, Int64, String?).self) {
            cursors[site] = SiteCursor(village: village, lastSeq: lastSeq, tokenID: tokenID)
        }
        return cursors
    }

    /// Writes the cursors a group moved, in one statement.
    func saveSiteCursors(_ moved: [String: (cursor: SiteCursor, at: String)], on connection: PostgresConnection)
        async throws
    {
        guard !moved.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(Array(moved.keys))
        binds.append(moved.values.map(\.cursor.village))
        binds.append(moved.values.map(\.cursor.lastSeq))
        binds.append(moved.values.map(\.at))
        // Sites older than token binding have none: sent as '' (a token id is never empty), stored as NULL.
        binds.append(moved.values.map { $0.cursor.tokenID ?? "" })
        try await connection.query(
            .sql(
                """
                INSERT INTO site_cursor (site, village, last_seq, updated_at, token_id)
                SELECT site, village, last_seq, updated_at, NULLIF(token_id, '')
                FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
                  AS c (site, village, last_seq, updated_at, token_id)
                ON CONFLICT (site) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at, token_id = excluded.token_id
                """, binds), logger: logger)
    }

    /// Whether the token `id` was revoked (a village whose token leaked gets a new one, and its laptop keeps its site).
    func isRevoked(_ id: String, on connection: PostgresConnection) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(id)
        for try await revoked in try await connection.query(
            .sql("SELECT revoked_at FROM token WHERE id = $1", binds), logger: logger
        )
        .decode(String?.self) {
            return revoked != nil
        }
        return false
    }

    /// What the database holds of the rows `changes` touch (see `KnownRows.load` for SQLite, which this mirrors).
    func knownRows(_ changes: [Change], scopes: [String]?, on connection: PostgresConnection) async throws -> KnownRows
    {
        var known = KnownRows()
        var byTable: [String: Set<String>] = [:]
        for change in changes where SyncedTables.nameSet.contains(change.table) {
            byTable[change.table, default: []].insert(change.pk)
        }
        for (table, pks) in byTable {
            var rows: [String: KnownRows.Row] = [:]
            var binds = PostgresBindings()
            binds.append(table)
            binds.append(Array(pks))
            var sql = "SELECT pk, columns, hlc, origin, scope FROM change_log WHERE tbl = $1 AND pk = ANY($2)"
            if let scopes {
                binds.append(scopes)
                // The scopes' entries for these ids, and the ids that rows outside them already hold (another
                // village's), in one round trip; such a row comes back with a null `columns`. `table` is one of the
                // synced tables (filtered above), never a pushed string. Each id is looked up on its own, through the
                // log's (scope, tbl, pk) index and then, only when the log has nothing, the table's key: a LATERAL
                // subquery that `OFFSET 0` keeps from being flattened, a scalar subquery that `LIMIT` keeps from being
                // hashed. Left to choose, the planner hashed the whole table, or every entry of the village's log, for
                // 500 ids (8 ms a push at 20k persons, and growing with the log; `sync-bench apply` on PostgreSQL).
                sql = """
                    SELECT k.id, l.columns, l.hlc, l.origin, l.scope FROM unnest($2::text[]) AS k (id)
                    LEFT JOIN LATERAL (SELECT columns, hlc, origin, scope FROM change_log
                      WHERE scope = ANY($3) AND tbl = $1 AND pk = k.id OFFSET 0) AS l ON true
                    WHERE l.hlc IS NOT NULL OR (SELECT 1 FROM \(table) WHERE id = k.id LIMIT 1) IS NOT NULL
                    """
            }
            for try await (pk, columns, hlc, origin, scope) in try await connection.query(
                .sql(sql, binds), logger: logger
            )
            .decode((String, String?, Int64?, String?, String?).self) {
                guard let columns, let hlc, let origin, let scope else {
                    rows[pk] = KnownRows.Row(foreign: true)
                    continue
                }
                var row = rows[pk] ?? KnownRows.Row()
                row.owner = scope
                Merge.observe(
                    ColumnValues.names(json: columns), at: Version(hlc: HLC(raw: hlc), origin: origin),
                    into: &row.versions)
                rows[pk] = row
            }
            for (pk, row) in rows { known.set(table, pk, row) }
        }
        // For a deletion of a row about a person: the person, and whether they are deleted as stored.
        for change in KnownRows.deletionsAboutPersons(changes) {
            var person: String?
            if change.table == MeasureEvent.databaseTableName {
                if let measure = try await value(change.table, change.pk, "measure_id", in: changes, on: connection) {
                    person = try await value(
                        Measure.databaseTableName, measure, "person_id", in: changes, on: connection)
                }
            } else {
                person = try await value(change.table, change.pk, "person_id", in: changes, on: connection)
            }
            guard let person else { continue }
            var binds = PostgresBindings()
            binds.append(person)
            var deleted: Bool?
            for try await flag in try await connection.query(
                .sql("SELECT deleted FROM person WHERE id = $1", binds), logger: logger
            ).decode(Int64.self) {
                deleted = flag == 1
            }
            known.setPerson(of: change.table, change.pk, person: person, deleted: deleted)
        }
        let named = KnownRows.namedPersons(changes)
        if !named.isEmpty {
            var binds = PostgresBindings()
            binds.append(named)
            for try await (id, village) in try await connection.query(
                .sql("SELECT id, village FROM person WHERE id = ANY($1)", binds), logger: logger
            ).decode((String, String).self) {
                known.setPersonVillage(id, village)
            }
        }
        return known
    }

    /// A text column of a row as the batch (its latest change carrying it) or the database has it.
    private func value(
        _ table: String, _ pk: String, _ column: String, in changes: [Change], on connection: PostgresConnection
    ) async throws -> String? {
        if let sent = KnownRows.sent(table, pk, column, in: changes) { return sent.stringValue }
        var binds = PostgresBindings()
        binds.append(pk)
        for try await value in try await connection.query(
            .sql("SELECT \(column) FROM \(table) WHERE id = $1", binds), logger: logger
        )
        .decode(String?.self) {
            return value
        }
        return nil
    }

    /// Carries out `plan`: new rows in multi-row inserts (one per table and column set), then updates in the plan's
    /// order, then the log entries in the plan's order. `ownSite`: the county's own writes, logged without an
    /// origin sequence (their `seq` is their number, as on SQLite). The caller holds the log lock.
    func execute(_ plan: MergePlan, ownSite: Bool, on connection: PostgresConnection) async throws {
        // Inserts first: a row inserted and then updated in the same plan is inserted with its first change's values.
        var inserts: [String: [MergePlan.Write]] = [:]
        var order: [String] = []
        for write in plan.writes where write.isNew {
            let key = write.change.table + "(" + write.columns.joined(separator: ",") + ")"
            if inserts[key] == nil { order.append(key) }
            inserts[key, default: []].append(write)
        }
        for key in order {
            let writes = inserts[key]!
            let first = writes[0]
            let width = first.columns.count + 1
            for chunk in stride(from: 0, to: writes.count, by: max(1, 30_000 / width)).map({
                writes[$0..<min($0 + max(1, 30_000 / width), writes.count)]
            }) {
                var binds = PostgresBindings()
                var tuples: [String] = []
                tuples.reserveCapacity(chunk.count)
                for write in chunk {
                    let base = binds.count
                    tuples.append("(" + (1...width).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                    binds.append(write.change.pk)
                    for column in write.columns { binds.append(write.change.columns.values[column]!) }
                }
                try await connection.query(
                    .sql(
                        "INSERT INTO \(first.change.table) (id, " + first.columns.joined(separator: ", ") + ") VALUES "
                            + tuples.joined(separator: ", "), binds), logger: logger)
            }
        }
        for write in plan.writes where !write.isNew {
            var binds = PostgresBindings()
            for column in write.columns { binds.append(write.change.columns.values[column]!) }
            binds.append(write.change.pk)
            let assignments = write.columns.enumerated().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
            try await connection.query(
                .sql("UPDATE \(write.change.table) SET \(assignments) WHERE id = $\(write.columns.count + 1)", binds),
                logger: logger)
        }
        for start in stride(from: 0, to: plan.writes.count, by: 4_000) {
            let chunk = plan.writes[start..<min(start + 4_000, plan.writes.count)]
            var binds = PostgresBindings()
            var tuples: [String] = []
            for write in chunk {
                let base = binds.count
                tuples.append("(" + (1...7).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                binds.append(write.change.table)
                binds.append(write.change.pk)
                binds.append(write.logJSON)
                binds.append(write.change.hlc)
                binds.append(write.change.origin)
                if ownSite { binds.appendNull() } else { binds.append(write.change.originSeq) }
                binds.append(write.scope)
            }
            try await connection.query(
                .sql(
                    "INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES "
                        + tuples.joined(separator: ", "), binds), logger: logger)
        }
    }

    public func pull(village: String, site: String?, after: Int64, limit: Int) async throws -> Wire.PullResponse {
        let settings = try await settings()
        var binds = PostgresBindings()
        binds.append(PullProtocol.scopes(village: village, county: settings.county))
        binds.append(after)
        binds.append(Int64(limit))
        var entries: [(seq: Int64, change: Change)] = []
        for try await (seq, table, pk, columns, hlc, origin, originSeq) in try await client.query(
            .sql(
                """
                SELECT seq, tbl, pk, columns, hlc, origin, COALESCE(origin_seq, seq) FROM change_log
                WHERE scope = ANY($1) AND seq > $2 ORDER BY seq LIMIT $3
                """, binds), logger: logger
        ).decode((Int64, String, String, String, Int64, String, Int64).self) {
            entries.append(
                (
                    seq,
                    Change(
                        table: table, pk: pk,
                        columns: ColumnValues(json: columns) ?? ColumnValues([String: ColumnValue]()), hlc: hlc,
                        origin: origin, originSeq: originSeq)
                ))
        }
        return PullProtocol.response(entries, site: site, after: after, limit: limit, epoch: settings.epoch)
    }
}
