extension ReportView {
    /// The report as the paper 日报表 a township expects: title, village, date, each figure with its label,
    /// the new arrivals by category, the reporter and submission time, and a warning when the registry has
    /// changed since it was submitted.
    public func text(_ lang: Language) -> String {
        let zh = lang == .zh
        let figures = submittedFigures ?? current
        var lines = [zh ? "\(villageName) 返乡人员排查管控日报表" : "Daily report of \(villageName)"]
        lines.append((zh ? "村（社区）代码：" : "Village: ") + village + (zh ? "    日期：" : "    Date: ") + "\(date)")
        if let submitted {
            lines.append(
                zh
                    ? "已报送第 \(submitted.revision) 版  填报人：\(submitted.reporter)  报送时间：\(submitted.submittedAt)"
                    : "Submitted revision \(submitted.revision) by \(submitted.reporter) at \(submitted.submittedAt)")
        } else {
            lines.append(
                zh
                    ? "尚未报送（以下为当前数据，报送：registry report submit）"
                    : "Not submitted yet (current figures; submit with: registry report submit)")
        }
        lines.append("")
        let table = TextTable(
            headers: zh ? ["项目", "人数"] : ["Figure", "Count"],
            rows: ReportFigures.rows.map {
                [zh ? $0.zh : ReportFigures.english[$0.key] ?? $0.key, String($0.value(figures))]
            })
        lines.append(table.aligned)
        if !figures.new_by_category.isEmpty {
            let parts = Category.allCases.compactMap { c in
                figures.new_by_category[c.rawValue].map { "\(c.label(lang)) \($0)" }
            }
            lines.append((zh ? "新增人员类别：" : "New by category: ") + parts.joined(separator: (zh ? "，" : ", ")))
        }
        lines.append("")
        lines.append(
            figures.isZeroReport
                ? (zh
                    ? "本日为零报告（无新增、无阳性、无发热），仍须按时报送。"
                    : "Zero report (nothing new, no positive, no fever); it must still be submitted.")
                : (zh ? "本日有情况，请核实后报送。" : "There is something to report today."))
        if let remarks = submitted?.remarks, !remarks.isEmpty { lines.append((zh ? "备注：" : "Remarks: ") + remarks) }
        if isStale {
            lines.append(
                zh
                    ? "⚠ 登记库在报送后有变化，当前数字与已报送的不同；如需更正请重新报送（生成第 \((submitted?.revision ?? 0) + 1) 版）。"
                    : "⚠ The registry changed since submission; the figures would now differ. Submit again to correct (revision \((submitted?.revision ?? 0) + 1))."
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The report's JSON: the fixed field names plus `village`, `date`, `revision`, `submitted_at`.
    public var json: JSON {
        let f = submittedFigures ?? current
        return JSON(
            village: village, date: "\(date)", revision: submitted?.revision, submitted_at: submitted?.submittedAt,
            reporter: submitted?.reporter, remarks: submitted?.remarks, is_zero_report: f.isZeroReport,
            stale: isStale, figures: f)
    }

    /// The JSON shape of a report (figures flattened in).
    public struct JSON: Encodable, Sendable {
        public var village: String, date: String, revision: Int?, submitted_at: String?, reporter: String?,
            remarks: String?
        public var is_zero_report: Bool
        public var stale: Bool
        public var figures: ReportFigures

        enum CodingKeys: String, CodingKey {
            case village, date, revision, submitted_at, reporter, remarks, is_zero_report, stale
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(village, forKey: .village)
            try container.encode(date, forKey: .date)
            try container.encode(revision, forKey: .revision)
            try container.encode(submitted_at, forKey: .submitted_at)
            try container.encode(reporter, forKey: .reporter)
            try container.encode(remarks, forKey: .remarks)
            try container.encode(is_zero_report, forKey: .is_zero_report)
            try container.encode(stale, forKey: .stale)
            try figures.encode(to: encoder)
        }
    }
}
