import Foundation
import Mustache
import RegistryCore

/// `/dashboard/village/<code>`: one village on one day for the county officer (Templates/village.mustache): its
/// report with every figure, who submitted it and when it arrived; the persons under a measure with their tests due
/// or overdue; those flagged that day; its leads; the day's deletions with their reasons; the clerk to phone.
public enum VillagePage {
    static let template: MustacheTemplate = {
        try! PageTemplate.parse(PackageResources.village_mustache)
    }()

    /// What the page is made from; persons already masked unless `privacy.full`.
    public struct Input: Sendable {
        public var detail: VillageDetail
        public var line: CountySummary.VillageLine?
        public var deletions: [CountySummary.Deletion]
        public var actions: DashboardActions
        public var contact: String?
        public var countyName: String
        public var day: Day
        public var today: Day
        public var deadline: Date
        public var generatedAt: String
        public var privacy: DashboardPage.Privacy
    }

    struct Figure { let label, value: String }
    struct Person {
        let anchor, name, idNumber, phone, category, measure, span, testsDue, testsOverdue: String
        let overdue, flagged: Bool
    }
    /// `id` is the row's own anchor (the dashboard links to it); `anchor` the person's row below, when under a measure.
    struct Flagged {
        let id, anchor, name, idNumber, what: String
        let positive, underMeasure: Bool
    }
    struct Lead { let name, idNumber, deadline, status, css: String }
    struct Deletion {
        let name, idNumber, at, reason: String
        let byCounty: Bool
    }
    struct View {
        let countyName, name, code, township, date, generatedAt, backHref, prevHref, nextHref: String
        let hasNext: Bool
        let privacy: DashboardPage.Privacy
        let contact: String?
        let status, css: String
        let lateness: String?
        let hasReport: Bool
        let revision, reporter, remarks, submittedAt, firstSubmittedAt, receivedAt: String
        let zero: Bool
        let figures: [Figure]
        let persons: [Person], personCount: Int, hasPersons: Bool
        let flagged: [Flagged], hasFlagged: Bool
        let leads: [Lead], hasLeads: Bool
        let deletions: [Deletion], hasDeletions: Bool
    }

    public static func html(_ input: Input) -> String {
        let d = input.detail
        let keep = input.privacy.keep
        let report = d.report
        let status = ["on_time": ("按时", "ok"), "late": ("迟报", "late"), "missing": ("未报", "missing")]
        let (label, css) = input.line.map { status[$0.status] ?? ($0.status, "") } ?? ("未报", "missing")
        let figures = report.flatMap { try? JSONDecoder().decode(ReportFigures.self, from: Data($0.figures.utf8)) }
        let labels = DashboardActions.leadLabels
        let flaggedIDs = Set(input.actions.flagged.map(\.personId))
        let view = View(
            countyName: input.countyName, name: d.name, code: d.code, township: d.townshipName, date: "\(input.day)",
            generatedAt: input.generatedAt, backHref: "/dashboard?date=\(input.day)\(keep)",
            prevHref: "/dashboard/village/\(d.code)?date=\(input.day.adding(days: -1))\(keep)",
            nextHref: "/dashboard/village/\(d.code)?date=\(input.day.adding(days: 1))\(keep)",
            hasNext: input.day < input.today,
            privacy: input.privacy, contact: input.contact, status: label, css: css,
            lateness: input.line.map { DashboardPage.lateness($0, deadline: input.deadline) }?.nonEmpty,
            hasReport: report != nil, revision: report.map { "第 \($0.revision) 版" } ?? "",
            reporter: report?.reporter ?? "", remarks: report?.remarks ?? "",
            submittedAt: report.map { ReadableTime.short($0.submittedAt) } ?? "",
            firstSubmittedAt: report.map { ReadableTime.short($0.firstSubmittedAt) } ?? "",
            receivedAt: input.line?.received_at.map(ReadableTime.short) ?? "", zero: report?.isZeroReport == true,
            figures: figures.map { f in ReportFigures.rows.map { Figure(label: $0.zh, value: "\($0.value(f))") } }
                ?? [],
            persons: d.under.map { u in
                Person(
                    anchor: "person-\(u.personId)", name: u.name, idNumber: u.idNumber, phone: u.phone,
                    category: u.category,
                    measure: u.measure, span: u.span,
                    testsDue: u.testsDue.map(ReadableTime.short).joined(separator: "、"),
                    testsOverdue: u.testsOverdue.map(ReadableTime.short).joined(separator: "、"),
                    overdue: !u.testsOverdue.isEmpty,
                    flagged: flaggedIDs.contains(u.personId))
            },
            personCount: d.under.count, hasPersons: !d.under.isEmpty,
            flagged: input.actions.flagged.map { f in
                Flagged(
                    id: "flag-\(f.personId)", anchor: "person-\(f.personId)", name: f.name, idNumber: f.idNumber,
                    what: f.what,
                    positive: f.positive, underMeasure: d.under.contains { $0.personId == f.personId })
            },
            hasFlagged: !input.actions.flagged.isEmpty,
            leads: input.actions.leads.filter { $0.outcomeOn == nil || $0.outcomeOn == input.day }.map { l in
                Lead(
                    name: l.name, idNumber: l.idNumber, deadline: ReadableTime.short(l.deadline),
                    status: labels[l.status] ?? l.status,
                    css: l.status == "overdue" ? "missing" : "")
            },
            hasLeads: input.actions.leads.contains { $0.outcomeOn == nil || $0.outcomeOn == input.day },
            deletions: input.deletions.map {
                Deletion(
                    name: $0.name, idNumber: $0.id_number, at: ReadableTime.short($0.deleted_at),
                    reason: $0.reason ?? "未说明原因", byCounty: $0.by_county)
            },
            hasDeletions: !input.deletions.isEmpty)
        return template.render(view)
    }
}
