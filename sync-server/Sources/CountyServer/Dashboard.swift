import Foundation
import GRDB
import RegistryCore

/// One day of the 14-day chart: new arrivals and people under each measure, summed over the villages' reports.
public struct DayTotals: Sendable, Equatable {
    public var date: Day
    public var figures: ReportFigures
}

extension CountyDatabase {
    /// County totals for each of the `days` days up to `day`, from the standing revision of each report.
    public func series(to day: Day, days: Int = 14) throws -> [DayTotals] {
        let from = day.adding(days: -(days - 1))
        return try writer.read { db in
            let reports = try DailyReport.filter(Column("date") >= "\(from)" && Column("date") <= "\(day)" && Column("deleted") == false).fetchAll(db)
            var byDay: [Day: ReportFigures] = [:]
            let decoder = JSONDecoder()
            for report in reports {
                if let figures = try? decoder.decode(ReportFigures.self, from: Data(report.figures.utf8)) { byDay[report.date, default: ReportFigures()].add(figures) }
            }
            return (0..<days).map { offset in
                let d = from.adding(days: offset)
                return DayTotals(date: d, figures: byDay[d] ?? ReportFigures())
            }
        }
    }
}

