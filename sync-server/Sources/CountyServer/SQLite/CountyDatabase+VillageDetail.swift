import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    /// The village's detail for `day`; nil when the code is not on the roster.
    public func villageDetail(_ code: String, on day: Day) throws -> VillageDetail? {
        try writer.read { db in
            guard
                let entry = try VillageEntry.filter(
                    VillageEntry.Columns.code == code && VillageEntry.Columns.deleted == false
                ).fetchOne(db)
            else { return nil }
            let report = try DailyReport.filter(
                DailyReport.Columns.village == code && DailyReport.Columns.date == "\(day)"
                    && DailyReport.Columns.deleted == false
            )
            .order(DailyReport.Columns.revision.desc).fetchOne(db)
            let d = "\(day)"
            // Under a measure on the day: begun by then, not released or handed on before it, and either in its span or
            // still held past it (期满待解除).
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.id AS measure_id, m.phases, m.status, m.released_on, m.ends_on, p.id AS person_id, p.name, p.id_number, p.phone, a.category
                    FROM measure m JOIN person p ON p.id = m.person_id JOIN arrival a ON a.id = m.arrival_id
                    WHERE m.village = ? AND m.deleted = 0 AND p.deleted = 0 AND m.starts_on <= ?
                      AND (m.released_on IS NULL OR m.released_on > ?)
                      AND (m.ends_on >= ? OR m.status IN ('active', 'extended', 'escalated'))
                      AND m.status != 'none'
                    ORDER BY p.name
                    """, arguments: [code, d, d, d])
            let tests = try Row.fetchAll(
                db,
                sql: """
                    SELECT measure_id, due_on FROM lab_test
                    WHERE village = ? AND deleted = 0 AND sampled_on IS NULL AND due_on <= ? AND measure_id IS NOT NULL
                    """, arguments: [code, d])
            var due: [String: [Day]] = [:]
            for t in tests {
                if let dueOn = Day(t["due_on"] as String) { due[t["measure_id"], default: []].append(dueOn) }
            }
            let decoder = JSONDecoder()
            let under = rows.map { row -> VillageDetail.Under in
                let phases = (try? decoder.decode([Phase].self, from: Data((row["phases"] as String).utf8))) ?? []
                let status = MeasureStatus(rawValue: row["status"]) ?? .active
                let released: String? = row["released_on"]
                let inForce = Measure.phase(
                    on: day, phases: phases, status: status, releasedOn: released.flatMap(Day.init))
                let measure = inForce?.kind.chinese ?? (status.isOpen ? "期满待解除" : status.chinese)
                let span =
                    phases.first.map { "\(ReadableTime.short($0.startsOn))–\(ReadableTime.short(phases.last!.endsOn))" }
                    ?? ""
                let days = (due[row["measure_id"]] ?? []).sorted()
                return VillageDetail.Under(
                    personId: row["person_id"], name: row["name"], idNumber: row["id_number"],
                    phone: row["phone"] ?? "",
                    category: Category(rawValue: row["category"])?.label(.zh) ?? row["category"], measure: measure,
                    span: span, testsDue: days.filter { $0 == day }, testsOverdue: days.filter { $0 < day })
            }
            return VillageDetail(
                code: code, name: entry.name, townshipName: entry.townshipName, report: report, under: under)
        }
    }
}
