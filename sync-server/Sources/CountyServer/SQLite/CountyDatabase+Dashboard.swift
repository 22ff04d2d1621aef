import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    /// County totals for each of the `days` days up to `day`, from the standing revision of each report. Summed in
    /// SQL (`total`, a float, so that figures stored before the county bounded them cannot overflow the sum) rather
    /// than by decoding every report: 14 days of 500 villages were a third of the page's time.
    public func series(to day: Day, days: Int = 14) throws -> [DayTotals] {
        let from = day.adding(days: -(days - 1))
        let keys = ReportFigures.rows.map(\.key)
        let sums = keys.map { "total(json_extract(figures, '$.\($0)'))" }.joined(separator: ", ")
        return try writer.read { db in
            var byDay: [Day: ReportFigures] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT date, \(sums) FROM daily_report WHERE date >= ? AND date <= ? AND deleted = 0 AND json_valid(figures) GROUP BY date
                    """, arguments: ["\(from)", "\(day)"])
            {
                guard let date = Day(row[0] as String) else { continue }
                var values: [String: Any] = ["new_by_category": [String: Int]()]
                for (i, key) in keys.enumerated() {
                    let sum = (row[i + 1] as Double?) ?? 0
                    values[key] = Int(min(max(sum, 0), Double(Int.max / 2)))
                }
                byDay[date] = try JSONDecoder().decode(
                    ReportFigures.self, from: try JSONSerialization.data(withJSONObject: values))
            }
            return (0..<days).map { offset in
                let d = from.adding(days: offset)
                return DayTotals(date: d, figures: byDay[d] ?? ReportFigures())
            }
        }
    }
}
