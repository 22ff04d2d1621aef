import Mustache

extension ReportView {
    static let template: MustacheTemplate = {
        // Compiled into the binary; a template that does not parse is a build defect every test shows.
        try! PageTemplate.parse(PackageResources.daily_report_mustache)
    }()

    struct Figure {
        let label: String
        let value: Int
    }
    struct HTMLView {
        let villageName, village, date, revisionLine, categories, remarks, zeroLine, reporter, submittedAt,
            generatedAt: String
        let figures: [Figure]
        let stale: Bool
    }

    /// The report as the printed 日报表 (one A4 page): every figure, the new arrivals by category, remarks, the
    /// 填报人 and 审核人 lines, the revision and submission time; the submitted figures when there are some.
    public func html(generatedAt: String) -> String {
        let figures = submittedFigures ?? current
        let view = HTMLView(
            villageName: villageName, village: village, date: "\(date)",
            revisionLine: submitted.map { "第 \($0.revision) 版" } ?? "未报送（当前数字）",
            categories: Category.allCases.compactMap { c in
                figures.new_by_category[c.rawValue].map { "\(c.label(.zh)) \($0)" }
            }
            .joined(separator: "，").nonEmpty ?? "无",
            remarks: submitted?.remarks ?? "", zeroLine: figures.isZeroReport ? "本日为零报告（无新增、无阳性、无发热）。" : "本日有情况，详见上表。",
            reporter: submitted?.reporter ?? "",
            submittedAt: submitted.map { ReadableTime.minute($0.submittedAt) } ?? "", generatedAt: generatedAt,
            figures: ReportFigures.rows.map { Figure(label: $0.zh, value: $0.value(figures)) }, stale: isStale)
        return Self.template.render(view)
    }
}
