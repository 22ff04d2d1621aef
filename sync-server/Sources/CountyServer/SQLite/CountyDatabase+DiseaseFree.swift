import Foundation
import GRDB
import RegistryCore

/// What 无疫村 status is decided from (`DiseaseFree`): per village of the roster, over the window ending on a day.
extension CountyDatabase {
    /// - Parameter only: these villages only (the dashboard asks for those with a record); nil: every village.
    public func diseaseFreeFacts(
        on day: Day, window: Int, deadline: String, maxSkew: TimeInterval = 600, only: Set<String>? = nil
    ) throws -> [DiseaseFree.Facts] {
        let days = (0..<window).map { day.adding(days: -$0) }.reversed()
        let deadlines = try days.map { try deadlineInstant($0, deadline) }
        return try writer.read { db in
            // Each day's standing of each village's report: the merge run's own rule.
            var notOnTime: [String: [(day: Day, status: String)]] = [:]
            var due: [String: Int] = [:]
            for (d, deadline) in zip(days, deadlines) {
                let lines = try villageLines(db, on: d, deadline: deadline, maxSkew: maxSkew, only: only)
                for line in lines {
                    due[line.village, default: 0] += 1
                    if line.status != "on_time" { notOnTime[line.village, default: []].append((d, line.status)) }
                }
            }
            var lastPositive: [String: Day] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT p.village, max(t.sampled_on) AS last FROM lab_test t JOIN person p ON p.id = t.person_id
                    WHERE t.result = 'positive' AND t.deleted = 0 AND p.deleted = 0 AND t.sampled_on <= ? GROUP BY p.village
                    """, arguments: ["\(day)"])
            {
                lastPositive[row["village"]] = Day(row["last"] as String)
            }
            var overdue: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT village, count(*) AS n FROM measure WHERE deleted = 0 AND status IN ('active', 'extended', 'escalated')
                    AND ends_on IS NOT NULL AND ends_on < ? GROUP BY village
                    """, arguments: ["\(day)"])
            {
                overdue[row["village"]] = row["n"]
            }
            // The latest sweep round of each village and its coverage, in three grouped reads (not three per village:
            // the dashboard asks on every load).
            var latestRound: [String: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT village, id, max(started_at) FROM sweep_round WHERE deleted = 0 AND started_at < ?
                    GROUP BY village
                    """, arguments: ["\(day.adding(days: 1))"])
            {
                latestRound[row["village"]] = row["id"]
            }
            var households: [String: Int] = [:]
            var visited: [String: Int] = [:]
            if !latestRound.isEmpty {
                for row in try Row.fetchAll(
                    db, sql: "SELECT village, count(*) AS n FROM household WHERE deleted = 0 GROUP BY village")
                {
                    households[row["village"]] = row["n"]
                }
                for row in try db.rows(
                    forKeys: Array(latestRound.values),
                    {
                        """
                        SELECT v.round_id, count(DISTINCT v.household_id) AS n FROM sweep_visit v
                        JOIN household h ON h.id = v.household_id
                        WHERE v.round_id IN (\($0))
                        AND v.deleted = 0 AND h.deleted = 0 AND v.result <> 'nobody_home' GROUP BY v.round_id
                        """
                    })
                {
                    visited[row["round_id"]] = row["n"]
                }
            }
            let roster = try VillageEntry.filter(VillageEntry.Columns.deleted == false).order(
                VillageEntry.Columns.townshipCode, VillageEntry.Columns.code
            ).fetchAll(db)
            return roster.filter { only?.contains($0.code) ?? true }.map { village in
                let sweep = latestRound[village.code].map { (visited[$0] ?? 0, households[village.code] ?? 0) }
                return DiseaseFree.Facts(
                    village: village.code, name: village.name, township_name: village.townshipName,
                    lastPositive: lastPositive[village.code], overdueUnreleased: overdue[village.code] ?? 0,
                    sweep: sweep, reportsNotOnTime: notOnTime[village.code] ?? [], reportDays: due[village.code] ?? 0)
            }
        }
    }
}
