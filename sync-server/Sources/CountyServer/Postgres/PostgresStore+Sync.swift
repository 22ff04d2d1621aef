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
        let runs = PendingPush.runs(pushes)
        let results: [Result<Wire.PushResponse, any Error>] = try await transaction { connection in
            // The first run is read and decided before the log lock is taken, while another group (of this process,
            // `PushGroups.inFlight`, or of another) may hold it, and its decision kept if nothing written meanwhile
            // touches its rows or moves its sites' cursors (`readAhead`): PostgreSQL then reads for one group while
            // it writes for another, and the writer decides while the group before it commits.
            var ahead = try await readAhead(runs.first, settings: settings, on: connection)
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock))"), logger: logger)
            if let read = ahead, try await written(since: read.before, touches: read.touches, on: connection) {
                ahead = nil
            }
            var results: [Result<Wire.PushResponse, any Error>] = []
            // The group's sites' cursors are read once and written once: under the log lock nobody else moves them,
            // and a site that pushes twice in one group sees its first push's cursor here. Per push, two round trips
            // fewer; at 50 changes a push the round trips are most of a push's time.
            var cursors = try await siteCursors(Array(Set(pushes.map(\.site))), on: connection)
            var moved: [String: (cursor: SiteCursor, at: String)] = [:]
            // A database error while writing fails the whole group, whose villages retry; a push refused (a gap, a
            // wrong village) is refused before anything of its run is written.
            do {
                for (index, slice) in runs.enumerated() {
                    let run = Array(slice)
                    let decision =
                        if index == 0, let read = ahead, read.decision.holds(run, cursors: cursors) {
                            read.decision
                        } else {
                            try await decide(run, cursors: cursors, settings: settings, on: connection)
                        }
                    results += try await write(run, decision, cursors: &cursors, moved: &moved, on: connection)
                }
            } catch let error as PSQLError {
                throw PostgresStore.refusal(error, url: "")
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

    /// What a run of pushes (`PendingPush.runs`) was decided to be, as `PushProtocol` decides: each push refused, or
    /// admitted with its merge plan, in order, as on its own; and the cursors of the run's sites it was decided on.
    struct RunDecision {
        var refused: [Int: PushRefusal] = [:]
        var admitted: [(index: Int, admission: PushProtocol.Admission, plan: MergePlan)] = []
        var cursors: [String: SiteCursor] = [:]

        /// Whether the decision stands with the sites' cursors as they are now: a run decided ahead of the log lock
        /// is decided again when another writer moved one (a retried push applied meanwhile, a site taken over).
        func holds(_ run: [PendingPush], cursors now: [String: SiteCursor]) -> Bool {
            run.allSatisfy { cursors[$0.site] == now[$0.site] }
        }
    }

    /// Decides a run of pushes with the sites' `cursors` as they stand and the rows the database holds (`known`, or
    /// read here): their rows looked up in one query per table for all pushes, each in its own scopes.
    func decide(
        _ run: [PendingPush], cursors: [String: SiteCursor], settings: CountySettings, known ahead: [KnownRows]? = nil,
        on connection: PostgresConnection
    ) async throws -> RunDecision {
        var decision = RunDecision()
        var admitted: [(index: Int, admission: PushProtocol.Admission)] = []
        for (index, push) in run.enumerated() {
            decision.cursors[push.site] = cursors[push.site]
            do {
                admitted.append(
                    (index, try await admit(push, cursor: cursors[push.site], settings: settings, on: connection)))
            } catch let refusal as PushRefusal {
                decision.refused[index] = refusal
            }
        }
        let known =
            if let ahead {
                admitted.map { ahead[$0.index] }
            } else {
                try await knownRows(
                    admitted.map { ($0.admission.fresh.map(\.change), $0.admission.scopes) }, on: connection)
            }
        decision.admitted = zip(admitted, known).map { item, known in
            (
                item.index, item.admission,
                MergeDecision.decide(item.admission.fresh, known: known, sender: item.admission.sender)
            )
        }
        return decision
    }

    /// Writes a run as `decision` decided, inside the group's transaction under the log lock: one insert per table and
    /// one for the log for all its pushes (at 17:00 a group holds dozens of villages' pushes of a few dozen changes
    /// each: statements per push, not rows, were what the log writer spent its time on, docs/PERFORMANCE.md).
    /// `cursors` are the sites' as the group stands; the pushes' new cursors, and when they were applied, go to
    /// `moved` for the group to write once (`saveSiteCursors`).
    func write(
        _ run: [PendingPush], _ decision: RunDecision, cursors: inout [String: SiteCursor],
        moved: inout [String: (cursor: SiteCursor, at: String)], on connection: PostgresConnection
    ) async throws -> [Result<Wire.PushResponse, any Error>] {
        var results: [Result<Wire.PushResponse, any Error>?] = Array(repeating: nil, count: run.count)
        for (index, refusal) in decision.refused { results[index] = .failure(refusal) }
        try await execute(decision.admitted.flatMap(\.plan.writes), ownSite: false, on: connection)
        for item in decision.admitted {
            let push = run[item.index]
            let (response, cursor, at) = try await conclude(push, item.admission, plan: item.plan, on: connection)
            cursors[push.site] = cursor
            moved[push.site] = (cursor, at)
            results[item.index] = .success(response)
        }
        return results.map { $0! }
    }

    /// A run of villages' pushes read and decided before the log lock: the rows they touch (each push's whole batch,
    /// in the scopes its admission gives it: its village's and the county's) and their sites' cursors; the log's last
    /// `seq` before the reading; and the rows and persons deciding read (`PendingPush.keys`), as tables and ids for
    /// `written(since:touches:)`. Nil for a run that relays (a relay's scopes follow its admitted entries) or deletes
    /// rows about persons.
    func readAhead(_ run: ArraySlice<PendingPush>?, settings: CountySettings, on connection: PostgresConnection)
        async throws -> (decision: RunDecision, before: Int64, touches: (tables: [String], ids: [String]))?
    {
        guard let run, run.allSatisfy({ !$0.relays && !$0.deletesAboutPersons }) else { return nil }
        var before: Int64 = 0
        for try await seq in try await connection.query(
            .sql("SELECT COALESCE(max(seq), 0) FROM change_log"), logger: logger
        ).decode(Int64.self) {
            before = seq
        }
        let pushes = Array(run)
        let known = try await knownRows(
            pushes.map { ($0.prepared.map(\.change), [$0.village, settings.county]) }, on: connection)
        let cursors = try await siteCursors(pushes.map(\.site), on: connection)
        let decision = try await decide(pushes, cursors: cursors, settings: settings, known: known, on: connection)
        var touches: (tables: [String], ids: [String]) = ([], [])
        for key in pushes.reduce(into: Set<String>(), { $0.formUnion($1.keys) }) {
            let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
            // A named person's id is a pushed value, and PostgreSQL's text holds no NUL: such an id names no row
            // logged, and binding it would fail the group.
            guard !parts[1].utf8.contains(0) else { continue }
            touches.tables.append(String(parts[0]))
            touches.ids.append(String(parts[1]))
        }
        return (decision, before, touches)
    }

    /// Whether anything logged after `before` touches one of the rows `touches` names (a table and an id each).
    /// Asked under the log lock, when every earlier writer has committed. Compared by PostgreSQL: with two groups in
    /// flight, the group before this one logged thousands of entries since `before`; the range is read through the
    /// log's key (`ORDER BY seq`), which the planner, its statistics behind a fast-growing log, left for a scan of
    /// the whole table (10 ms at 50k entries, and growing with the log). More than the limit logged since (a
    /// region's initialization relayed meanwhile) counts as touched.
    func written(
        since before: Int64, touches: (tables: [String], ids: [String]), on connection: PostgresConnection
    ) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(before)
        binds.append(touches.tables)
        binds.append(touches.ids)
        for try await touched in try await connection.query(
            .sql(
                """
                SELECT (SELECT COALESCE(max(seq), 0) FROM change_log) - $1 > 1000000 OR EXISTS (SELECT 1
                  FROM (SELECT tbl, pk FROM change_log WHERE seq > $1 ORDER BY seq LIMIT 1000000) AS l
                  JOIN unnest($2::text[], $3::text[]) AS k (tbl, pk) ON l.tbl = k.tbl AND l.pk = k.pk)
                """, binds), logger: logger
        ).decode(Bool.self) {
            return touched
        }
        return true
    }

    /// Refuses `push` or admits it (`PushProtocol.admit`), looking up the revocation it asks about.
    private func admit(
        _ push: PendingPush, cursor: SiteCursor?, settings: CountySettings, on connection: PostgresConnection
    ) async throws -> PushProtocol.Admission {
        var revoked = false
        if let bound = PushProtocol.tokenToCheck(push, cursor: cursor) {
            revoked = try await isRevoked(bound, on: connection)
        }
        return try PushProtocol.admit(
            push, cursor: cursor, county: settings.county, countySite: settings.site, boundTokenRevoked: revoked)
    }

    /// Writes what a push decided as `plan` writes beside its rows (receipts), and returns its answer, its cursor and
    /// when it was applied.
    private func conclude(
        _ push: PendingPush, _ admission: PushProtocol.Admission, plan: MergePlan, on connection: PostgresConnection
    ) async throws -> (Wire.PushResponse, SiteCursor, String) {
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
    func knownRows(_ changes: [Change], scopes: [String], on connection: PostgresConnection) async throws -> KnownRows {
        try await knownRows([(changes, scopes)], on: connection)[0]
    }

    /// `knownRows` for several batches at once (a push group's pushes), each looked up in its own scopes: one query
    /// per table for all of them, not one per push.
    func knownRows(_ batches: [(changes: [Change], scopes: [String])], on connection: PostgresConnection)
        async throws -> [KnownRows]
    {
        var known = Array(repeating: KnownRows(), count: batches.count)
        // Per table, each id with its batch and where that batch's scopes lie in one array of all scopes (`lo`...`hi`,
        // one-based as PostgreSQL's arrays are): scopes are sent values (a relay's), so they are never joined into text.
        var allScopes: [String] = []
        var bounds: [(lo: Int64, hi: Int64)] = []
        for batch in batches {
            bounds.append((Int64(allScopes.count + 1), Int64(allScopes.count + batch.scopes.count)))
            allScopes += batch.scopes
        }
        var byTable: [String: (ids: [String], batch: [Int64], lo: [Int64], hi: [Int64])] = [:]
        for (index, batch) in batches.enumerated() {
            var seen: Set<String> = []
            for change in batch.changes where SyncedTables.nameSet.contains(change.table) {
                guard seen.insert(change.table + "\u{0}" + change.pk).inserted else { continue }
                byTable[change.table, default: ([], [], [], [])].ids.append(change.pk)
                byTable[change.table]!.batch.append(Int64(index))
                byTable[change.table]!.lo.append(bounds[index].lo)
                byTable[change.table]!.hi.append(bounds[index].hi)
            }
        }
        for (table, keys) in byTable {
            var rows: [Int: [String: KnownRows.Row]] = [:]
            var binds = PostgresBindings()
            binds.append(table)
            binds.append(keys.ids)
            binds.append(keys.batch)
            binds.append(keys.lo)
            binds.append(keys.hi)
            binds.append(allScopes)
            // The ids the table holds, with their log entries in the batch's scopes, in one round trip; a row held
            // outside them (another village's: its id is taken) comes back with a null `columns`. `table` is one of
            // the synced tables (filtered above), never a pushed string. Each id is looked up on its own, first by the
            // table's key and only when the row exists through the log's (scope, tbl, pk) index (a row and its log
            // entries are written together, so a new id, most of a busy hour's, costs one probe): LATERAL subqueries
            // that `LIMIT` and `OFFSET 0` keep from being flattened. Left to choose, the planner hashed the whole
            // table, or every entry of the village's log, for 500 ids (8 ms a push at 20k persons, and growing with
            // the log; `sync-bench apply` on PostgreSQL).
            let sql = """
                SELECT k.b, k.id, l.columns, l.hlc, l.origin, l.scope
                FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS k (id, b, lo, hi)
                CROSS JOIN LATERAL (SELECT 1 FROM \(table) WHERE id = k.id LIMIT 1) AS r
                LEFT JOIN LATERAL (SELECT columns, hlc, origin, scope FROM change_log
                  WHERE scope = ANY(($6::text[])[k.lo:k.hi]) AND tbl = $1 AND pk = k.id OFFSET 0) AS l ON true
                """
            for try await (batch, pk, columns, hlc, origin, scope) in try await connection.query(
                .sql(sql, binds), logger: logger
            )
            .decode((Int64, String, String?, Int64?, String?, String?).self) {
                let b = Int(batch)
                guard let columns, let hlc, let origin, let scope else {
                    rows[b, default: [:]][pk] = KnownRows.Row(foreign: true)
                    continue
                }
                var row = rows[b]?[pk] ?? KnownRows.Row()
                row.owner = scope
                Merge.observe(
                    ColumnValues.names(json: columns), at: Version(hlc: HLC(raw: hlc), origin: origin),
                    into: &row.versions)
                rows[b, default: [:]][pk] = row
            }
            for (b, batchRows) in rows { for (pk, row) in batchRows { known[b].set(table, pk, row) } }
        }
        for (index, batch) in batches.enumerated() {
            try await loadDeletedPersons(batch.changes, into: &known[index], on: connection)
        }
        // The villages of the persons each batch names, in one query for all.
        let named = batches.map { KnownRows.namedPersons($0.changes) }
        let everyone = Array(Set(named.joined()))
        if !everyone.isEmpty {
            var binds = PostgresBindings()
            binds.append(everyone)
            var villages: [String: String] = [:]
            for try await (id, village) in try await connection.query(
                .sql("SELECT id, village FROM person WHERE id = ANY($1)", binds), logger: logger
            ).decode((String, String).self) {
                villages[id] = village
            }
            for (index, ids) in named.enumerated() {
                for id in ids { if let village = villages[id] { known[index].setPersonVillage(id, village) } }
            }
        }
        return known
    }

    /// For a deletion of a row about a person: the person, and whether they are deleted as stored.
    private func loadDeletedPersons(_ changes: [Change], into known: inout KnownRows, on connection: PostgresConnection)
        async throws
    {
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

    /// Carries out a plan's `writes` (or several plans' that touch no row in common): new rows in one insert per table
    /// and column set, then updates in order, then the log entries in order, in one insert. Inserts bind a column's
    /// values as one array (`ColumnArray`, `unnest`), so that a statement's text and its binds do not grow with its
    /// rows. `ownSite`: the county's own writes, logged without an origin sequence (their `seq` is their number, as on
    /// SQLite). The caller holds the log lock.
    func execute(_ writes: [MergePlan.Write], ownSite: Bool, on connection: PostgresConnection) async throws {
        // Inserts first: a row inserted and then updated in the same plan is inserted with its first change's values.
        // New rows are grouped by table and column set, in the order each set first comes, as indices into `writes`:
        // a push's rows mostly share one set, so each is compared with the last set seen before any other. (Keyed by
        // text joined per write, and copied into a dictionary's arrays, the grouping was a fifth of the writer's own
        // time under the lock.)
        var sets: [(table: String, columns: [String], members: [Int])] = []
        var last = -1
        for (index, write) in writes.enumerated() where write.isNew {
            if last < 0 || sets[last].table != write.change.table || sets[last].columns != write.columns {
                let table = write.change.table
                if let seen = sets.firstIndex(where: { $0.table == table && $0.columns == write.columns }) {
                    last = seen
                } else {
                    sets.append((write.change.table, write.columns, []))
                    last = sets.count - 1
                }
            }
            sets[last].members.append(index)
        }
        for set in sets {
            for start in stride(from: 0, to: set.members.count, by: 5_000) {
                let chunk = set.members[start..<min(start + 5_000, set.members.count)]
                var binds = PostgresBindings()
                binds.append(chunk.map { writes[$0].change.pk })
                // `table` and the column names passed the schema's rules (`SyncedRules`): never pushed text.
                var arrays = ["$1::text[]"]
                var names = ["c0"]
                var selected = ["u.c0"]
                for index in set.columns.indices {
                    let values = ColumnArray(chunk.map { writes[$0].values[index] })
                    guard let type = values.sqlType else {
                        selected.append("NULL")
                        continue
                    }
                    binds.append(values)
                    arrays.append("$\(binds.count)::\(type)")
                    names.append("c\(index + 1)")
                    selected.append("u.c\(index + 1)")
                }
                let source =
                    "unnest(\(arrays.joined(separator: ", "))) AS u (\(names.joined(separator: ", ")))"
                try await connection.query(
                    .sql(
                        "INSERT INTO \(set.table) (id, \(set.columns.joined(separator: ", "))) SELECT "
                            + selected.joined(separator: ", ") + " FROM " + source, binds), logger: logger)
            }
        }
        for write in writes where !write.isNew {
            var binds = PostgresBindings()
            for value in write.values { binds.append(value) }
            binds.append(write.change.pk)
            let assignments = write.columns.enumerated().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
            try await connection.query(
                .sql("UPDATE \(write.change.table) SET \(assignments) WHERE id = $\(write.columns.count + 1)", binds),
                logger: logger)
        }
        // The log in the plan's order: `unnest` yields its elements in order, and `seq` is taken row by row as they come.
        guard !writes.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(writes.map(\.change.table))
        binds.append(writes.map(\.change.pk))
        binds.append(writes.map(\.logJSON))
        binds.append(writes.map(\.change.hlc))
        binds.append(writes.map(\.change.origin))
        // A sender's numbers start at 1 (`PendingPush.numberingProblem`): 0 stands for none.
        binds.append(writes.map { ownSite ? 0 : $0.change.originSeq })
        binds.append(writes.map(\.scope))
        try await connection.query(
            .sql(
                """
                INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope)
                SELECT tbl, pk, columns, hlc, origin, NULLIF(origin_seq, 0), scope
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[])
                  AS u (tbl, pk, columns, hlc, origin, origin_seq, scope)
                """, binds), logger: logger)
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
