import Foundation
import Mustache
import RegistryCore

/// The county officer's page: an HTML document in Chinese that needs no script, font or file from outside
/// (county networks are often closed) and refreshes itself every minute. Rendered from `Templates/dashboard.mustache`,
/// which escapes every value: the page holds what villages pushed (names, reasons, id numbers), so no value may be
/// written into it by hand.
public enum DashboardPage {
    static let template: MustacheTemplate = {
        // The template ships inside the binary; a parse error in it is a build defect that every test would show.
        try! PageTemplate.parse(PackageResources.dashboard_mustache)
    }()

    /// Whether the page shows persons in full, and the link to switch (the same day, the other way).
    public struct Privacy: Sendable {
        let date: String
        let full: Bool
        let viewer: String?
        let switchQuery: String
        /// `&full=1` on the page's own links while in full, so that following one keeps the view.
        let keep: String
        /// The region drilled down to, for the date form.
        let region: String?

        /// `region`: the region drilled down to (a city's or a province's page), kept on the page's own links.
        public init(date: String, full: Bool, viewer: String, path: String = "/dashboard", region: String? = nil) {
            self.date = date
            self.full = full
            self.viewer = viewer.isEmpty ? nil : viewer
            let inRegion = region.map { "&region=\($0)" } ?? ""
            switchQuery = full ? "\(path)?date=\(date)\(inRegion)" : "\(path)?date=\(date)\(inRegion)&full=1"
            keep = (full ? "&full=1" : "") + inRegion
            self.region = region
        }
    }

    /// Everything the page is made from. `summary` and `actions` are already masked unless `privacy.full`.
    public struct Input: Sendable {
        public var summary: CountySummary
        public var actions: DashboardActions
        public var contacts: [String: String]
        public var countyName: String
        public var series: [DayTotals]
        public var day: Day
        public var today: Day
        /// The deadline as an instant, for 迟到 N 小时.
        public var deadline: Date
        public var generatedAt: String
        public var privacy: Privacy
        /// Today's page before the deadline: a village not yet reported is 待报 (to come), not 未报 in red.
        public var beforeDeadline = false
        /// Each village's 无疫村 status (a county's page).
        public var statuses: [DiseaseFree.Status] = []

        public init(
            summary: CountySummary, actions: DashboardActions, contacts: [String: String], countyName: String,
            series: [DayTotals],
            day: Day, today: Day, deadline: Date, generatedAt: String, privacy: Privacy
        ) {
            (self.summary, self.actions, self.contacts, self.countyName, self.series) = (
                summary, actions, contacts, countyName, series
            )
            (self.day, self.today, self.deadline, self.generatedAt, self.privacy) = (
                day, today, deadline, generatedAt, privacy
            )
        }
    }

    /// How many villages the officer's count lists show (the rest are counted, and in the township tables).
    static let listedVillages = 20

    /// The page.
    public static func html(_ input: Input) -> String {
        template.render(View(input))
    }

    /// How late a report came: from its first submission past the deadline; a report whose submission time the
    /// county did not believe (it arrived much later) is counted from its arrival.
    static func lateness(_ line: CountySummary.VillageLine, deadline: Date) -> String {
        guard line.status == "late" else { return "" }
        let submitted = (line.first_submitted_at ?? line.submitted_at).flatMap(StoredTime.date)
        let arrived = line.received_at.flatMap(StoredTime.date)
        let late = [submitted, arrived].compactMap { $0 }.filter { $0 > deadline }.min()
        guard let late else { return "迟报" }
        return ReadableTime.lateness(minutes: Int(late.timeIntervalSince(deadline) / 60))
    }

    /// What the template shows, as plain values (swift-mustache reads them by reflection: stored properties only).
    struct View {
        struct Township {
            let name, code: String
            let reported, expected: Int
            let villages: [Village]
        }
        struct Village {
            let name, code, href, css, label: String
            /// nil rather than empty: swift-mustache renders a section for any string, the empty one too.
            let lateness, revisionNote: String?
            let zero: Bool
            let revision, submittedAt, receivedAt, newArrivals, central, home, fevers, positives: String
            /// Tests overdue and measures ending that day: every village's count, where the lists above show the most.
            let overdue, ending: String
        }
        struct Total {
            let label: String
            let value: Int
        }
        struct Chase {
            let name, township, href, css, label, contact: String
            let lateness: String?
        }
        struct FlaggedRow {
            let name, idNumber, village, township, href, what: String
            let positive: Bool
        }
        struct CountRow {
            let village, township, href: String
            let count: Int
        }
        struct LeadCount {
            let label, css: String
            let count: Int
        }
        struct LeadRow {
            let name, idNumber, village, href, deadline, status, css: String
            /// Where the officer confirms a lead raised on one village's word (a form's action), when it is one.
            let confirmAction: String
            let confirmable: Bool
        }
        struct Duplicate { let idNumber, registrations: String }
        /// A region below a city or a province: a row of the page's first table, linking one level down.
        /// `silent`: nothing of the region has arrived (it has not linked, or never relayed): no villages known.
        struct RegionRow {
            let name, code, href, css: String
            let silent: Bool
            let expected, reported, onTime, late, missing, overdueLeads, duplicates: Int
        }
        struct Deletion {
            let name, village, reason: String
            let byCounty: Bool
        }
        struct Positive {
            let name, idNumber, village, sampledOn: String
            let contacts: [ContactRow]
            let contactCount: Int
        }
        struct ContactRow {
            let relation, name, idNumber, villages, status: String
            let missed: Bool
        }
        struct SeriesRow { let date, newArrivals, central, home, homeMonitoring, monitoring: String }

        let countyName, date, deadline, generatedAt: String
        let privacy: Privacy
        let prevHref, nextHref, todayHref, csvHref, xlsxHref: String
        let hasNext, isPast: Bool
        let villagesExpected, reportsReceived, onTime, late, missing: Int
        let chase: [Chase], hasChase: Bool, chaseCounties: Bool
        let flagged: [FlaggedRow], hasFlagged: Bool
        struct Unlanded { let name, idNumber, phone, lab, sampled, importedAt: String }
        let unlanded: [Unlanded], hasUnlanded: Bool
        struct ReclassifiedRow { let village, township, href: String; let count, unsampled: Int }
        let reclassified: [ReclassifiedRow], hasReclassified: Bool
        struct SweepRow { let village, township, href, order, due, coverage: String }
        let sweepsBehind: [SweepRow], hasSweepsBehind: Bool
        struct SweepTownship { let name, villages, households: String }
        struct SweepOrderRow { let reason, due, status: String; let townships: [SweepTownship] }
        let sweeps: [SweepOrderRow], hasSweeps: Bool
        struct QuietRow { let village, township, href, lastContact: String }
        let quiet: [QuietRow], hasQuiet: Bool, quietHours: Int
        struct StatusRow { let village, township, href, label, failing: String }
        let lostStatus: [StatusRow], hasLostStatus: Bool
        let statusRows: [StatusRow], hasStatusRows: Bool, statusCounts: String
        struct LateLeadRow { let village, township, href, name, stage, due, over: String }
        let lateLeads: [LateLeadRow], hasLateLeads: Bool
        struct ClockRow { let name: String; let stages: [String] }
        let clockRows: [ClockRow], hasClockRows: Bool, clockLimits: String
        let overdue: [CountRow], hasOverdue: Bool, overdueTotal: String, overdueNotListed: String?
        let ending: [CountRow], hasEnding: Bool, endingTotal: String, endingNotListed: String?
        let leadCounts: [LeadCount], leadRows: [LeadRow], hasLeadRows: Bool
        let pendingNotListed: Int, hasPendingNotListed: Bool, overdueLeadsNotListed: Int, hasOverdueLeadsNotListed: Bool
        let townships: [Township]
        let regions: [RegionRow], hasRegions: Bool
        /// Back to the top of a city's or a province's page, when drilled down.
        let upHref: String?
        let totalsTitle: String
        let totals: [Total]
        let chart: Chart
        let seriesRows: [SeriesRow]
        let duplicates: [Duplicate], hasDuplicates: Bool, duplicateCount: Int, duplicatesTitle: String
        let deletions: [Deletion], hasDeletions: Bool, deletionCount: Int
        let positives: [Positive], hasPositives: Bool, positiveCount: Int

        init(_ input: Input) {
            let summary = input.summary
            let privacy = input.privacy
            let keep = privacy.keep
            let status = [
                "on_time": ("按时", "ok"), "late": ("迟报", "late"),
                "missing": input.beforeDeadline ? ("待报", "pending") : ("未报", "missing"),
            ]
            let roster = Dictionary(summary.villages.map { ($0.village, $0) }, uniquingKeysWith: { a, _ in a })
            func name(_ code: String) -> String { roster[code]?.name ?? code }
            func township(_ code: String) -> String { roster[code]?.township_name ?? "" }
            // How late each village's report came, once: the list to chase and the township tables both show it.
            let lateness = Dictionary(
                summary.villages.map { ($0.village, DashboardPage.lateness($0, deadline: input.deadline).nonEmpty) },
                uniquingKeysWith: { a, _ in a })
            func villageHref(_ code: String) -> String { "/dashboard/village/\(code)?date=\(summary.date)\(keep)" }
            countyName = input.countyName
            date = summary.date
            deadline = summary.deadline
            generatedAt = input.generatedAt
            self.privacy = privacy
            prevHref = "/dashboard?date=\(input.day.adding(days: -1))\(keep)"
            nextHref = "/dashboard?date=\(input.day.adding(days: 1))\(keep)"
            todayHref = "/dashboard?date=\(input.today)\(keep)"
            hasNext = input.day < input.today
            isPast = input.day < input.today
            csvHref = "/dashboard/merge.csv?date=\(summary.date)\(keep)"
            xlsxHref = "/dashboard/merge.xlsx?date=\(summary.date)\(keep)"
            villagesExpected = summary.villages_expected
            reportsReceived = summary.reports_received
            onTime = summary.on_time.count
            late = summary.late.count
            missing = summary.missing.count
            // A city or a province chases its counties (the regions table); a county's page there lists its villages,
            // whose clerks' phones stay with the county (the roster's contacts are not relayed).
            let upper = !summary.regions.isEmpty || privacy.region != nil
            chaseCounties = !summary.regions.isEmpty
            chase =
                chaseCounties
                ? []
                : summary.villages.filter { $0.status != "on_time" }.sorted {
                    ($0.status == "missing" ? 0 : 1, $0.village) < ($1.status == "missing" ? 0 : 1, $1.village)
                }
                .map { v in
                    let (label, css) = status[v.status] ?? (v.status, "")
                    return Chase(
                        name: v.name, township: v.township_name, href: villageHref(v.village), css: css, label: label,
                        contact: input.contacts[v.village] ?? (upper ? "（由区县联系）" : "（名册未填）"),
                        lateness: lateness[v.village] ?? nil)
                }
            hasChase = !chase.isEmpty
            flagged = input.actions.flagged.map { f in
                FlaggedRow(
                    name: f.name, idNumber: f.idNumber, village: name(f.village), township: township(f.village),
                    href: villageHref(f.village) + "#flag-\(f.personId)", what: f.what, positive: f.positive)
            }
            hasFlagged = !flagged.isEmpty
            unlanded = input.actions.unlanded.map {
                Unlanded(
                    name: $0.name, idNumber: $0.idNumber, phone: $0.phone ?? "（无）", lab: $0.lab ?? "",
                    sampled: ReadableTime.short($0.sampledOn), importedAt: ReadableTime.minute($0.importedAt))
            }
            hasUnlanded = !unlanded.isEmpty
            reclassified = input.actions.reclassified.map {
                ReclassifiedRow(
                    village: name($0.village), township: township($0.village), href: villageHref($0.village),
                    count: $0.count, unsampled: $0.unsampled)
            }
            hasReclassified = !reclassified.isEmpty
            // From the merge run's coverage, which the page already has: no second pass over the sweeps.
            sweepsBehind = input.summary.sweeps.flatMap { order in
                order.villages.filter { order.behind.contains($0.village) }.map { (order, $0) }
            }.map { order, line in
                SweepRow(
                    village: name(line.village), township: township(line.village), href: villageHref(line.village),
                    order: order.reason, due: order.due_at,
                    coverage: line.households_total == 0
                        ? "无户籍台账" : "\(line.households_visited)/\(line.households_total) 户")
            }
            hasSweepsBehind = !sweepsBehind.isEmpty
            sweeps = input.summary.sweeps.map { order in
                let complete = order.villages.filter(\.complete).count
                return SweepOrderRow(
                    reason: order.reason, due: order.due_at,
                    status: "\(complete)/\(order.villages.count) 村完成" + (order.past_due ? "（已过时限）" : ""),
                    townships: order.townships.map {
                        SweepTownship(
                            name: $0.township_name.isEmpty ? $0.township_code : $0.township_name,
                            villages: "\($0.villages_complete)/\($0.villages)",
                            households: "\($0.households_visited)/\($0.households_total)")
                    })
            }
            hasSweeps = !sweeps.isEmpty
            quiet = input.summary.quiet.map {
                QuietRow(
                    village: $0.name, township: $0.township_name, href: villageHref($0.village),
                    lastContact: $0.last_contact.map { ReadableTime.minute($0) } ?? "从未联系")
            }
            hasQuiet = !quiet.isEmpty
            quietHours = input.summary.quiet_hours
            // 无疫村: those recorded that no longer meet the criteria under 需要处理 (to revoke, with why); the recorded,
            // the reviewed and the eligible listed below with their standing.
            func statusRow(_ s: DiseaseFree.Status) -> StatusRow {
                StatusRow(
                    village: s.name, township: s.township_name, href: villageHref(s.village), label: s.label,
                    failing: s.evidence.filter { !$0.holds }.map { "\($0.label)（\($0.detail)）" }.joined(separator: "；"))
            }
            lostStatus = input.statuses.filter { $0.status == "lost" }.map(statusRow)
            hasLostStatus = !lostStatus.isEmpty
            statusRows = input.statuses.filter { ["certified", "reviewed", "eligible", "lost"].contains($0.status) }
                .map(
                    statusRow)
            hasStatusRows = !input.statuses.isEmpty
            let tally = Dictionary(grouping: input.statuses, by: \.status).mapValues(\.count)
            statusCounts =
                "已认定 \(tally["certified"] ?? 0) 个，乡镇已审核待认定 \(tally["reviewed"] ?? 0) 个，已失去资格 \(tally["lost"] ?? 0) 个"
            let leadClocks = input.summary.lead_clocks
            let positiveClocks = input.summary.positive_clocks
            lateLeads = ((leadClocks?.overdue ?? []) + (positiveClocks?.overdue ?? [])).sorted {
                $0.hours_over > $1.hours_over
            }.prefix(DashboardPage.listedVillages).map {
                LateLeadRow(
                    village: $0.village_name, township: township($0.village), href: villageHref($0.village),
                    name: $0.name, stage: $0.stage.label, due: ReadableTime.minute($0.due_at),
                    over: "超时 \($0.hours_over) 小时")
            }
            hasLateLeads = !lateLeads.isEmpty
            // Each township's share on time per stage, done or due: "3/4 按时" (or "—" when nothing is due yet).
            func shares(_ stages: [StageClocks.StageCount]?, count: Int) -> [String] {
                guard let stages else { return Array(repeating: "—", count: count) }
                return stages.map {
                    let due = $0.on_time + $0.late + $0.overdue
                    return due == 0 ? "—" : "\($0.on_time)/\(due) 按时" + ($0.overdue > 0 ? "，\($0.overdue) 超时" : "")
                }
            }
            // Each township, then its villages with anything due (indented), then the county.
            func rows(_ lead: [StageClocks.Group], _ positive: [StageClocks.Group], indent: String) -> [String:
                ClockRow]
            {
                var rows: [String: ClockRow] = [:]
                for code in Set(lead.map(\.code) + positive.map(\.code)) {
                    let l = lead.first { $0.code == code }
                    let p = positive.first { $0.code == code }
                    rows[code] = ClockRow(
                        name: indent + (l?.name ?? p?.name ?? code),
                        stages: shares(l?.stages, count: 3) + shares(p?.stages, count: 2))
                }
                return rows
            }
            let townshipRows = rows(leadClocks?.townships ?? [], positiveClocks?.townships ?? [], indent: "")
            let villageRows = rows(leadClocks?.villages ?? [], positiveClocks?.villages ?? [], indent: "　· ")
            let codes = Set(townshipRows.keys)
            clockRows =
                codes.sorted().flatMap { code in
                    [townshipRows[code]!]
                        + villageRows.keys.filter { $0.hasPrefix(code) }.sorted().map { villageRows[$0]! }
                }
                + [
                    ClockRow(
                        name: "合计",
                        stages: shares(leadClocks?.stages, count: 3) + shares(positiveClocks?.stages, count: 2))
                ]
            hasClockRows = !codes.isEmpty
            let limits = (leadClocks?.limits ?? [:]).merging(positiveClocks?.limits ?? [:]) { a, _ in a }
            func hours(_ key: String) -> String { limits[key].map(String.init) ?? "—" }
            clockLimits =
                "协查时限自下发起：到村 \(hours("receive_hours")) 小时，核查结果回县 \(hours("found_hours")) 小时，找到的人落实管控 \(hours("measure_hours")) 小时；"
                + "阳性自县里收到结果起：升级管控 \(hours("escalate_hours")) 小时，已登记的密接全部管控 \(hours("contacts_hours")) 小时"
            // Villages with the most tests overdue (measures ending) first, up to 20: a list an officer can work down on
            // a phone. Every village's count is also in its row of the township tables.
            func countRows(_ counts: [DashboardActions.VillageCount]) -> (
                rows: [CountRow], total: String, notListed: String?
            ) {
                let rows = counts.prefix(DashboardPage.listedVillages).map {
                    CountRow(
                        village: name($0.village), township: township($0.village), href: villageHref($0.village),
                        count: $0.count)
                }
                let total = "共 \(counts.count) 个村 \(counts.reduce(0) { $0 + $1.count }) 人"
                let rest = counts.count - rows.count
                return (rows, total, rest > 0 ? "另有 \(rest) 个村未列出，各村人数见下方各乡镇表。" : nil)
            }
            (overdue, overdueTotal, overdueNotListed) = countRows(input.actions.testsOverdue)
            hasOverdue = !overdue.isEmpty
            (ending, endingTotal, endingNotListed) = countRows(input.actions.measuresEnding)
            hasEnding = !ending.isEmpty
            let overdueBy = Dictionary(input.actions.testsOverdue.map { ($0.village, $0.count) }, uniquingKeysWith: +)
            let endingBy = Dictionary(input.actions.measuresEnding.map { ($0.village, $0.count) }, uniquingKeysWith: +)
            let leads = input.actions.leads
            leadCounts = DashboardActions.leadStatuses.map { s in
                LeadCount(
                    label: s.label, css: s.key == "overdue" ? "missing" : "",
                    count: leads.filter { $0.status == s.key }.count)
            }
            // Listed: the open ones (overdue first) and those closed on the day; the rest are counted above.
            let labels = DashboardActions.leadLabels
            // Overdue ones up to 100, the longest overdue first, and pending ones not yet due up to 50; each village's
            // page lists all of its own.
            let pending = leads.filter { $0.status == "pending" }
            let overdueLeads = leads.filter { $0.status == "overdue" }
            pendingNotListed = max(0, pending.count - 50)
            hasPendingNotListed = pendingNotListed > 0
            overdueLeadsNotListed = max(0, overdueLeads.count - 100)
            hasOverdueLeadsNotListed = overdueLeadsNotListed > 0
            let listed: [DashboardActions.LeadLine] =
                Array(overdueLeads.prefix(100)) + Array(pending.prefix(50))
                + leads.filter { $0.outcomeOn == input.day || ($0.awaitsConfirmation && $0.status == "found") }
            leadRows = listed.map { l in
                let label: String = labels[l.status] ?? l.status
                return LeadRow(
                    name: l.name, idNumber: l.idNumber, village: name(l.village), href: villageHref(l.village),
                    deadline: ReadableTime.short(l.deadline), status: l.awaitsConfirmation ? label + "（待县核实）" : label,
                    css: l.status == "overdue" ? "missing" : "",
                    confirmAction: "/dashboard/leads/\(l.id)/confirm", confirmable: l.awaitsConfirmation)
            }
            hasLeadRows = !leadRows.isEmpty
            // A city or a province lists its regions first; their villages are one click down (thousands of them).
            regions = summary.regions.map { r in
                RegionRow(
                    name: r.name.isEmpty ? r.code : r.name, code: r.code,
                    href: "/dashboard?date=\(summary.date)&region=\(r.code)\(privacy.full ? "&full=1" : "")",
                    css: r.missing.isEmpty && r.villages_expected > 0 ? "ok" : "missing",
                    silent: r.villages_expected == 0, expected: r.villages_expected, reported: r.reports_received,
                    onTime: r.on_time, late: r.late, missing: r.missing.count, overdueLeads: r.overdue_leads,
                    duplicates: r.duplicates)
            }
            hasRegions = !regions.isEmpty
            totalsTitle = hasRegions || privacy.region != nil ? "合计" : "全县合计"
            upHref = privacy.region.map { _ in "/dashboard?date=\(summary.date)\(privacy.full ? "&full=1" : "")" }
            townships =
                hasRegions
                ? []
                : summary.townships.map { t in
                    let villages = summary.villages.filter { $0.township_code == t.township_code }.map { v in
                        let (label, css) = status[v.status] ?? (v.status, "")
                        let f = v.figures
                        func figure(_ value: (ReportFigures) -> Int) -> String { f.map { String(value($0)) } ?? "" }
                        let revised = (v.revision ?? 1) > 1
                        return Village(
                            name: v.name, code: v.village, href: villageHref(v.village), css: css, label: label,
                            lateness: lateness[v.village] ?? nil,
                            revisionNote: revised
                                ? "已修订，第 \(v.revision ?? 1) 版 \(v.submitted_at.map(ReadableTime.short) ?? "")" : nil,
                            zero: v.is_zero_report == true, revision: v.revision.map(String.init) ?? "",
                            submittedAt: (v.first_submitted_at ?? v.submitted_at).map(ReadableTime.short) ?? "",
                            receivedAt: v.received_at.map(ReadableTime.short) ?? "",
                            newArrivals: figure(\.new_arrivals), central: figure(\.under_central_quarantine),
                            home: figure(\.under_home_quarantine), fevers: figure(\.fevers),
                            positives: figure(\.positives),
                            overdue: overdueBy[v.village].map(String.init) ?? "",
                            ending: endingBy[v.village].map(String.init) ?? "")
                    }
                    return Township(
                        name: t.township_name, code: t.township_code, reported: t.on_time.count + t.late.count,
                        expected: t.villages_expected, villages: villages)
                }
            totals = ReportFigures.rows.map { Total(label: $0.zh, value: $0.value(summary.totals)) }
            chart = Chart(input.series)
            seriesRows = input.series.reversed().map { d in
                let f = d.figures
                return SeriesRow(
                    date: ReadableTime.short(d.date), newArrivals: "\(f.new_arrivals)",
                    central: "\(f.under_central_quarantine)",
                    home: "\(f.under_home_quarantine)", homeMonitoring: "\(f.under_home_health_monitoring)",
                    monitoring: "\(f.under_health_monitoring)")
            }
            // A city's or a province's top page lists the persons registered in two counties (what it alone sees); a
            // county's, and a county's page at a city, those registered in two villages.
            duplicatesTitle = hasRegions ? "跨县重复登记" : "多村重复登记"
            let crossCounty = hasRegions
            duplicates = summary.duplicates.filter { !crossCounty || $0.counties.count > 1 }.map { duplicate in
                Duplicate(
                    idNumber: duplicate.id_number,
                    registrations: duplicate.registrations.map {
                        "\($0.name) \(name($0.village))（\(township($0.village))）"
                    }.joined(separator: "；"))
            }
            (hasDuplicates, duplicateCount) = (!duplicates.isEmpty, duplicates.count)
            deletions = summary.deletions.map {
                Deletion(name: $0.name, village: name($0.village), reason: $0.reason ?? "未说明原因", byCounty: $0.by_county)
            }
            (hasDeletions, deletionCount) = (!deletions.isEmpty, deletions.count)
            positives = summary.positives.map { p in
                Positive(
                    name: p.name, idNumber: p.id_number, village: p.village_name.isEmpty ? p.village : p.village_name,
                    sampledOn: p.sampled_on,
                    contacts: p.contacts.map { c in
                        ContactRow(
                            relation: c.relationText, name: c.name ?? "", idNumber: c.id_number,
                            villages: c.villages.isEmpty ? "未登记" : c.villages.map(name).joined(separator: "、"),
                            status: c.statusText, missed: c.isMissed)
                    }, contactCount: p.contacts.count)
            }
            (hasPositives, positiveCount) = (!positives.isEmpty, positives.count)
        }
    }

    /// The 14-day chart's geometry: bars for new arrivals, lines for people under each measure, and an axis with
    /// round ticks. Numbers only; the template draws it.
    struct Chart {
        struct Tick { let x1, x2, y, labelX, textY, label: String }
        struct Bar { let x, y, w, h, title, labelX, labelY, label: String }
        struct Line { let color, points, label, legendX, legendY, legendTextX, legendTextY: String }

        let width = "760", height = "260", left: String, right: String, axisY: String
        let ticks: [Tick], bars: [Bar], lines: [Line]
        let legendX: String, legendTextX: String, barLegendY: String, barLegendTextY: String

        init(_ series: [DayTotals]) {
            let width = 760.0
            let height = 260.0
            let left = 48.0
            let bottom = 40.0
            let top = 20.0
            let right = 150.0
            let plotW = width - left - right
            let plotH = height - top - bottom
            let measures: [(String, String, (ReportFigures) -> Int)] = [
                ("集中隔离", "#c00", { $0.under_central_quarantine }), ("居家隔离", "#e80", { $0.under_home_quarantine }),
                ("居家健康监测", "#07a", { $0.under_home_health_monitoring }),
                ("日常健康监测", "#090", { $0.under_health_monitoring }),
            ]
            // In Doubles: a figure stored before the county bounded them may be near Int.max.
            let highest = Double(
                series.map { day in max(day.figures.new_arrivals, measures.map { $0.2(day.figures) }.max() ?? 0) }.max()
                    ?? 0)
            let step = Chart.niceStep(for: highest)
            // the axis ends on a round number above the data
            let axisTop = max(step, (highest / step).rounded(.up) * step)
            let dx = plotW / Double(max(series.count, 1))
            func y(_ v: Int) -> Double { y(Double(v)) }
            func y(_ v: Double) -> Double { top + plotH - plotH * min(max(v, 0), axisTop) / axisTop }
            func n(_ d: Double) -> String { String(format: "%.1f", d) }
            self.left = n(left)
            self.right = n(left + plotW)
            axisY = n(top + plotH)
            ticks = stride(from: 0.0, through: axisTop, by: step).map {
                Tick(
                    x1: n(left), x2: n(left + plotW), y: n(y($0)), labelX: n(left - 6), textY: n(y($0) + 4),
                    label: $0 < 1e15 ? String(Int($0)) : String(format: "%.2g", $0))
            }
            bars = series.enumerated().map { i, day in
                let x = left + dx * Double(i)
                let v = day.figures.new_arrivals
                let (_, m, d) = day.date.components
                return Bar(
                    x: n(x + dx * 0.2), y: n(y(v)), w: n(dx * 0.6), h: n(top + plotH - y(v)),
                    title: "\(day.date) 新增 \(v)",
                    labelX: n(x + dx / 2), labelY: n(top + plotH + 16), label: "\(m)-\(d)")
            }
            legendX = n(left + plotW + 14)
            legendTextX = n(left + plotW + 30)
            lines = measures.enumerated().map { i, line in
                let points = series.enumerated().map {
                    "\(n(left + dx * (Double($0.offset) + 0.5))),\(n(y(line.2($0.element.figures))))"
                }
                return Line(
                    color: line.1, points: points.joined(separator: " "), label: line.0, legendX: n(left + plotW + 14),
                    legendY: n(top + 20 * Double(i + 1) - 9), legendTextX: n(left + plotW + 30),
                    legendTextY: n(top + 20 * Double(i + 1) - 3))
            }
            barLegendY = n(top + 91)
            barLegendTextY = n(top + 100)
        }

        /// A round step (1, 2 or 5 times a power of ten) that puts at most five ticks above zero on an axis up to
        /// `highest`: 0, 2, 4, 6 rather than 0 and 5.
        static func niceStep(for highest: Double) -> Double {
            guard highest > 5 else { return 1 }
            let magnitude = pow(10, (log10(highest / 5)).rounded(.down))
            return [1.0, 2, 5, 10].map { $0 * magnitude }.first { highest / $0 <= 5 } ?? 10 * magnitude
        }
    }
}

// The rows the page repeats hundreds of times (a village per row) answer their fields by name: swift-mustache then
// skips reflecting the row for every field it writes, which made the template most of a 500-village page's time.
// A field that is absent (nil) answers `false`, not nil: on nil swift-mustache looks the name up in the enclosing
// values, up to the page's own view, which it reflects; that search was half of the template's time.
func sectionValue(_ value: String?) -> Any { value.map { $0 as Any } ?? false }

extension DashboardPage.View.Village: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "code": code
        case "href": href
        case "css": css
        case "label": label
        case "lateness": sectionValue(lateness)
        case "revisionNote": sectionValue(revisionNote)
        case "zero": zero
        case "revision": revision
        case "submittedAt": submittedAt
        case "receivedAt": receivedAt
        case "newArrivals": newArrivals
        case "central": central
        case "home": home
        case "fevers": fevers
        case "positives": positives
        case "overdue": overdue
        case "ending": ending
        default: nil
        }
    }
}

extension DashboardPage.View.Chase: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "township": township
        case "href": href
        case "css": css
        case "label": label
        case "contact": contact
        case "lateness": sectionValue(lateness)
        default: nil
        }
    }
}

extension DashboardPage.View.Township: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "code": code
        case "reported": reported
        case "expected": expected
        case "villages": villages
        default: nil
        }
    }
}

extension DashboardPage.View.LeadRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "idNumber": idNumber
        case "village": village
        case "href": href
        case "deadline": deadline
        case "status": status
        case "css": css
        case "confirmAction": confirmAction
        case "confirmable": confirmable
        default: nil
        }
    }
}

extension DashboardPage.View.FlaggedRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "idNumber": idNumber
        case "village": village
        case "township": township
        case "href": href
        case "what": what
        case "positive": positive
        default: nil
        }
    }
}

extension DashboardPage.View.CountRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "village": village
        case "township": township
        case "href": href
        case "count": count
        default: nil
        }
    }
}
