import Foundation
import GRDB

/// The rules of every synced table's columns, declared beside the record types (see `ColumnRule`), and the checks
/// that span columns of one change. What the county applies to a pushed change and the village to what it writes.
public enum SyncedRules {
    /// Limits on free text, in characters. A name on a passport can be long; a Chinese name is short.
    static let nameLength = 64, shortText = 64, placeName = 100, longText = 500
    /// A stay's place name, which may hold a line break (a CSV cell typed with Alt+Enter in Excel does).
    static let stayName = ColumnRule.text(max: placeName, empty: true, multiline: true)

    /// The rules of each table's columns, by table and column name. Every column of the schema has one (a test
    /// checks), so that a column nobody declared is refused rather than let through.
    public static let tables: [String: [String: ColumnRule]] = {
        let common: [String: ColumnRule] = ["id": .id, "village": .code([12]), "deleted": .flag]
        // The county's rows carry its 6-digit code; a village that imports risk areas itself writes its own code.
        let county: [String: ColumnRule] = ["id": .id, "village": .code([6, 12]), "deleted": .flag]
        let person: [String: ColumnRule] = [
            "name": .text(max: nameLength), "id_type": .choice(IDType.self), "id_number": .documentNumber,
            "phone": ColumnRule.phone.orNull, "sex": ColumnRule.choice(Sex.self).orNull,
            "birth_date": ColumnRule.day.orNull,
            "address": ColumnRule.text(max: 200, empty: true).orNull, "created_at": .timestamp,
            "deleted_reason": ColumnRule.text(max: longText, empty: true).orNull, "household": ColumnRule.id.orNull,
        ]
        let contact: [String: ColumnRule] = [
            "person_id": .id, "id_number": .documentNumber, "name": ColumnRule.text(max: nameLength).orNull,
            "phone": ColumnRule.phone.orNull, "relation": .choice(ContactRelation.self),
            "last_contact_on": ColumnRule.day.orNull,
            "created_at": .timestamp, "deleted_reason": ColumnRule.text(max: longText, empty: true).orNull,
        ]
        let arrival: [String: ColumnRule] = [
            "person_id": .id, "arrived_on": .day, "departed_on": .day, "stays": .stays,
            "transport": ColumnRule.text(max: shortText, empty: true).orNull,
            "health_code": ColumnRule.choice(HealthCode.self).orNull,
            "vaccine_doses": ColumnRule.integer(0...9).orNull, "source": .choice(ArrivalSource.self),
            "category_override": ColumnRule.choice(Category.self).orNull, "category": .choice(Category.self),
            "day_zero": .day,
            "policy": .text(max: shortText), "lead_id": ColumnRule.id.orNull, "created_at": .timestamp,
        ]
        let measure: [String: ColumnRule] = [
            "person_id": .id, "arrival_id": .id, "status": .choice(MeasureStatus.self), "phases": .phases,
            "starts_on": ColumnRule.day.orNull, "ends_on": ColumnRule.day.orNull, "released_on": ColumnRule.day.orNull,
            "ordered_by": ColumnRule.text(max: shortText, empty: true).orNull,
            "reason": ColumnRule.text(max: longText, empty: true).orNull,
        ]
        let event: [String: ColumnRule] = [
            "measure_id": .id, "action": .choice(MeasureEvent.Action.self), "on_date": .day, "recorded_at": .timestamp,
            "actor": .text(max: shortText, empty: true), "reason": .text(max: longText, empty: true),
            "detail": ColumnRule.text(max: 2000, empty: true).orNull,
        ]
        let test: [String: ColumnRule] = [
            "person_id": .id, "measure_id": ColumnRule.id.orNull, "due_on": ColumnRule.day.orNull,
            "sampled_on": ColumnRule.day.orNull, "result": .choice(TestResult.self), "result_on": ColumnRule.day.orNull,
            "lab": ColumnRule.text(max: placeName, empty: true).orNull,
        ]
        let check: [String: ColumnRule] = [
            "person_id": .id, "taken_at": .localTime, "taken_on": .day, "temperature": .real(34...43),
            "symptoms": .symptoms, "flagged": .flag,
            "symptoms_written": ColumnRule.text(max: SymptomWords.maxWritten, empty: true).orNull,
        ]
        let report: [String: ColumnRule] = [
            "date": .day, "revision": .integer(1...10_000), "figures": .figures, "is_zero_report": .flag,
            "reporter": .text(max: nameLength), "remarks": .text(max: longText, empty: true, multiline: true),
            "submitted_at": .timestamp, "first_submitted_at": .timestamp,
        ]
        let lead: [String: ColumnRule] = [
            "village": .code([12]), "name": .text(max: nameLength), "id_number": ColumnRule.documentNumber.orNull,
            "phone": ColumnRule.phone.orNull, "from_code": ColumnRule.code([3, 6, 9, 12]).orNull,
            "from_name": ColumnRule.text(max: placeName, empty: true).orNull,
            "reason": ColumnRule.text(max: longText, empty: true).orNull,
            "deadline": .day, "outcome": ColumnRule.choice(LeadOutcome.self).orNull,
            "outcome_on": ColumnRule.day.orNull,
            "person_id": ColumnRule.id.orNull, "last_contact_on": ColumnRule.day.orNull,
            "source": ColumnRule.choice(LeadSource.self).orNull, "departed_on": ColumnRule.day.orNull,
            "arrived_on": ColumnRule.day.orNull, "address": ColumnRule.text(max: 200, empty: true).orNull,
            "transport": ColumnRule.text(max: shortText, empty: true).orNull,
            "declared_at": ColumnRule.timestamp.orNull,
        ]
        let area: [String: ColumnRule] = [
            "code": .code([6, 9, 12]), "name": .text(max: placeName), "level": .choice(RiskLevel.self),
            "in_force_from": .day, "lifted_on": ColumnRule.day.orNull,
        ]
        let policy: [String: ColumnRule] = [
            "version": .text(max: shortText), "effective_from": .day, "body": .json(max: 65_536) { _ in nil },
        ]
        let roster: [String: ColumnRule] = [
            "code": .code([12]), "name": .text(max: placeName), "township_code": .code([9]),
            "township_name": .text(max: placeName),
        ]
        let household: [String: ColumnRule] = [
            "address": .text(max: 200), "head_name": ColumnRule.text(max: nameLength).orNull,
            "head_id_number": ColumnRule.documentNumber.orNull, "phone": ColumnRule.phone.orNull,
            "members": ColumnRule.integer(0...999).orNull, "grid": ColumnRule.text(max: shortText).orNull,
            "notes": ColumnRule.text(max: longText, empty: true, multiline: true).orNull, "created_at": .timestamp,
        ]
        let round: [String: ColumnRule] = [
            "reason": .text(max: longText), "due_at": ColumnRule.localTime.orNull, "started_at": .localTime,
            "order_id": ColumnRule.id.orNull, "closed_at": ColumnRule.localTime.orNull,
            "close_reason": ColumnRule.text(max: longText).orNull,
        ]
        let visit: [String: ColumnRule] = [
            "round_id": .id, "household_id": .id, "result": .choice(SweepResult.self),
            "returnees": ColumnRule.integer(0...999).orNull,
            "note": ColumnRule.text(max: longText, empty: true, multiline: true).orNull, "visited_at": .localTime,
            "visitor": ColumnRule.text(max: nameLength).orNull,
        ]
        let order: [String: ColumnRule] = [
            "village": .code([12]), "batch": .id, "given_for": .code([6, 9, 12]), "reason": .text(max: longText),
            "due_at": .localTime, "ordered_at": .timestamp,
        ]
        let responsible: [String: ColumnRule] = [
            "person_id": .id, "name": .text(max: nameLength), "role": .choice(ResponsibleRole.self),
            "phone": ColumnRule.phone.orNull, "created_at": .timestamp,
        ]
        func merged(_ base: [String: ColumnRule], _ own: [String: ColumnRule]) -> [String: ColumnRule] {
            base.merging(own) { $1 }
        }
        return [
            Person.databaseTableName: merged(common, person), Arrival.databaseTableName: merged(common, arrival),
            Measure.databaseTableName: merged(common, measure), MeasureEvent.databaseTableName: merged(common, event),
            LabTest.databaseTableName: merged(common, test), HealthCheck.databaseTableName: merged(common, check),
            DailyReport.databaseTableName: merged(common, report), Lead.databaseTableName: merged(county, lead),
            RiskArea.databaseTableName: merged(county, area), PolicyRecord.databaseTableName: merged(county, policy),
            VillageEntry.databaseTableName: merged(county, roster), Contact.databaseTableName: merged(common, contact),
            Household.databaseTableName: merged(common, household), SweepRound.databaseTableName: merged(common, round),
            SweepVisit.databaseTableName: merged(common, visit), SweepOrder.databaseTableName: merged(county, order),
            Responsible.databaseTableName: merged(common, responsible),
        ]
    }()

    /// Columns the schema fills in when a new row leaves them out (its `DEFAULT`s).
    /// By table (`deleted` in every table): a column named alike elsewhere may have none (`sweep_visit.result`).
    static let defaulted: [String: Set<String>] = [
        Arrival.databaseTableName: ["stays", "source"], DailyReport.databaseTableName: ["remarks"],
        HealthCheck.databaseTableName: ["symptoms"], LabTest.databaseTableName: ["result"],
        Measure.databaseTableName: ["phases"],
    ]

    /// The columns a new row of each table must carry (a rule that refuses null and no default), sorted: what the
    /// merge checks before it inserts a row, so that no insert is left for the database to refuse. A test holds
    /// this against the schema's NOT NULL columns.
    public static let required: [String: [String]] = Dictionary(
        uniqueKeysWithValues: tables.map { table, rules in
            let defaults = (defaulted[table] ?? []).union(["deleted"])
            return (
                table,
                rules.filter { column, rule in column != "id" && !rule.nullable && !defaults.contains(column) }.keys
                    .sorted()
            )
        })

    /// Why `change` breaks its table's rules, naming the column: an unknown table or column, a value of the wrong
    /// type, format, length or range, a resident ID that fails its check, or a person deleted without a reason.
    /// `masked`: the change comes relayed from a region that masks persons (`MaskedForm`), whose hashed id numbers and
    /// masked phones stand in for the real ones.
    public static func problem(in change: Change, masked: Bool = false) -> Localized? {
        guard let rules = tables[change.table] else {
            return Localized(zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        if !ColumnRule.isIdentifier(change.pk) {
            return Localized(zh: "\(change.table).id：不是有效的记录编号", en: "\(change.table).id: is not a valid record id")
        }
        if change.hlc <= 0 {
            return Localized(zh: "修改的时钟值无效", en: "the change's clock (hlc) must be positive")
        }
        if change.columns.values.isEmpty {
            return Localized(zh: "修改中没有任何字段", en: "the change has no columns")
        }
        for (column, value) in change.columns.values {
            guard let rule = rules[column] else {
                return Localized(
                    zh: "数据表 \(change.table) 没有列 \(column)", en: "table \(change.table) has no column \(column)")
            }
            if masked && MaskedForm.accepts(column, value) { continue }
            if let problem = rule.problem(value) { return named(change.table, column, problem) }
        }
        return crossColumnProblem(change.table, change.columns.values)
    }

    /// Columns that record what has already happened — a sample taken, a result, a check, an arrival, a departure,
    /// a last contact, a birth — by table: a day after the receiver's today is refused, as the village refuses it
    /// when a clerk types it. A sample "taken" on 2099-12-31 would otherwise count as a recent positive for ever, and
    /// the county traces recent positives' contacts (the second security review found that).
    public static let pastDays: [String: [String]] = [
        LabTest.databaseTableName: ["sampled_on", "result_on"], HealthCheck.databaseTableName: ["taken_on"],
        Arrival.databaseTableName: ["arrived_on", "departed_on"], Contact.databaseTableName: ["last_contact_on"],
        Person.databaseTableName: ["birth_date"],
    ]

    /// Why `change` dates something that has happened after `latest` (the receiver's today, plus the clock skew it
    /// allows), naming the column; nil when it does not.
    public static func futureProblem(in change: Change, latest: Day) -> Localized? {
        for column in pastDays[change.table] ?? [] {
            guard let text = change.columns.values[column]?.text, let day = Day(text), day > latest else { continue }
            return named(
                change.table, column, Localized(zh: "\(day) 在今天（\(latest)）之后", en: "\(day) is after today (\(latest))"))
        }
        return nil
    }

    /// Checks that span columns of one row's change.
    static func crossColumnProblem(_ table: String, _ values: [String: ColumnValue]) -> Localized? {
        switch table {
        case Person.databaseTableName:
            // A resident ID is checked in full (GB 11643) wherever the change says the number is one.
            if values["id_type"]?.text == IDType.residentID.rawValue, let number = values["id_number"]?.text,
                !MaskedForm.isHashedID(number),
                (try? ResidentID(number))?.number != number
            {
                return named(
                    table, "id_number", Localized(zh: "不是有效的 18 位身份证号", en: "is not a valid 18-character resident ID"))
            }
            // A deletion says why, as the village CLI requires: deleting is how an arrival could be hidden.
            if values["deleted"] == 1, (values["deleted_reason"]?.text ?? "").trimmed.isEmpty {
                return named(
                    table, "deleted_reason", Localized(zh: "删除人员必须说明原因", en: "a person is deleted only with a reason"))
            }
        case Contact.databaseTableName:
            if values["deleted"] == 1, (values["deleted_reason"]?.text ?? "").trimmed.isEmpty {
                return named(
                    table, "deleted_reason",
                    Localized(zh: "删除密接关系必须说明原因", en: "a contact link is deleted only with a reason"))
            }
        case DailyReport.databaseTableName:
            if values["deleted"] == 1 {
                return named(
                    table, "deleted", Localized(zh: "日报不能删除，只能重报", en: "a daily report cannot be deleted, only revised")
                )
            }
        default:
            break
        }
        return nil
    }

    static func named(_ table: String, _ column: String, _ problem: Localized) -> Localized {
        Localized(zh: "\(table).\(column)：\(problem.zh)", en: "\(table).\(column): \(problem.en)")
    }

    /// Refuses `text` for `table.column` as the county would, naming `field`: for entry points that want the
    /// refusal before the write (an import then names the line).
    public static func refuse(_ table: String, _ column: String, _ text: String, field: Field) throws {
        if let problem = tables[table]?[column]?.problem(.string(text)) { throw RegistryError(field, problem) }
    }

    /// Which of `names` / `values` (one row as the recorder writes it) is longer than `table`'s rules allow: the
    /// recorder's check. Typed records cannot break the other rules; free text typed by a clerk can be too long.
    static func lengthProblem(table: String, names: [String], values: [ColumnValue]) -> (
        column: String, reason: Localized
    )? {
        guard let rules = tables[table] else { return nil }
        for (column, value) in zip(names, values) {
            if let rule = rules[column], let problem = rule.lengthProblem(value) { return (column, problem) }
        }
        return nil
    }
}

extension ColumnRule {
    /// An identity document number: letters, digits, `-` and brackets (Hong Kong ids), 1 to 32 characters.
    /// A resident ID is checked in full when the change names the type (`SyncedRules.crossColumnProblem`).
    static let documentNumber = ColumnRule(.text) { value in
        let s = value.text
        let ok =
            (1...32).contains(s.utf8.count)
            && s.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || $0 == 0x2D || $0 == 0x28 || $0 == 0x29
            }
        return ok
            ? nil
            : Localized(
                zh: "证件号只能含数字、大写字母、- 和括号，最多 32 位",
                en: "may hold only digits, capital letters, - and brackets, at most 32")
    }

    /// A trip's stays: a JSON list of at most 50 `{code, name, from, to}`.
    static let stays = json(max: 20_000) { data in
        guard let stays = try? JSONDecoder().decode([Stay].self, from: data), (1...50).contains(stays.count) else {
            return Localized(zh: "不是有效的旅居史（1–50 段）", en: "is not a valid travel history (1 to 50 stays)")
        }
        for stay in stays {
            if code([6, 9, 12]).problem(.string(stay.code)) != nil && !Self.isCountryCode(stay.code) {
                return Localized(zh: "旅居地代码 \(stay.code.prefix(12)) 无效", en: "stay code is not an area code")
            }
            if let problem = SyncedRules.stayName.problem(.string(stay.name)) {
                return Localized(zh: "旅居地名称\(problem.zh)", en: "stay name \(problem.en)")
            }
        }
        return nil
    }

    /// An ISO 3166 numeric country code (three digits), for stays abroad.
    static func isCountryCode(_ s: String) -> Bool { s.utf8.count == 3 && s.isAllASCIIDigits }

    /// A measure's phases: a JSON list of at most 20 `{kind, starts_on, ends_on}`.
    static let phases = json(max: 4_000) { data in
        guard let phases = try? JSONDecoder().decode([Phase].self, from: data), phases.count <= 20,
            phases.allSatisfy({ $0.startsOn <= $0.endsOn })
        else {
            return Localized(zh: "不是有效的管控阶段", en: "is not a valid list of phases")
        }
        return nil
    }

    /// Symptom codes separated by commas.
    static let symptoms = ColumnRule(.text) { value in
        let s = value.text
        if s.isEmpty { return nil }
        let codes = s.split(separator: ",", omittingEmptySubsequences: false)
        guard codes.count <= Symptom.allCases.count, codes.allSatisfy({ Symptom(rawValue: String($0)) != nil }) else {
            return Localized(zh: "不是有效的症状代码", en: "is not a list of symptom codes")
        }
        return nil
    }

    /// A daily report's figures: each a whole number from 0 to `ReportFigures.maximum`, categories from the
    /// vocabulary. Bounded on arrival, so that no sum of them can overflow.
    static let figures = json(max: 4_000) { data in
        /// One entry of the figures object: a count, or the counts by category.
        enum Entry: Decodable {
            case count(Int64)
            case byCategory([String: Int64])
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let n = try? container.decode(Int64.self) {
                    self = .count(n)
                } else {
                    self = .byCategory(try container.decode([String: Int64].self))
                }
            }
        }
        guard let object = try? JSONDecoder().decode([String: Entry].self, from: data) else {
            return Localized(zh: "不是有效的日报数字", en: "is not a valid set of report figures")
        }
        let bounds = 0...Int64(ReportFigures.maximum)
        let known = Set(ReportFigures.rows.map(\.key))
        for (key, entry) in object {
            switch entry {
            case .byCategory(let counts) where key == "new_by_category":
                guard counts.allSatisfy({ Category(rawValue: $0.key) != nil && bounds.contains($0.value) }) else {
                    return Localized(zh: "new_by_category 无效", en: "new_by_category is not valid")
                }
            case .count(let n) where known.contains(key):
                guard bounds.contains(n) else {
                    return Localized(
                        zh: "\(key) 应为 0–\(ReportFigures.maximum) 的整数",
                        en: "\(key) must be a whole number from 0 to \(ReportFigures.maximum)")
                }
            default:
                return Localized(
                    zh: "未知或无效的日报项 \(key.prefix(40))", en: "unknown or invalid report figure \(key.prefix(40))")
            }
        }
        guard (try? JSONDecoder().decode(ReportFigures.self, from: data)) != nil else {
            return Localized(zh: "日报数字不完整", en: "report figures are incomplete")
        }
        return nil
    }
}
