import Foundation
import Hummingbird
import RegistryCore

/// `/report`: 日报, today's figures as the registry has them, the submitted revision (and whether the registry has
/// changed since), the submit form (a zero report too), and the last 14 days.
struct ReportController: Sendable {
    let app: WebApp

    struct Figure: Sendable {
        let key, label: String
        let value: Int
    }
    struct Day14: Sendable {
        let date, status, revision, submittedAt: String
        let missing: Bool
    }
    struct View: Sendable {
        let date, statusLine: String
        let submitted, stale, zero: Bool
        let figures: [Figure]
        let categories: String
        let fields: [FieldView]
        let formError: String?
        let history: [Day14]
    }

    func add(to router: Router<WebContext>) {
        router.get("/report") { request, context in try page(nil, request: request, context: context) }
        router.post("/report") { request, context in
            let form = try await PostedForm.read(request, context)
            let today = app.registry.clock.today
            switch app.attempt({
                try app.registry.submitReport(
                    on: today, reporter: form.optional("reporter"), remarks: form.optional("remarks"))
            }) {
            case .success: return Pages.redirect("/report", done: .submitted)
            case .failure(let error):
                return try page((form, error), request: request, context: context, status: .unprocessableContent)
            }
        }
    }

    func page(
        _ failed: (form: PostedForm, error: RegistryError)?, request: Request, context: WebContext,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let today = app.registry.clock.today
        let report = try app.registry.report(on: today)
        let figures = report.submittedFigures ?? report.current
        let reporter = try app.registry.reporter() ?? ""
        let (fields, orphan) = [
            FieldView(name: "reporter", label: "填报人", required: true, hint: "记住，下次自动填入"),
            FieldView(name: "remarks", label: "备注"),
        ].filled(
            failed?.form ?? PostedForm(fields: ["reporter": reporter, "remarks": report.submitted?.remarks ?? ""]),
            error: failed?.error)
        let statusNames: [ReportDay.Status: String] = [.onTime: "按时", .late: "迟报", .missing: "未报"]
        let view = View(
            date: "\(today)",
            statusLine: report.submitted.map {
                "已报送第 \($0.revision) 版，填报人 \($0.reporter)，时间 \(ReadableTime.short($0.submittedAt))"
                    + ($0.remarks.isEmpty ? "" : "；备注：\($0.remarks)")
            }
                ?? "尚未报送；没有情况也要报送零报告",
            submitted: report.submitted != nil, stale: report.isStale, zero: figures.isZeroReport,
            figures: ReportFigures.rows.map { Figure(key: $0.key, label: $0.zh, value: $0.value(figures)) },
            categories: Category.allCases.compactMap { c in
                figures.new_by_category[c.rawValue].map { "\(c.label(.zh)) \($0)" }
            }.joined(separator: "，"),
            fields: fields, formError: orphan,
            history: try app.registry.reportHistory(from: today.adding(days: -13), to: today).reversed().map {
                Day14(
                    date: $0.date, status: statusNames[$0.status] ?? $0.status.rawValue,
                    revision: $0.revision.map { "第 \($0) 版" } ?? "",
                    submittedAt: $0.submitted_at.map(ReadableTime.short) ?? "", missing: $0.status == .missing)
            })
        return app.pages.render(
            "report", title: "日报", active: "/report", content: view, app: app, context: context, request: request,
            status: status)
    }
}
