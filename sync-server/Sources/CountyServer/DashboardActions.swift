import Foundation
import GRDB
import RegistryCore

/// What a county officer acts on for a day, beyond the merge run's figures: the persons positive or feverish, the
/// tests overdue and the measures ending, by village, and every lead by where it stands. Read from the rows the
/// villages pushed, so a village that has not reported still shows what it recorded.
public struct DashboardActions: Sendable {
    /// A person positive on the day (sampled or result that day) or with a flagged check (fever, symptoms).
    public struct Flagged: Sendable {
        public var village: String
        public var personId: String
        public var name: String
        public var idNumber: String
        /// `阳性（7月10日采样）` or `体温 38.2 ℃ 咳嗽`.
        public var what: String
        public var positive: Bool
    }

    /// A count per village (tests overdue, measures ending).
    public struct VillageCount: Sendable {
        public var village: String
        public var count: Int
    }

    /// A lead and where it stands: pending, overdue, found, absent or unreachable.
    public struct LeadLine: Sendable {
        public var id: String
        public var village: String
        public var name: String
        public var idNumber: String
        public var deadline: Day
        public var status: String
        public var outcomeOn: Day?
        /// Raised on one village's word only, open or found: an officer may confirm it (`confirmContactLead`).
        public var awaitsConfirmation = false
    }

    /// Persons a late risk area classified again in a village (信息返流), and how many of them have no test sampled
    /// since the day the village learned of it.
    public struct Reclassified: Sendable {
        public var village: String
        public var count: Int
        public var unsampled: Int
    }

    public var flagged: [Flagged]
    /// Lab positives for persons registered in no village, not yet sent to one (阳性未落地): listed first.
    public var unlanded: [LabResults.Kept] = []
    public var reclassified: [Reclassified] = []
    public var testsOverdue: [VillageCount]
    public var measuresEnding: [VillageCount]
    public var leads: [LeadLine]

    /// Lead statuses in the order an officer reads them, with their labels.
    public static let leadStatuses: [(key: String, label: String)] = [
        ("overdue", "逾期未核查"), ("pending", "待核查"), ("found", "已找到并登记"), ("absent", "不在本村"), ("unreachable", "无法联系"),
    ]

    /// The label of a lead status key.
    public static let leadLabels = Dictionary(leadStatuses.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })

    /// The same with every person masked (张*伟, 420102********1232).
    public var masked: DashboardActions {
        var copy = self
        copy.flagged = flagged.map {
            var f = $0
            f.name = Mask.name(f.name)
            f.idNumber = Mask.idNumber(f.idNumber)
            return f
        }
        copy.unlanded = unlanded.map(\.masked)
        copy.leads = leads.map {
            var l = $0
            l.name = Mask.name(l.name)
            l.idNumber = Mask.idNumber(l.idNumber)
            return l
        }
        return copy
    }
}

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
            var leadRequest = Lead.filter(Column("deleted") == false)
            if let village { leadRequest = leadRequest.filter(Column("village") == village) }
            let leads = try leadRequest.order(Column("deadline"), Column("village")).fetchAll(db).map { lead in
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

extension CountyStore {
    /// The officer's lists for `day` (see `CountyDatabase.actions`).
    public func actions(on day: Day, village: String? = nil) async throws -> DashboardActions {
        var actions = try await reading { try $0.actions(on: day, village: village) }
        guard village == nil else { return actions }
        // Positives registered nowhere, not sent as a lead, and still not registered by any village since.
        let waiting = try await unmatchedResults().filter { $0.result == .positive && $0.leadVillage == nil }
        if !waiting.isEmpty {
            let numbers = waiting.map(\.idNumber)
            let registered = try await reading { county in
                try county.writer.read { db in
                    Set(try CountyDatabase.persons(db, numbers: numbers, mask: nil).keys)
                }
            }
            actions.unlanded = waiting.filter { !registered.contains($0.idNumber) }
        }
        return actions
    }
}
