import Foundation
import Hummingbird
import RegistryCore

/// `/today` (also `/`): 今日工作, the day's work list, declarations to verify and whether the report was sent.
struct TodayController: Sendable {
    let app: WebApp

    struct Group: Sendable {
        let key, title: String
        let count: Int
        let items: [Item]
        let empty: Bool
        let more: Int?
        /// Whether each row carries a temperature field (the checks not yet taken): a clerk going door to door
        /// records them from this list without opening each person.
        let quickCheck: Bool

        init(key: String, title: String, count: Int, items: [Item]) {
            (self.key, self.title, self.count, self.items) = (key, title, count, items)
            quickCheck = key == "checks_missing"
            empty = items.isEmpty
            more = count > items.count ? count - items.count : nil
        }
    }
    struct Item: Sendable { let name, idNumber, phone, address, detail: String }
    struct Lead: Sendable {
        let id, name, idNumber, phone, fromName, arrivedOn, deadline, reason, address: String
        let overdue: Bool
        let registered: String?
        /// A declaration from a place that is a risk area now (风险区): the clerk knows before the returnee comes.
        let fromRisk: String?
        /// Another declaration of the same id number said otherwise: check by phone before registering.
        let secondDeclaration: String?
    }
    struct View: Sendable {
        /// Shown first, above the declarations: persons a late risk area put under a plan (新增风险人员).
        let urgent: [Group]
        let groups: [Group]
        let declarations: [Lead], leads: [Lead]
        let reportSent: Bool
        let reportLine: String
        let declarationCount: Int, hasDeclarations: Bool, leadCount: Int, hasLeads: Bool
        /// Sweeps first of all: the county's orders not yet started, and the open round's progress.
        var sweepLines: [String] = []

        init(
            urgent: [Group], groups: [Group], declarations: [Lead], leads: [Lead], reportSent: Bool, reportLine: String
        ) {
            self.urgent = urgent
            (self.groups, self.declarations, self.leads, self.reportSent, self.reportLine) = (
                groups, declarations, leads, reportSent, reportLine
            )
            (declarationCount, hasDeclarations) = (declarations.count, !declarations.isEmpty)
            (leadCount, hasLeads) = (leads.count, !leads.isEmpty)
        }
    }

    func add(to router: Router<WebContext>) {
        router.get("/") { _, _ in Pages.redirect("/today") }
        router.get("/today") { request, context in
            let today = app.registry.clock.today
            let list = try app.registry.workList(on: today, limit: 100)
            let report = try app.registry.report(on: today)
            return app.pages.render(
                "today", title: "今日工作", active: "/today", content: view(list, report: report), app: app,
                context: context, request: request)
        }
    }

    func view(_ list: WorkList, report: ReportView) -> View {
        func group(_ key: String, _ title: String, _ items: [WorkList.Item], _ detail: (WorkList.Item) -> String)
            -> Group
        {
            Group(
                key: key, title: title, count: list.counts[key] ?? items.count,
                items: items.map {
                    Item(
                        name: $0.name, idNumber: $0.id_number, phone: $0.phone ?? "", address: $0.address ?? "",
                        detail: detail($0))
                })
        }
        let reclassified = Group(
            key: "reclassified", title: "新增风险人员（风险区公布晚于到达）", count: list.counts["reclassified"] ?? 0,
            items: list.reclassified.map { r in
                let from = Category(rawValue: r.from_category)?.chinese ?? r.from_category
                let to = Category(rawValue: r.to_category)?.chinese ?? r.to_category
                return Item(
                    name: r.name, idNumber: r.id_number, phone: "", address: "",
                    detail: "\(r.area)：\(from) → \(to)，\(r.learned_on) 获知；"
                        + (r.period_over ? "风险期已过，无需补做" : "请补做管控，今日采样"))
            })
        let fevers = group("fevers", "⚠ 发热/症状待处置（请立即报告村医，安排核酸检测）", list.fevers) {
            "\($0.reason ?? "")，\(ReadableTime.short($0.on ?? ""))"
        }
        let groups = [
            group("new_contacts", "新增密接", list.new_contacts) { "\($0.reason ?? "")，\($0.on ?? "") 判定，今日采样" },
            group("to_assess", "红码待研判", list.to_assess) {
                $0.reason.map { "\($0)，已找到，未经县核实，请研判" } ?? "\($0.on ?? "") 到达，旅居史未判定管控，请研判"
            },
            group("checks_missing", "今日体温未测满两次", list.checks_missing) {
                "已测 \($0.checks_taken ?? 0)/2 " + ($0.measure.flatMap(MeasureKind.init(rawValue:))?.label(.zh) ?? "")
            },
            group("tests_due", "今日应检核酸", list.tests_due) { _ in "今日采样" },
            group("tests_overdue", "逾期未检核酸", list.tests_overdue) { "应于 \($0.on ?? "") 采样" },
            group("measures_ending", "今日管控期满", list.measures_ending) { _ in "可办理解除" },
            group("ended_not_released", "期满待解除", list.ended_not_released) { "已于 \($0.on ?? "") 期满，请解除或延长" },
            group("may_release", "风险区已解除，可研判解除", list.may_release) {
                "按现有风险区为\($0.reason.flatMap(Category.init(rawValue:))?.chinese ?? "")，由村里研判是否解除"
            },
        ]
        func lead(_ l: WorkList.LeadItem) -> Lead {
            Lead(
                id: l.lead_id, name: l.name, idNumber: l.id_number ?? "", phone: l.phone ?? "",
                fromName: l.from_name ?? "",
                arrivedOn: l.arrived_on ?? "", deadline: l.deadline, reason: l.reason ?? "", address: l.address ?? "",
                overdue: l.overdue, registered: l.registered_person_id.map { _ in l.id_number ?? "" },
                fromRisk: l.from_risk_area, secondDeclaration: l.second_declaration)
        }
        let declared = list.leads.filter { $0.source == LeadSource.selfReport.rawValue }
        let sent = report.submitted != nil
        var view = View(
            urgent: [fevers, reclassified], groups: groups, declarations: declared.map(lead),
            leads: list.leads.filter { $0.source != LeadSource.selfReport.rawValue }.map(lead), reportSent: sent,
            reportLine: report.submitted.map {
                "今日日报已报送（第 \($0.revision) 版，\($0.submittedAt)）" + (report.isStale ? "，但登记库已有变化，请重新报送" : "")
            }
                ?? "今日日报尚未报送（没有情况也要零报告）")
        view.sweepLines =
            (list.sweep?.orders ?? []).map { "⚠ 县里要求入户排查：\($0.reason)，\($0.due_at) 前完成" }
            + (list.sweep?.round.map {
                ["入户排查 \($0.reason)：已排查 \($0.households_visited)/\($0.households_total) 户，还有 \($0.households_open) 户"]
            } ?? [])
        return view
    }
}
