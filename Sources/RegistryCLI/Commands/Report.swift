import ArgumentParser
import Foundation
import RegistryCore

/// What `report` writes: the screen's table, JSON, CSV, or the printable 日报表 (HTML, one A4 page).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, html
}

extension RegistryCommand {
    /// `registry report`: the daily report (日报告、零报告) — show, submit, history.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "日报告 / Daily report.", subcommands: [ShowReport.self, Submit.self, History.self],
            defaultSubcommand: ShowReport.self)

        struct ShowReport: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "查看某日日报 / Show the report for a day.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var date: DateOption
            @Option(help: "输出格式 table|json|csv|html（html：打印用的日报表，A4 一页） / Format (html: the printable form).")
            var format: ReportFormat = .table
            @Option(name: .shortAndLong, help: "写入文件 / Write to this file.") var output: String?
            @Flag(
                help: "脱敏：填报人姓名部分隐去（日报不含其他个人信息） / Mask the reporter's name (the report holds no other personal data).")
            var mask = false

            func run() throws {
                try global.run { registry in
                    var view = try registry.report(on: try date.day(registry))
                    if mask, var submitted = view.submitted {
                        submitted.reporter = Mask.name(submitted.reporter)
                        view.submitted = submitted
                    }
                    let text: String
                    switch format {
                    case .table: text = view.text(global.lang) + "\n"
                    case .json: text = JSONText.encode(view.json) + "\n"
                    case .csv: text = ReportCSV.table([view.json], lang: global.lang).csv()
                    case .html: text = view.html(generatedAt: registry.clock.localText(registry.clock.now()))
                    }
                    if let output {
                        try PrivateFile.write(Data(text.utf8), to: output, overwrite: true)
                    } else {
                        Console.out(text, terminator: "")
                    }
                    if view.isStale && format != .table {
                        Console.error(
                            global.lang == .zh
                                ? "注意：登记库在报送后有变化，数字与已报送的不同" : "Note: the registry changed since submission")
                    }
                }
            }
        }

        struct Submit: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "报送日报（无情况也须报送零报告） / Submit the report.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var date: DateOption
            @Option(help: "填报人（记住，下次可省略） / Reporter (remembered).") var reporter: String?
            @Option(help: "备注 / Remarks.") var remarks: String?

            func run() throws {
                try global.run { registry in
                    let report = try registry.submitReport(
                        on: try date.day(registry), reporter: reporter, remarks: remarks)
                    let zero = report.isZeroReport ? (global.lang == .zh ? "（零报告）" : " (zero report)") : ""
                    Console.out(
                        global.lang == .zh
                            ? "已报送 \(report.date) 日报第 \(report.revision) 版\(zero)，填报人 \(report.reporter)，时间 \(ReadableTime.minute(report.submittedAt))"
                            : "Submitted the report for \(report.date), revision \(report.revision)\(zero), by \(report.reporter) at \(ReadableTime.minute(report.submittedAt))"
                    )
                }
            }
        }

        struct History: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "日报报送情况 / Which days were submitted, late or missing.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "起始日期（默认 13 天前） / From.") var from: String?
            @Option(help: "结束日期（默认今天） / To.") var to: String?
            @Option(help: "输出格式 table|json|csv.") var format: OutputFormat = .table

            func run() throws {
                try global.run { registry in
                    let end = try Validate.optionalDay(to, field: .date) ?? registry.clock.today
                    let start = try Validate.optionalDay(from, field: .date) ?? end.adding(days: -13)
                    let days = try registry.reportHistory(from: start, to: end)
                    if format == .json { return Console.out(JSONText.encode(days)) }
                    let zh = global.lang == .zh
                    let label: [ReportDay.Status: String] =
                        zh
                        ? [.onTime: "按时", .late: "迟报", .missing: "⚠ 未报"]
                        : [.onTime: "on time", .late: "late", .missing: "⚠ missing"]
                    let table = TextTable(
                        headers: zh
                            ? ["日期", "状态", "版本", "报送时间", "零报告"]
                            : format == .table
                                ? ["Date", "Status", "Revision", "Submitted", "Zero report"]
                                : ["date", "status", "revision", "submitted_at", "zero"],
                        rows: days.map {
                            [
                                $0.date, label[$0.status]!, $0.revision.map(String.init) ?? "",
                                // CSV keeps the stored ISO time for a program; the table is read by people.
                                $0.submitted_at.map { format == .csv ? $0 : ReadableTime.minute($0) } ?? "",
                                $0.is_zero_report.map { $0 ? (zh ? "是" : "yes") : "" } ?? "",
                            ]
                        })
                    if format == .csv { return Console.out(table.csv(), terminator: "") }
                    Console.out(table.aligned)
                    let missing = days.filter { $0.status == .missing }.count
                    if missing > 0 {
                        Console.out(
                            zh
                                ? "共 \(missing) 天未报，请尽快补报（registry report submit --date 日期）。"
                                : "\(missing) day(s) missing; submit them with registry report submit --date D.")
                    }
                }
            }
        }
    }
}

/// Reports as CSV rows: one row per report, the fixed JSON names (English) or the paper labels (Chinese).
enum ReportCSV {
    static func table(_ reports: [ReportView.JSON], lang: Language) -> TextTable {
        let zh = lang == .zh
        let headers =
            (zh
                ? ["村（社区）代码", "日期", "版本", "报送时间", "零报告"]
                : ["village", "date", "revision", "submitted_at", "is_zero_report"])
            + ReportFigures.rows.map { zh ? $0.zh : $0.key }
        return TextTable(
            headers: headers,
            rows: reports.map { r in
                [
                    r.village, r.date, r.revision.map(String.init) ?? "", r.submitted_at ?? "",
                    r.is_zero_report ? "1" : "0",
                ]
                    + ReportFigures.rows.map { String($0.value(r.figures)) }
            })
    }
}
