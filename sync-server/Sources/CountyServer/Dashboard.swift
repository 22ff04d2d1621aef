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

/// The county officer's page: an HTML document in Chinese that needs no script, font or file from outside
/// (county networks are often closed) and refreshes itself every minute.
public enum DashboardPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page for a summary, the county's name and the 14-day series.
    public static func html(_ summary: CountySummary, countyName: String, series: [DayTotals], generatedAt: String) -> String {
        let status = ["on_time": ("按时", "ok"), "late": ("迟报", "late"), "missing": ("未报", "missing")]
        var townships = ""
        for township in summary.townships {
            let villages = summary.villages.filter { $0.township_code == township.township_code }
            townships += "<section class=\"township\"><h3>\(escape(township.township_name))（\(township.township_code)）"
                + "<span class=\"count\">已报 \(township.on_time.count + township.late.count)/\(township.villages_expected)</span></h3><table>"
                + "<tr><th>村（社区）</th><th>状态</th><th>版本</th><th>报送时间</th><th>到达县里</th><th>新增</th><th>集中隔离</th><th>居家隔离</th><th>发热</th><th>阳性</th></tr>"
            for v in villages {
                let (label, css) = status[v.status] ?? (v.status, "")
                let f = v.figures
                townships += "<tr class=\"\(css)\"><td>\(escape(v.name))<br><small>\(v.village)</small></td><td class=\"status\">\(label)\(v.is_zero_report == true ? "（零报告）" : "")</td>"
                    + "<td>\(v.revision.map(String.init) ?? "")</td><td>\(escape(v.submitted_at ?? ""))</td><td>\(escape(v.received_at ?? ""))</td>"
                    + "<td>\(f.map { String($0.new_arrivals) } ?? "")</td><td>\(f.map { String($0.under_central_quarantine) } ?? "")</td>"
                    + "<td>\(f.map { String($0.under_home_quarantine) } ?? "")</td><td>\(f.map { String($0.fevers) } ?? "")</td><td>\(f.map { String($0.positives) } ?? "")</td></tr>"
            }
            townships += "</table></section>"
        }
        let totals = ReportFigures.rows.map { "<tr><th>\($0.zh)</th><td>\($0.value(summary.totals))</td></tr>" }.joined()
        let leads = summary.open_leads.isEmpty ? "<p>无</p>" : "<table><tr><th>姓名</th><th>村</th><th>截止</th></tr>" + summary.open_leads.map {
            "<tr class=\"\($0.overdue ? "missing" : "")\"><td>\(escape($0.name))</td><td>\($0.village)</td><td>\($0.deadline)\($0.overdue ? "（已逾期）" : "")</td></tr>"
        }.joined() + "</table>"
        let duplicates = summary.duplicates.isEmpty ? "<p>无</p>" : "<table><tr><th>身份证号</th><th>登记村</th></tr>" + summary.duplicates.map {
            "<tr><td>\($0.id_number)</td><td>\($0.registrations.map { "\(escape($0.name)) \($0.village)" }.joined(separator: "；"))</td></tr>"
        }.joined() + "</table>"
        let deletions = summary.deletions.isEmpty ? "<p>无</p>" : "<table><tr><th>姓名</th><th>村</th><th>原因</th></tr>" + summary.deletions.map {
            "<tr><td>\(escape($0.name))</td><td>\($0.village)\($0.by_county ? "（县删除）" : "")</td><td>\(escape($0.reason ?? "未说明原因"))</td></tr>"
        }.joined() + "</table>"
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(countyName)) 返乡人员排查管控汇总 \(summary.date)</title>
        <style>
        body{font-family:sans-serif;margin:16px;color:#222;background:#fafafa}
        h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;border-bottom:2px solid #c00;padding-bottom:2px;margin-top:24px}
        .kpi{display:inline-block;margin:6px 12px 6px 0;padding:8px 14px;background:#fff;border:1px solid #ddd;border-radius:4px}
        .kpi b{font-size:24px;display:block} table{border-collapse:collapse;background:#fff;margin:4px 0}
        td,th{border:1px solid #ccc;padding:3px 8px;font-size:14px;text-align:left} tr.ok .status{color:#070}
        tr.late .status{color:#b60;font-weight:bold} tr.missing{background:#fde8e8} tr.missing .status{color:#c00;font-weight:bold}
        .count{font-weight:normal;font-size:14px;margin-left:12px;color:#555} small{color:#777}
        </style></head><body>
        <h1>\(escape(countyName)) 返乡人员排查管控汇总</h1>
        <p>日期 \(summary.date)，日报截止 \(summary.deadline)，页面生成于 \(escape(generatedAt))，每分钟自动刷新</p>
        <div class="kpi">应报村数<b>\(summary.villages_expected)</b></div><div class="kpi">已报<b>\(summary.reports_received)</b></div>
        <div class="kpi">按时<b>\(summary.on_time.count)</b></div><div class="kpi">迟报<b>\(summary.late.count)</b></div>
        <div class="kpi">未报<b style="color:#c00">\(summary.missing.count)</b></div>
        <h2>各村报送情况（按乡镇）</h2>\(townships)
        <h2>全县合计</h2><table>\(totals)</table>
        <h2>近 14 天</h2>\(chart(series))
        <h2>待核查线索（\(summary.open_leads.count)）</h2>\(leads)
        <h2>多村重复登记（\(summary.duplicates.count)）</h2>\(duplicates)
        <h2>当日删除的人员（\(summary.deletions.count)）</h2>\(deletions)
        </body></html>
        """
    }

    /// An SVG chart drawn by the server: bars for new arrivals, lines for people under each measure.
    static func chart(_ series: [DayTotals]) -> String {
        let width = 760.0, height = 260.0, left = 40.0, bottom = 40.0, top = 20.0, right = 150.0
        let plotW = width - left - right, plotH = height - top - bottom
        let lines: [(String, String, (ReportFigures) -> Int)] = [
            ("集中隔离", "#c00", { $0.under_central_quarantine }), ("居家隔离", "#e80", { $0.under_home_quarantine }),
            ("居家健康监测", "#07a", { $0.under_home_health_monitoring }), ("日常健康监测", "#090", { $0.under_health_monitoring }),
        ]
        let maxValue = max(1, series.map { f in max(f.figures.new_arrivals, lines.map { $0.2(f.figures) }.max() ?? 0) }.max() ?? 1)
        let step = plotW / Double(max(series.count, 1))
        func y(_ v: Int) -> Double { top + plotH - plotH * Double(v) / Double(maxValue) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"近14天新增和管控人数\">"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#fff\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#888\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + 4)\" font-size=\"11\" text-anchor=\"end\">\(maxValue)</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + plotH)\" font-size=\"11\" text-anchor=\"end\">0</text>"
        for (i, day) in series.enumerated() {
            let x = left + step * Double(i)
            let v = day.figures.new_arrivals
            svg += "<rect class=\"bar\" x=\"\(x + step * 0.2)\" y=\"\(y(v))\" width=\"\(step * 0.6)\" height=\"\(top + plotH - y(v))\" fill=\"#bbb\"><title>\(day.date) 新增 \(v)</title></rect>"
            let (_, m, d) = day.date.components
            svg += "<text x=\"\(x + step / 2)\" y=\"\(top + plotH + 16)\" font-size=\"10\" text-anchor=\"middle\">\(m)-\(d)</text>"
        }
        for (i, line) in lines.enumerated() {
            let points = series.enumerated().map { "\(left + step * (Double($0.offset) + 0.5)),\(y(line.2($0.element.figures)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.1)\" stroke-width=\"2\" points=\"\(points)\"/>"
            svg += "<rect x=\"\(left + plotW + 14)\" y=\"\(top + 20 * Double(i + 1) - 9)\" width=\"12\" height=\"4\" fill=\"\(line.1)\"/>"
            svg += "<text x=\"\(left + plotW + 30)\" y=\"\(top + 20 * Double(i + 1) - 3)\" font-size=\"12\">\(line.0)</text>"
        }
        svg += "<rect x=\"\(left + plotW + 14)\" y=\"\(top + 91)\" width=\"12\" height=\"10\" fill=\"#bbb\"/>"
        svg += "<text x=\"\(left + plotW + 30)\" y=\"\(top + 100)\" font-size=\"12\">当日新增</text>"
        return svg + "</svg>"
    }
}
