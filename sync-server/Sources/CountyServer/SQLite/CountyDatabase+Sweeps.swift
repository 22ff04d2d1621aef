import Foundation
import GRDB
import RegistryCore

/// The county's orders to sweep (排查到户) and their coverage, read from the register, rounds and visits the villages
/// pushed.
extension CountyDatabase {
    /// Orders a sweep by `due` (local `YYYY-MM-DD HH:MM`) in one village of the roster, every village of a township,
    /// or every village (`code` nil): one row per village, published at its next sync. Returns the order's batch and
    /// the villages it reached.
    public func orderSweep(code: String?, reason: String, due: String) throws -> (batch: String, villages: [String]) {
        let reason = try Validate.required(reason, field: .reason)
        try SyncedRules.refuse(SweepOrder.databaseTableName, "reason", reason, field: .reason)
        let due = due.trimmingCharacters(in: .whitespaces)
        try SyncedRules.refuse(SweepOrder.databaseTableName, "due_at", due, field: .due)
        let code = try code.map { try Validate.areaCode($0, field: .code, lengths: [9, 12]) }
        let orderedAt = clock.isoText(clock.now())
        return try write { db, recorder, settings in
            var request = VillageEntry.filter(VillageEntry.Columns.deleted == false)
            if let code {
                request = request.filter(Column(code.count == 12 ? "code" : "township_code") == code)
            }
            let villages = try request.order(VillageEntry.Columns.code).fetchAll(db).map(\.code)
            guard !villages.isEmpty else {
                throw RegistryError(
                    .code,
                    zh: code.map { "\($0) 不在本县名册中（先 sync-server villages import）" }
                        ?? "名册为空：先 sync-server villages import",
                    en: code.map { "\($0) is not on the county's roster" } ?? "the roster is empty: import it first")
            }
            let batch = IDGenerator.stable("sweep|\(code ?? settings.county)|\(reason)|\(due)")
            if try SweepOrder.filter(SweepOrder.Columns.batch == batch).fetchCount(db) > 0 {
                throw RegistryError(
                    nil, zh: "同样的排查令已下达过（\(reason)，\(due)）", en: "the same order was given already (\(reason), \(due))")
            }
            for village in villages {
                try recorder.insert(
                    SweepOrder(
                        id: IDGenerator.stable("sweep|\(batch)|\(village)"), village: village, batch: batch,
                        givenFor: code ?? settings.county, reason: reason, dueAt: due, orderedAt: orderedAt))
            }
            return (batch, villages)
        }
    }

    /// Coverage of the orders given in the 14 days up to `day`, newest first; `now` is the county's local time.
    public func sweepCoverage(on day: Day, now: String) throws -> [SweepCoverage] {
        try writer.read { db in try Self.sweepCoverage(db, on: day, now: now) }
    }

    static func sweepCoverage(_ db: Database, on day: Day, now: String) throws -> [SweepCoverage] {
        let orders = try Row.fetchAll(
            db,
            sql: """
                SELECT o.batch, o.village, o.given_for, o.reason, o.due_at, o.ordered_at, r.id AS round_id,
                  r.started_at, r.closed_at, v.name, v.township_code, v.township_name
                FROM sweep_order o
                LEFT JOIN sweep_round r ON r.id = (SELECT id FROM sweep_round WHERE order_id = o.id AND deleted = 0
                  ORDER BY started_at DESC LIMIT 1)
                LEFT JOIN village v ON v.code = o.village AND v.deleted = 0
                WHERE o.deleted = 0 AND substr(o.ordered_at, 1, 10) BETWEEN ? AND ?
                ORDER BY o.ordered_at DESC, o.batch, o.village
                """, arguments: ["\(day.adding(days: -13))", "\(day)"])
        guard !orders.isEmpty else { return [] }
        var households: [String: Int] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT village, count(*) AS n FROM household WHERE deleted = 0 GROUP BY village")
        {
            households[row["village"]] = row["n"]
        }
        var reached: [String: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT v.round_id, count(DISTINCT v.household_id) AS n FROM sweep_visit v
                JOIN household h ON h.id = v.household_id AND h.deleted = 0
                WHERE v.deleted = 0 AND v.result <> 'nobody_home' GROUP BY v.round_id
                """)
        {
            reached[row["round_id"]] = row["n"]
        }
        var batches: [String] = []
        var byBatch: [String: [Row]] = [:]
        for row in orders {
            let batch: String = row["batch"]
            if byBatch[batch] == nil { batches.append(batch) }
            byBatch[batch, default: []].append(row)
        }
        return batches.map { batch in
            let rows = byBatch[batch]!
            let first = rows[0]
            return SweepCoverage(
                batch: batch, reason: first["reason"], givenFor: first["given_for"], dueAt: first["due_at"],
                orderedAt: first["ordered_at"], now: now,
                villages: rows.map { row in
                    let village: String = row["village"]
                    let round: String? = row["round_id"]
                    return SweepCoverage.Village(
                        village: village, name: row["name"] ?? village,
                        township_code: row["township_code"] ?? String(village.prefix(9)),
                        township_name: row["township_name"] ?? "",
                        households_total: households[village] ?? 0,
                        households_visited: round.flatMap { reached[$0] } ?? 0, started_at: row["started_at"],
                        closed_at: row["closed_at"])
                })
        }
    }
}
