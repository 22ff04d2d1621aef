import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand {
    /// `sync-server merge --date D`: the county picture for a day.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "县级汇总：报送、迟报、未报、合计、重复登记 / County merge run.")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "日期（默认今天） / Date (default today).") var date: String?
        @Option(
            name: .customLong("format"),
            help:
                "输出格式 table|json|csv|xlsx|html（默认按 -o 的扩展名，否则 table；xlsx 须用 -o；html：打印用的汇总表，A4 一页） / Format (default: -o's extension, else table; xlsx needs -o; html: the printable summary)."
        )
        var formatGiven: String?
        @Option(name: .shortAndLong, help: "写入文件（只有本人可读） / Write to this file (readable by you only).") var output:
            String?
        @Flag(help: "脱敏：姓名、身份证号部分隐去（上报市里、发到群里时用）；csv 默认脱敏 / Mask names and id numbers (csv: by default).")
        var mask = false
        @Flag(help: "csv 不脱敏（仅县内使用） / Do not mask the csv (county use only).") var noMask = false

        func validate() throws {
            if mask && noMask { throw ValidationError("--mask 与 --no-mask 只能选一个 / --mask or --no-mask, not both") }
            if formatGiven == "xlsx" && output == nil {
                throw ValidationError("--format xlsx 须用 -o 文件.xlsx / --format xlsx needs -o FILE.xlsx")
            }
        }

        func run() async throws {
            let format = try FileFormat.chosen(
                given: formatGiven, output: output, allowed: ["json", "csv", "xlsx", "html"], fallback: "table")
            try await options.run { db in
                let day = try date.map { try Validate.day($0, field: .date) } ?? db.clock.today
                if let problem = CountySummary.futureProblem(day, today: db.clock.today) {
                    throw RegistryError(nil, problem)  // the text names the option
                }
                // Contacts of recent positives seen by nobody yet get their leads first (idempotent).
                let raised = try await db.writing { try $0.raiseContactLeads() }
                let full = try await db.summary(on: day)
                // The CSV is what goes up to the city: masked unless the county keeps it (--no-mask).
                let summary = mask || (["csv", "xlsx"].contains(format) && !noMask) ? full.masked : full
                switch format {
                case "json":
                    try Terminal.json(summary)
                case "csv" where output != nil:
                    try PrivateFile.write(Data(summary.csv.utf8), to: output!, overwrite: true)
                case "csv":
                    Terminal.out(summary.csv, terminator: "")
                case "xlsx":
                    try PrivateFile.write(try summary.workbook(), to: output!, overwrite: true)
                case "html":
                    let html = SummaryDocument.html(
                        summary, countyName: try await db.settings().name,
                        generatedAt: db.clock.localText(db.clock.now()))
                    if let output {
                        try PrivateFile.write(Data(html.utf8), to: output, overwrite: true)
                    } else {
                        Terminal.out(html, terminator: "")
                    }
                case "table":
                    Terminal.out(MergeText.table(summary, county: try await db.settings().name))
                    if raised > 0 { Terminal.out("已向相关村下发密接核查任务 \(raised) 条（当日截止）") }
                default:
                    throw RegistryError.notOneOf(.format, format, ["table", "json", "csv", "xlsx", "html"])
                }
            }
        }
    }
}

enum MergeText {
    static func table(_ s: CountySummary, county: String) -> String {
        var out = [
            "\(county) 汇总 \(s.date)（截止 \(s.deadline)）",
            "应报 \(s.villages_expected)  已报 \(s.reports_received)  按时 \(s.on_time.count)  迟报 \(s.late.count)  未报 \(s.missing.count)",
            "",
        ]
        let names = Dictionary(s.villages.map { ($0.village, $0.name) }, uniquingKeysWith: { a, _ in a })
        // A city or a province: its regions (cities, then counties) instead of every township of every county.
        for r in s.regions {
            out.append(
                "\(r.level == "city" ? "" : "  ")\(r.name)（\(r.code)）：应报 \(r.villages_expected)，按时 \(r.on_time)，迟报 \(r.late)，未报 \(r.missing.count)"
                    + "，逾期核查 \(r.overdue_leads)，跨县重复 \(r.duplicates)"
                    + (r.villages_expected == 0 ? "（尚无数据：未接入或从未上报）" : ""))
            if r.level == "county" && !r.missing.isEmpty {
                out.append("    未报：" + r.missing.map { "\(names[$0] ?? "") \($0)" }.joined(separator: "，"))
            }
        }
        for t in s.townships where s.regions.isEmpty {
            out.append(
                "\(t.township_name)（\(t.township_code)）：应报 \(t.villages_expected)，按时 \(t.on_time.count)，迟报 \(t.late.count)，未报 \(t.missing.count)"
            )
            if !t.missing.isEmpty {
                out.append("  未报：" + t.missing.map { "\(names[$0] ?? "") \($0)" }.joined(separator: "，"))
            }
            if !t.late.isEmpty {
                out.append("  迟报：" + t.late.map { "\(names[$0] ?? "") \($0)" }.joined(separator: "，"))
            }
        }
        out.append("")
        out.append(
            TextTable(headers: ["项目", "合计"], rows: ReportFigures.rows.map { [$0.zh, String($0.value(s.totals))] })
                .aligned)
        out.append("")
        let duplicates = s.regions.isEmpty ? s.duplicates : s.duplicates.filter { $0.counties.count > 1 }
        out.append(s.regions.isEmpty ? "多村重复登记（\(duplicates.count)）" : "跨县重复登记（\(duplicates.count)）")
        for d in duplicates {
            out.append(
                "  \(d.id_number)："
                    + d.registrations.map { "\($0.name) \($0.village) \($0.registered_at)" }.joined(separator: "；"))
        }
        out.append("当日阳性及其密接（\(s.positives.count)）")
        for p in s.positives {
            out.append(
                "  \(p.name) \(p.id_number) \(p.village_name)（\(p.village)）\(p.sampled_on) 采样阳性，密接 \(p.contacts.count) 人"
            )
            for c in p.contacts {
                out.append(
                    "    \(c.relationText) \(c.name ?? "") \(c.id_number) "
                        + (c.villages.isEmpty ? "未在任何村登记" : c.villages.map { names[$0] ?? $0 }.joined(separator: "、"))
                        + "：" + c.statusText + (c.isMissed ? "  ⚠ 未落实" : ""))
            }
        }
        let overdue = s.open_leads.filter(\.overdue)
        let byLevel = RegionLevel.allCases.map { level in (level, overdue.filter { $0.sent_by == level.rawValue }.count)
        }.filter { $0.1 > 0 }
        out.append(
            "逾期未核查线索（\(overdue.count)）"
                + (byLevel.isEmpty ? "" : "：" + byLevel.map { "\($0.0.chinese)下发 \($0.1)" }.joined(separator: "，")))
        for l in overdue { out.append("  \(l.name) \(l.village) 截止 \(l.deadline)") }
        out.append("当日删除的人员（\(s.deletions.count)）")
        for d in s.deletions {
            out.append(
                "  \(d.name) \(d.id_number) \(d.village) \(d.deleted_at)\(d.by_county ? "（县删除）" : "")：\(d.reason ?? "未说明原因")"
            )
        }
        return out.joined(separator: "\n")
    }
}
