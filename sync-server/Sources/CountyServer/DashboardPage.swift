import Foundation
import Mustache
import RegistryCore

/// The county officer's page: an HTML document in Chinese that needs no script, font or file from outside
/// (county networks are often closed) and refreshes itself every minute. Rendered from `Templates/dashboard.mustache`,
/// which escapes every value: the page holds what villages pushed (names, reasons, id numbers), so no value may be
/// written into it by hand.
public enum DashboardPage {
    static let template: MustacheTemplate = {
        // The template ships inside the binary; a parse error in it is a build defect that every test would show.
        try! MustacheTemplate(string: String(decoding: PackageResources.dashboard_mustache, as: UTF8.self))
    }()

    /// Whether the page shows persons in full, and the link to switch (the same day, the other way).
    public struct Privacy: Sendable {
        let date: String
        let full: Bool
        let viewer: String
        let switchQuery: String

        public init(date: String, full: Bool, viewer: String) {
            self.date = date
            self.full = full
            self.viewer = viewer
            switchQuery = full ? "?date=\(date)" : "?date=\(date)&full=1"
        }
    }

    /// The page for a summary (already masked unless `privacy.full`), the county's name and the 14-day series.
    public static func html(_ summary: CountySummary, countyName: String, series: [DayTotals], generatedAt: String,
                            privacy: Privacy) -> String {
        template.render(View(summary, countyName: countyName, series: series, generatedAt: generatedAt, privacy: privacy))
    }

    /// What the template shows, as plain values (swift-mustache reads them by reflection).
    struct View {
        struct Township { let name, code: String; let reported, expected: Int; let villages: [Village] }
        struct Village {
            let name, code, css, label: String
            let zero: Bool
            let revision, submittedAt, receivedAt, newArrivals, central, home, fevers, positives: String
        }
        struct Total { let label: String; let value: Int }
        struct Lead { let name, village, deadline: String; let overdue: Bool }
        struct Duplicate { let idNumber, registrations: String }
        struct Deletion { let name, village, reason: String; let byCounty: Bool }
        struct Positive { let name, idNumber, village, sampledOn: String; let contacts: [ContactRow]; let contactCount: Int }
        struct ContactRow { let relation, name, idNumber, villages, status: String; let missed: Bool }

        let countyName, date, deadline, generatedAt: String
        let privacy: Privacy
        let villagesExpected, reportsReceived, onTime, late, missing: Int
        let townships: [Township]
        let totals: [Total]
        let chart: Chart
        let leads: [Lead], hasLeads: Bool, leadCount: Int
        let duplicates: [Duplicate], hasDuplicates: Bool, duplicateCount: Int
        let deletions: [Deletion], hasDeletions: Bool, deletionCount: Int
        let positives: [Positive], hasPositives: Bool, positiveCount: Int

        init(_ summary: CountySummary, countyName: String, series: [DayTotals], generatedAt: String, privacy: Privacy) {
            self.privacy = privacy
            let status = ["on_time": ("按时", "ok"), "late": ("迟报", "late"), "missing": ("未报", "missing")]
            self.countyName = countyName
            date = summary.date
            deadline = summary.deadline
            self.generatedAt = generatedAt
            villagesExpected = summary.villages_expected
            reportsReceived = summary.reports_received
            onTime = summary.on_time.count
            late = summary.late.count
            missing = summary.missing.count
            townships = summary.townships.map { township in
                let villages = summary.villages.filter { $0.township_code == township.township_code }.map { v in
                    let (label, css) = status[v.status] ?? (v.status, "")
                    let f = v.figures
                    func figure(_ value: (ReportFigures) -> Int) -> String { f.map { String(value($0)) } ?? "" }
                    return Village(name: v.name, code: v.village, css: css, label: label, zero: v.is_zero_report == true,
                                   revision: v.revision.map(String.init) ?? "", submittedAt: v.submitted_at ?? "", receivedAt: v.received_at ?? "",
                                   newArrivals: figure(\.new_arrivals), central: figure(\.under_central_quarantine),
                                   home: figure(\.under_home_quarantine), fevers: figure(\.fevers), positives: figure(\.positives))
                }
                return Township(name: township.township_name, code: township.township_code,
                                reported: township.on_time.count + township.late.count, expected: township.villages_expected, villages: villages)
            }
            totals = ReportFigures.rows.map { Total(label: $0.zh, value: $0.value(summary.totals)) }
            chart = Chart(series)
            leads = summary.open_leads.map { Lead(name: $0.name, village: $0.village, deadline: $0.deadline, overdue: $0.overdue) }
            (hasLeads, leadCount) = (!leads.isEmpty, leads.count)
            duplicates = summary.duplicates.map { duplicate in
                Duplicate(idNumber: duplicate.id_number,
                          registrations: duplicate.registrations.map { "\($0.name) \($0.village)" }.joined(separator: "；"))
            }
            (hasDuplicates, duplicateCount) = (!duplicates.isEmpty, duplicates.count)
            deletions = summary.deletions.map { Deletion(name: $0.name, village: $0.village, reason: $0.reason ?? "未说明原因", byCounty: $0.by_county) }
            (hasDeletions, deletionCount) = (!deletions.isEmpty, deletions.count)
            let names = Dictionary(summary.villages.map { ($0.village, $0.name) }, uniquingKeysWith: { a, _ in a })
            positives = summary.positives.map { p in
                Positive(name: p.name, idNumber: p.id_number, village: p.village_name.isEmpty ? p.village : p.village_name, sampledOn: p.sampled_on,
                         contacts: p.contacts.map { c in
                             ContactRow(relation: c.relationText, name: c.name ?? "", idNumber: c.id_number,
                                        villages: c.villages.isEmpty ? "未登记" : c.villages.map { names[$0] ?? $0 }.joined(separator: "、"),
                                        status: c.statusText, missed: c.isMissed)
                         }, contactCount: p.contacts.count)
            }
            (hasPositives, positiveCount) = (!positives.isEmpty, positives.count)
        }
    }

    /// The 14-day chart's geometry: bars for new arrivals, lines for people under each measure, and an axis with
    /// round ticks. Numbers only; the template draws it.
    struct Chart {
        struct Tick { let x1, x2, y, labelX, textY, label: String }
        struct Bar { let x, y, w, h, title, labelX, labelY, label: String }
        struct Line { let color, points, label, legendX, legendY, legendTextX, legendTextY: String }

        let width = "760", height = "260", left: String, right: String, axisY: String
        let ticks: [Tick], bars: [Bar], lines: [Line]
        let legendX: String, legendTextX: String, barLegendY: String, barLegendTextY: String

        init(_ series: [DayTotals]) {
            let width = 760.0, height = 260.0, left = 48.0, bottom = 40.0, top = 20.0, right = 150.0
            let plotW = width - left - right, plotH = height - top - bottom
            let measures: [(String, String, (ReportFigures) -> Int)] = [
                ("集中隔离", "#c00", { $0.under_central_quarantine }), ("居家隔离", "#e80", { $0.under_home_quarantine }),
                ("居家健康监测", "#07a", { $0.under_home_health_monitoring }), ("日常健康监测", "#090", { $0.under_health_monitoring }),
            ]
            // In Doubles: a figure stored before the county bounded them may be near Int.max.
            let highest = Double(series.map { day in max(day.figures.new_arrivals, measures.map { $0.2(day.figures) }.max() ?? 0) }.max() ?? 0)
            let step = Chart.niceStep(for: highest)
            let axisTop = max(step, (highest / step).rounded(.up) * step)  // the axis ends on a round number above the data
            let dx = plotW / Double(max(series.count, 1))
            func y(_ v: Int) -> Double { y(Double(v)) }
            func y(_ v: Double) -> Double { top + plotH - plotH * min(max(v, 0), axisTop) / axisTop }
            func n(_ d: Double) -> String { String(format: "%.1f", d) }
            self.left = n(left)
            self.right = n(left + plotW)
            axisY = n(top + plotH)
            ticks = stride(from: 0.0, through: axisTop, by: step).map {
                Tick(x1: n(left), x2: n(left + plotW), y: n(y($0)), labelX: n(left - 6), textY: n(y($0) + 4),
                     label: $0 < 1e15 ? String(Int($0)) : String(format: "%.2g", $0))
            }
            bars = series.enumerated().map { i, day in
                let x = left + dx * Double(i), v = day.figures.new_arrivals
                let (_, m, d) = day.date.components
                return Bar(x: n(x + dx * 0.2), y: n(y(v)), w: n(dx * 0.6), h: n(top + plotH - y(v)), title: "\(day.date) 新增 \(v)",
                           labelX: n(x + dx / 2), labelY: n(top + plotH + 16), label: "\(m)-\(d)")
            }
            legendX = n(left + plotW + 14)
            legendTextX = n(left + plotW + 30)
            lines = measures.enumerated().map { i, line in
                let points = series.enumerated().map { "\(n(left + dx * (Double($0.offset) + 0.5))),\(n(y(line.2($0.element.figures))))" }
                return Line(color: line.1, points: points.joined(separator: " "), label: line.0, legendX: n(left + plotW + 14),
                            legendY: n(top + 20 * Double(i + 1) - 9), legendTextX: n(left + plotW + 30), legendTextY: n(top + 20 * Double(i + 1) - 3))
            }
            barLegendY = n(top + 91)
            barLegendTextY = n(top + 100)
        }

        /// A round step (1, 2 or 5 times a power of ten) that puts at most five ticks above zero on an axis up to
        /// `highest`: 0, 2, 4, 6 rather than 0 and 5.
        static func niceStep(for highest: Double) -> Double {
            guard highest > 5 else { return 1 }
            let magnitude = pow(10, (log10(highest / 5)).rounded(.down))
            return [1.0, 2, 5, 10].map { $0 * magnitude }.first { highest / $0 <= 5 } ?? 10 * magnitude
        }
    }
}
