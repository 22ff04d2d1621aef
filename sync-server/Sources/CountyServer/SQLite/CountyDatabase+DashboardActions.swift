import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    /// The officer's lists for `day`; with `village`, only that village's (the drill-down page).
    public func actions(on day: Day, village: String? = nil) throws -> DashboardActions {
        try writer.read { db in
            let only = village == nil ? "" : " AND p.village = ?"
            let scope: StatementArguments = village.map { [$0] } ?? []
            var flagged: [DashboardActions.Flagged] = []
            var seen: Set<String> = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT p.village, p.id, p.name, p.id_number, t.sampled_on FROM lab_test t JOIN person p ON p.id = t.person_id
                    WHERE t.result = 'positive' AND t.deleted = 0 AND p.deleted = 0 AND (t.result_on = ? OR t.sampled_on = ?)\(only)
                    ORDER BY p.village, p.name
                    """, arguments: ["\(day)", "\(day)"] + scope) where seen.insert(row["id"]).inserted
            {
                let sampled: String? = row["sampled_on"]
                flagged.append(
                    .init(
                        village: row["village"], personId: row["id"], name: row["name"], idNumber: row["id_number"],
                        what: "阳性" + (sampled.flatMap(Day.init).map { "（\(ReadableTime.short($0))采样）" } ?? ""),
                        positive: true))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT p.village, p.id, p.name, p.id_number, max(c.temperature) AS temperature, group_concat(c.symptoms, ',') AS symptoms,
                           group_concat(c.symptoms_written, '、') AS written
                    FROM health_check c JOIN person p ON p.id = c.person_id
                    WHERE c.taken_on = ? AND c.flagged = 1 AND c.deleted = 0 AND p.deleted = 0\(only)
                    GROUP BY p.id ORDER BY p.village, p.name
                    """, arguments: ["\(day)"] + scope) where seen.insert(row["id"]).inserted
            {
                // The clerk's words when kept (咳嗽, 头晕), else the labels of the codes; each once.
                let words = SymptomWords.display(codes: row["symptoms"] as String? ?? "", written: row["written"])
                let symptoms = Set(words.split(separator: "、").map(String.init)).sorted()
                let temperature: Double = row["temperature"]
                flagged.append(
                    .init(
                        village: row["village"], personId: row["id"], name: row["name"], idNumber: row["id_number"],
                        what: (["体温 \(String(format: "%.1f", temperature)) ℃"] + symptoms).joined(separator: " "),
                        positive: false))
            }
            // Overdue: due before the day, not sampled, under a measure still held.
            let villageFilter = village == nil ? "" : " AND t.village = ?"
            let overdue = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.village, count(DISTINCT t.person_id) AS n FROM lab_test t JOIN measure m ON m.id = t.measure_id
                    WHERE t.due_on < ? AND t.sampled_on IS NULL AND t.deleted = 0 AND m.deleted = 0
                      AND m.status IN ('active', 'extended', 'escalated')\(villageFilter)
                    GROUP BY t.village ORDER BY n DESC, t.village
                    """, arguments: ["\(day)"] + scope
            ).map { DashboardActions.VillageCount(village: $0["village"], count: $0["n"]) }
            let ending = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.village, count(*) AS n FROM measure m
                    WHERE m.ends_on = ? AND m.deleted = 0 AND m.status IN ('active', 'extended')\(village == nil ? "" : " AND m.village = ?")
                    GROUP BY m.village ORDER BY n DESC, m.village
                    """, arguments: ["\(day)"] + scope
            ).map { DashboardActions.VillageCount(village: $0["village"], count: $0["n"]) }
            var leadRequest = Lead.filter(Lead.Columns.deleted == false)
            if let village { leadRequest = leadRequest.filter(Lead.Columns.village == village) }
            let leads = try leadRequest.order(Lead.Columns.deadline, Lead.Columns.village).fetchAll(db).map { lead in
                let status = lead.outcome?.rawValue ?? (lead.deadline < day ? "overdue" : "pending")
                return DashboardActions.LeadLine(
                    id: lead.id, village: lead.village, name: lead.name, idNumber: lead.idNumber ?? "",
                    deadline: lead.deadline, status: status, outcomeOn: lead.outcomeOn,
                    awaitsConfirmation: lead.lastContactOn == nil
                        && lead.reason?.hasPrefix(ContactRules.unconfirmedPrefix) == true
                        && (lead.outcome == nil || lead.outcome == .found))
            }
            var actions = DashboardActions(
                flagged: flagged, testsOverdue: overdue, measuresEnding: ending, leads: leads)
            // Reclassified: the villages' events of a plan set by a risk area known late, the last 14 days.
            actions.reclassified = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.village, count(DISTINCT m.person_id) AS n,
                      count(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM lab_test t WHERE t.person_id = m.person_id
                        AND t.deleted = 0 AND t.sampled_on >= e.on_date) THEN m.person_id END) AS unsampled
                    FROM measure_event e JOIN measure m ON m.id = e.measure_id
                    WHERE e.action = 'planned' AND substr(e.reason, 1, 4) = ? AND substr(e.reason, -7) <> ?
                      AND e.deleted = 0 AND m.deleted = 0 AND e.on_date BETWEEN ? AND ?\(village == nil ? "" : " AND m.village = ?")
                    GROUP BY m.village ORDER BY unsampled DESC, n DESC, m.village
                    """,
                arguments: [
                    MeasureEvent.reclassifiedReasonPrefix, MeasureEvent.periodOverSuffix, "\(day.adding(days: -13))",
                    "\(day)",
                ] + scope
            ).map { DashboardActions.Reclassified(village: $0["village"], count: $0["n"], unsampled: $0["unsampled"]) }
            return actions
        }
    }
}
