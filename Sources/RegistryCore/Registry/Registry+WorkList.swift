import Foundation
import GRDB

/// The clerk's work list for a day (今日工作清单).
public struct WorkList: Sendable, Encodable {
    /// One person to see, and why.
    public struct Item: Sendable, Encodable {
        public var person_id: String
        public var name: String
        public var id_number: String
        public var phone: String?
        public var address: String?
        /// The day the item concerns (a test's due day, a measure's last day, a lead's deadline).
        public var on: String?
        /// For checks: how many were taken that day (twice a day is expected).
        public var checks_taken: Int?
        /// The kind of measure in force, for checks.
        public var measure: String?
        /// Why the person is listed, where a reason was recorded (new contacts).
        public var reason: String? = nil
    }

    /// A lead waiting for verification.
    public struct LeadItem: Sendable, Encodable {
        public var lead_id: String
        public var name: String
        public var id_number: String?
        public var phone: String?
        public var from_name: String?
        public var reason: String?
        public var deadline: String
        public var overdue: Bool
        /// county_lead or self_report (a returnee's own declaration, 自主申报).
        public var source: String
        /// For a declaration: the day the returnee said they arrived, and their address here.
        public var arrived_on: String?
        public var address: String?
        /// The person registered here under the lead's id number, when there is one: a declaration of someone
        /// already registered is marked for the clerk (the sender is never told).
        public var registered_person_id: String?
        /// For a declaration: what later declarations of the same id number said otherwise (the county keeps the
        /// first and flags the rest: whoever declares first cannot own a returnee's lead), for the clerk to check.
        public var second_declaration: String? = nil
        /// For a declaration not yet registered: the risk area now in force at the place declared (a returnee on the
        /// way from a place that became risky), by name.
        public var from_risk_area: String? = nil
        /// When the county wants the outcome back: the lead's issue (its first entry here, stamped by the county's
        /// clock) plus the county's `lead_found_hours` (learned at the last sync; 24 before), and the whole hours that
        /// remain of it now (negative once past).
        public var respond_by: String? = nil
        public var remaining_hours: Int? = nil
    }

    public var date: String
    /// Checks flagged in the last three days (fever or symptoms) whose person has not been sampled since (发热待处置):
    /// first on the list. `on` is when it was taken, `reason` what was found (`体温 38.2 ℃ 咳嗽`).
    public var fevers: [Item] = []
    public var tests_due: [Item]
    public var tests_overdue: [Item]
    public var checks_missing: [Item]
    public var measures_ending: [Item]
    /// Measures whose last day has passed without a release or an extension (期满待解除): `on` is the last day.
    public var ended_not_released: [Item]
    /// Arrivals of the last 14 days with a red health code and no measure from their travel history (待研判): `on` is
    /// the arrival day.
    public var to_assess: [Item]
    /// People put under the close-contact plan because someone around them turned positive (新增密接), until they
    /// have been sampled since: `on` is the day the plan was set, `reason` says around whom (`密接：与 张三 同住`).
    public var new_contacts: [Item]
    public var leads: [LeadItem]
    /// Persons classified again because risk areas were published after they arrived (新增风险人员), first on the
    /// list until their first test since is sampled; those whose risk period was already over, for a week.
    public var reclassified: [Reclassification] = []
    /// Persons under a measure whose plan rested on an area since lifted (可研判解除): the clerk decides; `reason`
    /// names the category the travel history gives now.
    public var may_release: [Item] = []
    /// How many people each group holds in all, when the lists were cut to a limit: tests_due, tests_overdue,
    /// checks_missing, measures_ending, ended_not_released.
    public var counts: [String: Int]
    /// Sweeps (排查到户): the county's orders not yet started, and the open round's coverage; nil when neither.
    public var sweep: Sweep? = nil
    /// The tasks by who is responsible (包保), each with the checks their persons missed today; the last group (no
    /// `name`) is those with nobody responsible.
    public var by_responsible: [ResponsibleWork] = []

    public struct ResponsibleWork: Sendable, Encodable {
        public struct Person: Sendable, Encodable {
            public var name: String
            public var id_number: String
            public var phone: String?
            public var tasks: [String]
            public var checks_missing: Int
        }

        public var name: String?
        public var role: String?
        public var phone: String?
        public var persons: [Person]
        /// Temperature checks their persons still lack today (two a day each).
        public var checks_missing: Int
    }

    public struct Sweep: Sendable, Encodable {
        public struct Order: Sendable, Encodable {
            public var reason: String
            public var due_at: String
            public var ordered_at: String
        }

        public struct Round: Sendable, Encodable {
            public var reason: String
            public var due: String?
            public var households_total: Int
            public var households_visited: Int
            public var households_open: Int
        }

        public var orders: [Order]
        public var round: Round?
    }
}

extension Registry {
    /// What the clerk must do on `day`: tests due and overdue, checks not yet taken twice, measures ending,
    /// leads to verify. Reads indexed queries only.
    /// - Parameter limit: at most this many people per group are listed (the counts are always complete).
    public func workList(on day: Day, limit: Int? = nil) throws -> WorkList {
        try read { db, _ in
            let d = "\(day)"
            // The persons of every item are loaded in one query at the end, not one query per item.
            var pending:
                [(section: Int, personID: String, on: String?, checks: Int?, measure: String?, reason: String?)] = []
            func item(
                _ section: Int, _ personID: String, on: String?, checks: Int? = nil, measure: String? = nil,
                reason: String? = nil
            ) {
                pending.append((section, personID, on, checks, measure, reason))
            }
            var counts: [String: Int] = [:]
            counts["tests_due"] = try DayQueries.countDue(db, on: day, unsampledOnly: true)
            for test in try DayQueries.due(db, on: day, unsampledOnly: true, limit: limit) {
                item(0, test.personId, on: d)
            }
            counts["tests_overdue"] = try DayQueries.countMissed(db, on: day)
            for test in try DayQueries.missed(db, on: day, limit: limit) {
                item(1, test.personId, on: test.dueOn.map { "\($0)" })
            }
            let taken = try Row.fetchAll(
                db,
                sql:
                    "SELECT person_id, count(*) AS n FROM health_check WHERE taken_on = ? AND deleted = 0 GROUP BY person_id",
                arguments: [d])
            let takenBy = Dictionary(taken.map { ($0["person_id"] as String, $0["n"] as Int) }, uniquingKeysWith: +)
            var missingChecks = 0
            for (personId, phase) in try DayQueries.inForce(db, on: day) {
                let n = takenBy[personId] ?? 0
                if n < 2 {
                    missingChecks += 1
                    if missingChecks <= limit ?? .max {
                        item(2, personId, on: d, checks: n, measure: phase.kind.rawValue)
                    }
                }
            }
            counts["checks_missing"] = missingChecks

            let endingToday = Measure.filter(
                ["active", "extended", "escalated"].contains(Measure.Columns.status)
                    && Measure.Columns.endsOn == d && Measure.Columns.deleted == false)
            counts["measures_ending"] = try endingToday.fetchCount(db)
            for measure in try endingToday.limit(limit ?? -1).fetchAll(db) {
                item(3, measure.personId, on: d, measure: measure.phases.last?.kind.rawValue)
            }
            counts["ended_not_released"] = try DayQueries.countEndedNotReleased(db, on: day)
            for ended in try DayQueries.endedNotReleased(db, on: day, limit: limit) {
                item(4, ended.personId, on: ended.endsOn, measure: ended.kind)
            }
            let assess = try DayQueries.toAssess(db, on: day)
            counts["to_assess"] = assess.count
            for entry in assess.prefix(limit ?? .max) {
                item(5, entry.personId, on: entry.arrivedOn, reason: entry.reason)
            }
            let contacts = try DayQueries.newContacts(db, on: day)
            counts["new_contacts"] = contacts.count
            for entry in contacts.prefix(limit ?? .max) { item(6, entry.personId, on: entry.on, reason: entry.reason) }
            let fevers = try DayQueries.fevers(db, on: day)
            counts["fevers"] = fevers.count
            for entry in fevers.prefix(limit ?? .max) {
                item(
                    8, entry.personId, on: entry.takenAt,
                    reason: (["体温 \(String(format: "%.1f", entry.temperature)) ℃", entry.symptoms])
                        .filter { !$0.isEmpty }.joined(separator: " "))
            }
            let reclassifiedRows = try DayQueries.reclassified(db, on: day)
            counts["reclassified"] = reclassifiedRows.count
            let rules = try RulesContext.load(db, settings: try RegistrySettings.load(db))
            for entry in try Registry.mayRelease(db, on: day, areas: rules.areas).prefix(limit ?? .max) {
                item(7, entry.personId, on: d, measure: entry.measure, reason: entry.now.rawValue)
            }
            var people: [String: Person] = [:]
            let ids = Array(Set(pending.map(\.personID) + reclassifiedRows.map(\.personId)))
            for chunk in ids.chunks(of: keysPerLookup) {
                for person in try Person.filter(keys: chunk).fetchAll(db)
                where !person.deleted {
                    people[person.id] = person
                }
            }
            var sections: [[WorkList.Item]] = Array(repeating: [], count: 9)
            for entry in pending {
                guard let p = people[entry.personID] else { continue }
                sections[entry.section].append(
                    WorkList.Item(
                        person_id: p.id, name: p.name, id_number: p.idNumber, phone: p.phone,
                        address: p.address, on: entry.on, checks_taken: entry.checks,
                        measure: entry.measure, reason: entry.reason))
            }
            let (dueItems, overdue, checks, ending) = (sections[0], sections[1], sections[2], sections[3])

            let leads = try Lead.filter(Lead.Columns.outcome == nil && Lead.Columns.deleted == false).order(
                Lead.Columns.deadline
            ).fetchAll(db)
            let leadNumbers = leads.compactMap(\.idNumber)
            let issued = try ChangeLog.firstClocks(db, table: Lead.databaseTableName, pks: leads.map(\.id))
            let limit = Int(try LocalSettings.get(db, SyncState.Key.leadFoundHours) ?? "") ?? 24
            let now = clock.now()
            func due(_ lead: Lead) -> Date? {
                issued[lead.id].map {
                    Date(timeIntervalSince1970: Double(HLC(raw: $0).milliseconds) / 1000 + Double(limit) * 3600)
                }
            }
            let registered = Dictionary(
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT id_number, id FROM person WHERE deleted = 0 AND id_number IN (\(databaseQuestionMarks(count: leadNumbers.count)))",
                    arguments: StatementArguments(leadNumbers)
                ).map { ($0["id_number"] as String, $0["id"] as String) },
                uniquingKeysWith: { a, _ in a })
            let reclassified = reclassifiedRows.prefix(limit ?? .max).compactMap { row in
                people[row.personId].flatMap {
                    Reclassification.from(event: row.reason, detail: row.detail, on: row.on, person: $0)
                }
            }
            var list = WorkList(
                date: d, tests_due: dueItems, tests_overdue: overdue,
                checks_missing: checks.sorted { $0.name < $1.name }, measures_ending: ending,
                ended_not_released: sections[4],
                to_assess: sections[5], new_contacts: sections[6],
                leads: leads.map {
                    WorkList.LeadItem(
                        lead_id: $0.id, name: $0.name, id_number: $0.idNumber, phone: $0.phone,
                        from_name: $0.fromName, reason: $0.reason, deadline: "\($0.deadline)",
                        overdue: $0.deadline < day, source: ($0.source ?? .countyLead).rawValue,
                        arrived_on: $0.arrivedOn?.description, address: $0.address,
                        registered_person_id: $0.idNumber.flatMap { registered[$0] },
                        second_declaration: $0.source == .selfReport ? Declaration.laterDeclarations($0.reason) : nil,
                        from_risk_area: $0.source == .selfReport && $0.idNumber.flatMap { registered[$0] } == nil
                            ? Registry.riskArea(
                                at: $0.fromCode, from: min($0.departedOn ?? day, day),
                                to: max($0.arrivedOn ?? day, day),
                                areas: rules.areas)?.name
                            : nil,
                        respond_by: due($0).map { clock.isoText($0) },
                        remaining_hours: due($0).map { Int(($0.timeIntervalSince(now) / 3600).rounded(.down)) })
                },
                counts: counts)
            // Those with something to do first; those whose risk period was over after them.
            list.reclassified = reclassified.filter { !$0.period_over } + reclassified.filter(\.period_over)
            list.may_release = sections[7]
            list.fevers = sections[8]
            list.sweep = try Registry.sweepWork(db)
            list.by_responsible = try Registry.byResponsible(db, list)
            counts["may_release"] = sections[7].count
            list.counts = counts
            return list
        }
    }
}

extension WorkList {
    /// The list as a clerk reads it, grouped, with counts; each group shows at most `limit` people (nil: all),
    /// since a screen of ten thousand lines helps nobody (the JSON has everything).
    public func text(_ lang: Language, limit: Int? = 50) -> String {
        let zh = lang == .zh
        var out = [zh ? "今日工作清单 \(date)" : "Work list for \(date)"]
        func section(_ title: String, _ key: String, _ items: [Item], _ detail: (Item) -> String) {
            let total = counts[key] ?? items.count
            out.append("")
            out.append(zh ? "\(title)（\(total)）" : "\(title) (\(total))")
            if items.isEmpty { out.append(zh ? "  无" : "  none") }
            let shown = limit.map { Array(items.prefix($0)) } ?? items
            let table = TextTable(headers: [], rows: shown.map { [$0.name, $0.id_number, $0.phone ?? "", detail($0)] })
            if !shown.isEmpty { out.append(table.alignedRows(indent: "  ")) }
            if shown.count < total {
                out.append(
                    zh
                        ? "  ……还有 \(total - shown.count) 人（--all 显示全部，--format json 导出）"
                        : "  … and \(total - shown.count) more (--all shows all, --format json exports)")
            }
        }
        // A county's order to sweep, or a round still open: the households are the day's first errand (due by morning).
        if let sweep {
            out.append("")
            out.append(zh ? "入户排查" : "Door-to-door sweep")
            for order in sweep.orders {
                out.append(
                    zh
                        ? "  ⚠ 县里要求排查：\(order.reason)，\(order.due_at) 前完成（registry sweep start 开始）"
                        : "  ⚠ The county orders a sweep: \(order.reason), due \(order.due_at) (start it: registry sweep start)"
                )
            }
            if let round = sweep.round {
                out.append(
                    zh
                        ? "  \(round.reason)：已排查 \(round.households_visited)/\(round.households_total) 户，还有 \(round.households_open) 户\(round.due.map { "，\($0) 前完成" } ?? "")（registry sweep status）"
                        : "  \(round.reason): \(round.households_visited)/\(round.households_total) households reached, \(round.households_open) open\(round.due.map { ", due \($0)" } ?? "")"
                )
            }
        }
        // Who is responsible (包保) and has persons whose checks are missing today.
        let missing = by_responsible.filter { $0.name != nil && $0.checks_missing > 0 }
        if !missing.isEmpty {
            out.append("")
            out.append(zh ? "包保责任人名下今日未测体温" : "Checks missing today, by who is responsible")
            out.append(
                TextTable(
                    headers: [],
                    rows: missing.map {
                        [
                            "\($0.name ?? "")（\($0.role ?? "")）", $0.phone ?? "",
                            zh
                                ? "\($0.persons.count) 人，缺 \($0.checks_missing) 次"
                                : "\($0.persons.count), \($0.checks_missing) missing",
                        ]
                    }
                ).alignedRows(indent: "  "))
        }
        // First of all: a fever or symptoms not yet followed by a test (发热待处置), until one is sampled.
        if !fevers.isEmpty {
            section(zh ? "⚠ 发热/症状待处置" : "⚠ Fever or symptoms, not yet tested", "fevers", fevers) {
                zh
                    ? "\($0.reason ?? "")（\(ReadableTime.short($0.on ?? ""))），请立即报告村医和乡镇卫生院，安排核酸检测"
                    : "\($0.reason ?? "") (\($0.on ?? "")): tell the village doctor and township clinic; arrange a test"
            }
        }
        // Then: people whom a risk area published late put under a plan (信息返流), to call and sample today.
        // Shown only when someone is listed: on most days no list arrives late.
        if !reclassified.isEmpty {
            out.append("")
            out.append(
                zh
                    ? "新增风险人员（\(counts["reclassified"] ?? reclassified.count)）"
                    : "Newly at risk (\(counts["reclassified"] ?? reclassified.count))")
        }
        for r in reclassified {
            let from = Category(rawValue: r.from_category).map { zh ? $0.chinese : $0.rawValue } ?? r.from_category
            let to = Category(rawValue: r.to_category).map { zh ? $0.chinese : $0.rawValue } ?? r.to_category
            let what =
                r.period_over
                ? (zh ? "风险期已过，无需补做" : "risk period over; nothing due")
                : (zh ? "请补做管控，今日采样" : "put under the measure; sample today")
            out.append(
                "  \(r.name)  \(r.id_number)  \(r.area)  \(from) → \(to)，"
                    + (zh ? "\(r.learned_on) 获知；" : "learned \(r.learned_on); ") + what)
        }
        // Then: people just put under the close-contact plan, to call, quarantine and sample today.
        section(zh ? "新增密接" : "New close contacts", "new_contacts", new_contacts) {
            "\($0.reason ?? "")" + (zh ? "，\($0.on ?? "") 判定，今日采样" : " (\($0.on ?? "")); sample today")
        }
        section(zh ? "红码待研判" : "Red health code, to assess", "to_assess", to_assess) { item in
            if let reason = item.reason {
                return (zh ? "\(reason)，已找到，未经县核实，请研判" : "\(reason): found, unconfirmed; decide")
            }
            return zh
                ? "\(item.on ?? "") 到达，旅居史未判定管控，请研判"
                : "arrived \(item.on ?? ""); no measure from the travel history: decide"
        }
        section(zh ? "今日应检核酸" : "Tests due today", "tests_due", tests_due) { _ in "" }
        section(zh ? "逾期未检核酸" : "Tests overdue", "tests_overdue", tests_overdue) {
            (zh ? "应于 " : "due ") + ($0.on ?? "")
        }
        section(zh ? "今日体温未测满两次" : "Checks not yet taken twice", "checks_missing", checks_missing) {
            (zh ? "已测 " : "taken ") + "\($0.checks_taken ?? 0)/2  "
                + ($0.measure.flatMap(MeasureKind.init(rawValue:))?.label(lang) ?? "")
        }
        section(zh ? "今日管控期满" : "Measures ending today", "measures_ending", measures_ending) { _ in
            zh ? "可办理解除" : "can be released"
        }
        section(zh ? "期满待解除" : "Ended, not yet released", "ended_not_released", ended_not_released) {
            (zh ? "已于 \($0.on ?? "") 期满，请解除或延长" : "ended \($0.on ?? ""); release or extend")
        }
        section(zh ? "风险区已解除，可研判解除" : "Risk area lifted: may be released", "may_release", may_release) {
            let now = $0.reason.flatMap(Category.init(rawValue:))
            return zh
                ? "按现有风险区为\(now?.chinese ?? "")，由村里研判是否解除"
                : "now \(now?.rawValue ?? "") by the areas in force; decide whether to release"
        }
        let declared = leads.filter { $0.source == LeadSource.selfReport.rawValue }
        out.append("")
        out.append(zh ? "待核实的自主申报（\(declared.count)）" : "Self-declarations to verify (\(declared.count))")
        if declared.isEmpty { out.append(zh ? "  无" : "  none") }
        for lead in declared {
            let known =
                lead.registered_person_id == nil ? "" : (zh ? "  ⚠ 该身份证号已登记" : "  ⚠ id number already registered")
            let risky =
                lead.from_risk_area.map { zh ? "  ⚠ 来自风险区（\($0)），到达即管控" : "  ⚠ from a risk area (\($0))" } ?? ""
            out.append(
                "  \(lead.name)  \(lead.id_number ?? "")  \(lead.phone ?? "")  \(lead.from_name ?? "")  "
                    + (zh ? "\(lead.arrived_on ?? "") 到达" : "arrived \(lead.arrived_on ?? "")") + known + risky
                    + (lead.second_declaration.map { "\n    \($0)" } ?? ""))
        }
        if !declared.isEmpty {
            out.append(
                zh
                    ? "  核实后登记：registry intake --lead 身份证号（或手机号、姓名）"
                    : "  to register after checking: registry intake --lead ID_NUMBER (or phone, name)")
        }
        let county = leads.filter { $0.source != LeadSource.selfReport.rawValue }
        out.append("")
        out.append(zh ? "待核查线索（\(county.count)）" : "Leads to verify (\(county.count))")
        if county.isEmpty { out.append(zh ? "  无" : "  none") }
        for lead in county {
            var late = lead.overdue ? (zh ? "  ⚠ 已逾期" : "  ⚠ overdue") : ""
            if let hours = lead.remaining_hours {
                late +=
                    hours >= 0
                    ? (zh ? "  县里要求 \(hours) 小时内反馈" : "  \(hours) h left to answer the county")
                    : (zh ? "  ⚠ 已超过县里的反馈时限 \(-hours) 小时" : "  ⚠ \(-hours) h past the county's limit")
            }
            out.append(
                "  \(lead.name)  \(lead.id_number ?? "")  \(lead.phone ?? "")  \(lead.from_name ?? "")  "
                    + (zh ? "截止 " : "deadline ") + lead.deadline + late + (lead.reason.map { "  \($0)" } ?? ""))
        }
        return out.joined(separator: "\n")
    }
}

extension WorkList {
    /// The day's tasks printed per responsible person (`registry today --by-responsible`), each block on its own so
    /// that it can be cut out and handed over; those with nobody responsible last.
    public func textByResponsible(_ lang: Language) -> String {
        let zh = lang == .zh
        var out = [zh ? "今日工作清单（按包保责任人） \(date)" : "Work list by who is responsible, \(date)"]
        if by_responsible.isEmpty { out.append(zh ? "今日无待办" : "Nothing to do today") }
        for group in by_responsible {
            out.append("")
            let who =
                group.name.map { "\($0)（\(group.role ?? "")\(group.phone.map { "，\($0)" } ?? "")）" }
                ?? (zh ? "未指定包保责任人（registry assign 指定）" : "Nobody responsible (registry assign)")
            out.append(
                who
                    + (zh
                        ? "：\(group.persons.count) 人，今日缺测体温 \(group.checks_missing) 次"
                        : ": \(group.persons.count), \(group.checks_missing) checks missing today"))
            out.append(
                TextTable(
                    headers: [],
                    rows: group.persons.map {
                        [$0.name, $0.id_number, $0.phone ?? "", $0.tasks.joined(separator: "；")]
                    }
                ).alignedRows(indent: "  "))
        }
        return out.joined(separator: "\n")
    }
}
