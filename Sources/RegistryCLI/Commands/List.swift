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

        func run() throws {
            try global.run { registry in
                let day = try date.day(registry)
                var rows = try registry.list(on: day, activeOnly: active)
                if let search {
                    let ids = Set(try registry.search(search).map(\.id))
                    rows = rows.filter { ids.contains($0.person.id) }
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
        let id: String, id_number: String, name: String, phone: String?, arrived_on: String, category: String, health_code: String?
        let policy: String, status: String, phase_today: String?, ends_on: String?
    }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONText.encode(rows.map {
                Row(id: $0.person.id, id_number: $0.person.idNumber, name: $0.person.name, phone: $0.person.phone,
                    arrived_on: "\($0.arrival.arrivedOn)", category: $0.arrival.category.rawValue,
                    health_code: $0.arrival.healthCode?.rawValue, policy: $0.arrival.policy,
                    status: $0.measure.status.rawValue, phase_today: $0.phaseToday?.kind.rawValue,
                    ends_on: $0.measure.endsOn?.description)
            })
        case .csv, .table:
            let zh = lang == .zh
            // English tables read as English; English CSV keeps the JSON names, which `import` and scripts read.
            let headers = zh ? ["姓名", "身份证号", "手机号", "到达日期", "类别", "健康码", "状态", "今日措施", "截止"]
                : format == .table ? ["Name", "ID number", "Phone", "Arrived", "Category", "Health code", "Status", "Measure today", "Ends"]
                : ["name", "id_number", "phone", "arrived_on", "category", "health_code", "status", "phase_today", "ends_on"]
            let table = TextTable(headers: headers, rows: rows.map {
                [$0.person.name, $0.person.idNumber, $0.person.phone ?? "", "\($0.arrival.arrivedOn)",
                 $0.arrival.category.label(lang), $0.arrival.healthCode?.label(lang) ?? "", $0.measure.status.label(lang),
                 $0.phaseToday?.kind.label(lang) ?? "", $0.measure.endsOn.map { "\($0)" } ?? ""]
            })
            if format == .csv { return table.csv() }
            let footer = zh ? "共 \(rows.count) 人" : "\(rows.count) people"
            return table.aligned + "\n" + footer
        }
    }
}
