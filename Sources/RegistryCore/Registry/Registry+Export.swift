import GRDB

/// One exported row: a trip of a person, with its measure and tests.
public struct ExportRow: Encodable, Sendable {
    public var id_number: String, name: String, sex: String?, birth_date: String?, phone: String?, address: String?
    public var arrived_on: String, departed_on: String, from: String, category: String, policy: String,
        health_code: String?
    public var status: String, phases: String, tests: String, released_on: String?
    /// What else a clerk recorded: transport, doses, where the registry learned of the trip, every stay with its
    /// days, the checks (how many, the latest), and the measure's history with reasons (延长、转运、解除).
    public var transport: String?, vaccine_doses: Int?, source: String, stays: String
    public var checks_count: Int, latest_check: String?, measure_events: String

    /// Column headers in the clerk's language, in the order of `cells`.
    public static func headers(_ lang: Language) -> [String] {
        lang == .zh
            ? [
                "身份证号", "姓名", "性别", "出生日期", "手机号", "住址", "到达日期", "离开日期", "来源地", "人员类别",
                "健康码", "政策版本", "管控状态", "管控措施", "核酸检测", "解除日期",
                "交通方式", "疫苗剂次", "信息来源", "旅居史", "体温次数", "最近体温", "管控记录",
            ]
            : [
                "id_number", "name", "sex", "birth_date", "phone", "address", "arrived_on", "departed_on", "from",
                "category", "health_code", "policy", "status", "phases", "tests", "released_on",
                "transport", "vaccine_doses", "source", "stays", "checks_count", "latest_check", "measure_events",
            ]
    }

    /// The row's cells for CSV.
    public var cells: [String] {
        [
            id_number, name, sex ?? "", birth_date ?? "", phone ?? "", address ?? "", arrived_on, departed_on, from,
            category,
            health_code ?? "", policy, status, phases, tests, released_on ?? "",
            transport ?? "", vaccine_doses.map(String.init) ?? "", source, stays, String(checks_count),
            latest_check ?? "", measure_events,
        ]
    }
}

extension Registry {
    /// The registry as rows of trips, newest first: everyone, or those under a measure on `activeOn`, or those who
    /// arrived between `from` and `to`.
    public func export(activeOn: Day?, from: Day?, to: Day?, lang: Language) throws -> [ExportRow] {
        try read { db, _ in
            var request = Arrival.filter(Arrival.Columns.deleted == false)
            if let from { request = request.filter(Arrival.Columns.arrivedOn >= "\(from)") }
            if let to { request = request.filter(Arrival.Columns.arrivedOn <= "\(to)") }
            let arrivals = try request.order(Arrival.Columns.arrivedOn.desc).fetchAll(db)
            var rows: [ExportRow] = []
            for arrival in arrivals {
                guard let person = try Person.fetchOne(db, key: arrival.personId), !person.deleted,
                    let measure = try Measure.filter(Measure.Columns.arrivalId == arrival.id).fetchOne(db)
                else { continue }
                if activeOn != nil && !measure.isHeld { continue }
                let tests = try LabTest.filter(
                    LabTest.Columns.measureId == measure.id && LabTest.Columns.deleted == false
                )
                .order(LabTest.Columns.dueOn).fetchAll(db)
                let checks = HealthCheck.filter(
                    HealthCheck.Columns.personId == person.id && HealthCheck.Columns.deleted == false)
                let latest = try checks.order(HealthCheck.Columns.takenAt.desc).fetchOne(db)
                let events = try MeasureEvent.filter(MeasureEvent.Columns.measureId == measure.id).order(
                    MeasureEvent.Columns.recordedAt
                )
                .fetchAll(db)
                rows.append(
                    ExportRow(
                        id_number: person.idNumber, name: person.name, sex: person.sex?.label(lang),
                        birth_date: person.birthDate?.description, phone: person.phone, address: person.address,
                        arrived_on: "\(arrival.arrivedOn)", departed_on: "\(arrival.departedOn)",
                        from: arrival.stays.map(\.place).joined(separator: "；"),
                        category: arrival.category.label(lang),
                        policy: lang == .zh ? PolicyBook.label(arrival.policy) : arrival.policy,
                        health_code: arrival.healthCode?.label(lang), status: measure.status.label(lang),
                        phases: measure.phases.map { $0.text(lang) }.joined(separator: "; "),
                        tests: tests.map { $0.text(lang) }.joined(separator: "; "),
                        released_on: measure.releasedOn?.description,
                        transport: arrival.transport, vaccine_doses: arrival.vaccineDoses,
                        source: arrival.source.label(lang),
                        stays: arrival.stays.map { "\($0.place) \($0.from.map { "\($0)–" } ?? "")\($0.to)" }.joined(
                            separator: "；"),
                        checks_count: try checks.fetchCount(db),
                        latest_check: latest.map { String(format: "%.1f℃ ", $0.temperature) + $0.takenAt },
                        measure_events: events.map {
                            "\($0.onDate) \($0.action.label(lang))" + ($0.reason.isEmpty ? "" : "：\($0.reason)")
                        }
                        .joined(separator: "；")))
            }
            return rows
        }
    }
}
