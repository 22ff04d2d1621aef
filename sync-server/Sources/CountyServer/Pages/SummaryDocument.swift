import Mustache
import RegistryCore

/// The county's daily summary as the printed 汇总表 (`sync-server merge --format html`): one A4 page for the
/// county's leaders and the city: reports expected, on time, late and missing by township with the villages to
/// chase by name, every figure summed, and the counts that need action. It names no person: the page travels.
public enum SummaryDocument {
    static let template: MustacheTemplate = {
        // Compiled into the binary; a template that does not parse is a build defect every test shows.
        try! PageTemplate.parse(PackageResources.county_summary_mustache)
    }()

    /// How many characters of village names a township's row holds before it says 等 N 个: one line per township,
    /// so that a county of 25 townships stays on one page.
    static let namesPerRow = 34

    struct Township { let name, expected, onTime, late, missing, chase: String }
    /// Three figures per row, so that all thirteen and 25 townships fit on the page.
    struct Figure { let label, value: String }
    struct FigureRow { let figures: [Figure] }
    struct View {
        let countyName, date, deadline, expected, received, onTime, late, missing, generatedAt: String
        let townships: [Township]
        let figures: [FigureRow]
        let positives, contactsMissed, duplicates, overdueLeads, deletions: String
    }

    /// The page for `summary`, generated at `generatedAt` (the county's local time, as people read it).
    public static func html(_ summary: CountySummary, countyName: String, generatedAt: String) -> String {
        let names = Dictionary(summary.villages.map { ($0.village, $0.name) }, uniquingKeysWith: { a, _ in a })
        func chase(_ label: String, _ codes: [String]) -> String? {
            guard !codes.isEmpty else { return nil }
            var shown: [String] = []
            for code in codes {
                let name = names[code] ?? code
                if !shown.isEmpty && (shown + [name]).joined(separator: "、").count > namesPerRow { break }
                shown.append(name)
            }
            return "\(label)：\(shown.joined(separator: "、"))" + (shown.count < codes.count ? " 等 \(codes.count) 个" : "")
        }
        let townships = summary.townships.map { t in
            Township(
                name: t.township_name, expected: "\(t.villages_expected)", onTime: "\(t.on_time.count)",
                late: "\(t.late.count)",
                missing: "\(t.missing.count)",
                chase: [chase("未报", t.missing), chase("迟报", t.late)].compactMap { $0 }.joined(separator: "；"))
        }
        let rows = ReportFigures.rows
        let figures = stride(from: 0, to: rows.count, by: 3).map { i in
            FigureRow(
                figures: (i..<i + 3).map { j in
                    j < rows.count
                        ? Figure(label: rows[j].zh, value: "\(rows[j].value(summary.totals))")
                        : Figure(label: "", value: "")
                })
        }
        let view = View(
            countyName: countyName, date: summary.date, deadline: summary.deadline,
            expected: "\(summary.villages_expected)",
            received: "\(summary.reports_received)", onTime: "\(summary.on_time.count)", late: "\(summary.late.count)",
            missing: "\(summary.missing.count)", generatedAt: generatedAt, townships: townships, figures: figures,
            positives: "\(summary.positives.count)",
            contactsMissed: "\(summary.positives.flatMap(\.contacts).filter(\.isMissed).count)",
            duplicates: "\(summary.duplicates.count)", overdueLeads: "\(summary.open_leads.filter(\.overdue).count)",
            deletions: "\(summary.deletions.count)")
        return template.render(view)
    }
}
