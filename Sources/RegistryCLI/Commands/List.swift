import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry list`: everyone registered, with their latest trip and where their measure stands.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "人员台账 / List registered people.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var date: DateOption
        @Option(help: "输出格式 table|json|csv.") var format: OutputFormat = .table
        @Flag(help: "只列管控中的人员 / Only people under a measure.") var active = false
        @Option(help: "按身份证号、姓名或手机号查找 / Search by id number, name or phone.") var search: String?
        @Flag(help: "按户分组，含未外出的同户人员 / Group by household, with members who did not travel.") var byHousehold = false
        @Flag(
            help:
                "脱敏：姓名、身份证号、手机号部分隐去（张*伟、420102********1232、138****8000），不含住址和出生日期 / Mask names, id numbers and phones.")
        var mask = false

        func run() throws {
            try global.run { registry in
                let day = try date.day(registry)
                if byHousehold {
                    var groups = try registry.households(on: day, activeOnly: active)
                    if mask {
                        groups = groups.map { group in
                            var group = group
                            group.members = group.members.map(\.masked)
                            group.summaries = group.summaries.mapValues {
                                var s = $0
                                s.person = s.person.masked
                                return s
                            }
                            return group
                        }
                    }
                    return Console.out(HouseholdListView(groups: groups, lang: global.lang).render(format))
                }
                var rows = try registry.list(on: day, activeOnly: active)
                if let search {
                    let ids = Set(try registry.search(search).map(\.id))
                    rows = rows.filter { ids.contains($0.person.id) }
                }
                if mask {
                    rows = rows.map {
                        var row = $0
                        row.person = row.person.masked
                        return row
                    }
                }
                Console.out(PersonListView(rows: rows, lang: global.lang).render(format))
            }
        }
    }
}

/// The person list in table, JSON or CSV form.
struct PersonListView {
    let rows: [PersonSummary]
    let lang: Language

    struct Row: Encodable {
        let id: String, id_number: String, name: String, phone: String?, arrived_on: String, category: String,
            health_code: String?
        let policy: String, status: String, phase_today: String?, ends_on: String?
        /// Where the trip came from: `湖北省武汉市江岸区（420102）`, one entry per stay.
        let from: [String]
    }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONText.encode(
                rows.map {
                    Row(
                        id: $0.person.id, id_number: $0.person.idNumber, name: $0.person.name, phone: $0.person.phone,
                        arrived_on: "\($0.arrival.arrivedOn)", category: $0.arrival.category.rawValue,
                        health_code: $0.arrival.healthCode?.rawValue, policy: $0.arrival.policy,
                        status: $0.measure.status.rawValue, phase_today: $0.phaseToday?.kind.rawValue,
                        ends_on: $0.measure.endsOn?.description, from: $0.arrival.stays.map(\.place))
                })
        case .csv, .table:
            let zh = lang == .zh
            // English tables read as English; English CSV keeps the JSON names, which `import` and scripts read.
            let headers =
                zh
                ? ["姓名", "身份证号", "手机号", "来源地", "到达日期", "类别", "健康码", "状态", "今日措施", "截止"]
                : format == .table
                    ? [
                        "Name", "ID number", "Phone", "From", "Arrived", "Category", "Health code", "Status",
                        "Measure today", "Ends",
                    ]
                    : [
                        "name", "id_number", "phone", "from", "arrived_on", "category", "health_code", "status",
                        "phase_today", "ends_on",
                    ]
            let table = TextTable(
                headers: headers,
                rows: rows.map {
                    [
                        $0.person.name, $0.person.idNumber, $0.person.phone ?? "",
                        $0.arrival.stays.map(\.place).joined(separator: "；"),
                        "\($0.arrival.arrivedOn)",
                        $0.arrival.category.label(lang), $0.arrival.healthCode?.label(lang) ?? "",
                        $0.measure.status.label(lang),
                        $0.phaseToday?.kind.label(lang) ?? "", $0.measure.endsOn.map { "\($0)" } ?? "",
                    ]
                })
            if format == .csv { return table.csv() }
            let footer = zh ? "共 \(rows.count) 人" : "\(rows.count) people"
            return table.aligned + "\n" + footer
        }
    }
}

/// `list --by-household`: one block per household, its members beneath, including those who did not travel.
struct HouseholdListView {
    let groups: [HouseholdGroup]
    let lang: Language

    struct Member: Encodable {
        let id_number: String, name: String, phone: String?, category: String?, status: String?, phase_today: String?
    }
    struct Group: Encodable {
        let household_key: String, address: String?, members: [Member], under_measure: Int
    }

    func render(_ format: OutputFormat) -> String {
        let zh = lang == .zh
        if format == .json {
            return JSONText.encode(
                groups.map { g in
                    Group(
                        household_key: g.key, address: g.address,
                        members: g.members.map { p in
                            let s = g.summaries[p.id]
                            return Member(
                                id_number: p.idNumber, name: p.name, phone: p.phone,
                                category: s?.arrival.category.rawValue,
                                status: s?.measure.status.rawValue, phase_today: s?.phaseToday?.kind.rawValue)
                        }, under_measure: g.held)
                })
        }
        let headers =
            zh
            ? ["户", "姓名", "身份证号", "手机号", "类别", "状态", "今日措施"]
            : format == .table
                ? ["Household", "Name", "ID number", "Phone", "Category", "Status", "Measure today"]
                : ["household", "name", "id_number", "phone", "category", "status", "phase_today"]
        var rows: [[String]] = []
        for g in groups {
            let title =
                (g.address ?? (zh ? "（未填住址）" : "(no address)"))
                + (zh ? "  \(g.members.count) 人" : "  \(g.members.count)")
            for (i, p) in g.members.enumerated() {
                let s = g.summaries[p.id]
                rows.append([
                    format == .csv ? (g.address ?? g.key) : (i == 0 ? title : ""), p.name, p.idNumber, p.phone ?? "",
                    s?.arrival.category.label(lang) ?? (zh ? "未外出" : "did not travel"),
                    s?.measure.status.label(lang) ?? "",
                    s?.phaseToday?.kind.label(lang) ?? "",
                ])
            }
        }
        let table = TextTable(headers: headers, rows: rows)
        if format == .csv { return table.csv() }
        let held = groups.filter { $0.held > 0 }.count
        return table.aligned + "\n"
            + (zh
                ? "共 \(groups.count) 户，其中 \(held) 户有人员在管控中"
                : "\(groups.count) households, \(held) with someone under a measure")
    }
}
