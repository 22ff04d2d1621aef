import Foundation
import RegistryCore

extension CountySummary {
    /// One row per village: status, revision, times and every figure; the CSV's and the workbook's (the CLI's merge
    /// and the dashboard's downloads).
    public var table: (headers: [String], rows: [[String]]) {
        let headers = ["日期", "乡镇代码", "乡镇", "村代码", "村名", "状态", "版本", "报送时间", "到达县里"] + ReportFigures.rows.map(\.zh)
        let label = ["on_time": "按时", "late": "迟报", "missing": "未报"]
        return (
            headers,
            villages.map { v in
                [
                    date, v.township_code, v.township_name, v.village, v.name, label[v.status] ?? v.status,
                    v.revision.map(String.init) ?? "",
                    v.submitted_at ?? "", v.received_at ?? "",
                ] + ReportFigures.rows.map { row in v.figures.map { String(row.value($0)) } ?? "" }
            }
        )
    }

    /// The table as CSV, UTF-8 with BOM and codes kept as text, so that Excel opens it right.
    public var csv: String {
        TextTable(headers: table.headers, rows: table.rows).csv(bom: true)
    }

    /// The table as an .xlsx workbook.
    public func workbook() throws -> Data {
        try XLSXWriter.data(XLSXSheet(name: "汇总 \(date)", header: table.headers, rows: table.rows))
    }
}
