import Foundation
import GRDB

/// The outcome of `registry import`.
public struct ImportReport: Sendable {
    /// A row that could not be imported, with where and why.
    public struct Rejected: Sendable {
        public var line: Int
        public var fields: [String]
        public var error: RegistryError
    }

    /// Trips registered by this import.
    public var imported = 0
    /// Trips that were already in the registry (same person, same arrival date): nothing written for them.
    public var alreadyPresent = 0
    /// Rows refused.
    public var rejected: [Rejected] = []
    /// Header cells the importer does not know (reported, not fatal).
    public var unknownColumns: [String] = []
    /// Whether anything was written (false for a dry run, or when all-or-nothing met a bad row).
    public var written = false
}

/// How an import treats bad rows.
public enum ImportMode: Sendable {
    /// Any bad row and nothing is written.
    case allOrNothing
    /// Good rows are written, bad ones reported.
    case skipInvalid
}

enum ImportColumns {
    /// Each intake field's header names: the English (JSON) name first, then the Chinese ones clerks use.
    static let headers: [(Field, [String])] = [
        (.name, ["name", "姓名"]),
        (.idType, ["id_type", "证件类型"]),
        (.idNumber, ["id_number", "身份证号", "身份证号码", "证件号码", "证件号"]),
        (.phone, ["phone", "手机号", "手机号码", "联系电话", "电话"]),
        (.from, ["from_code", "from", "来源地代码", "区划代码"]),
        (.fromName, ["from_name", "来源地", "来源地名称"]),
        (.stayedFrom, ["stayed_from", "到达来源地日期", "旅居开始日期"]),
        (.departed, ["departed", "离开日期", "离开来源地日期"]),
        (.arrived, ["arrived", "arrived_on", "到达日期", "返乡日期", "抵达日期"]),
        (.category, ["category", "人员类别"]),
        (.transport, ["transport", "交通方式"]),
        (.healthCode, ["health_code", "健康码"]),
        (.vaccineDoses, ["vaccine_doses", "疫苗剂次", "疫苗接种剂次"]),
        (.address, ["address", "住址", "现住址"]),
        (.source, ["source", "信息来源"]),
    ]
    static let required: [Field] = [.name, .idNumber, .from, .departed, .arrived]
}

extension Registry {
    /// Imports arrivals from a CSV file. Every row is validated as `intake` validates; rows of the same person
    /// with the same arrival date form one trip's travel history. Re-importing the same file adds nothing.
    /// - Parameter progress: called every 1,000 trips written with (written, total), for a progress line.
    public func importArrivals(_ csv: CSVFile, mode: ImportMode = .allOrNothing, dryRun: Bool = false,
                               progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        var report = ImportReport()
        var index: [Field: Int] = [:]
        for (field, names) in ImportColumns.headers { if let i = csv.column(names) { index[field] = i } }
        let known = Set(index.values)
        report.unknownColumns = csv.header.enumerated().filter { !known.contains($0.offset) && !$0.element.isEmpty }.map(\.element)
        for field in ImportColumns.required where index[field] == nil {
            let names = ImportColumns.headers.first { $0.0 == field }!.1
            throw RegistryError(.file, zh: "缺少必需的列“\(names[1])”（或 \(names[0])）", en: "missing the required column \(names[0]) (or \(names[1]))")
        }
        let today = clock.today
        // Validate row by row, so that each refusal names its line; then group rows into trips.
        // A trip of one row keeps the intake validated from that row (`valid`); one of several rows is validated
        // again as a whole below.
        var trips: [(key: String, lines: [Int], form: IntakeForm, valid: Intake?)] = []
        var tripIndex: [String: Int] = [:]
        for row in csv.rows {
            func cell(_ f: Field) -> String { index[f].map { $0 < row.fields.count ? row.fields[$0] : "" } ?? "" }
            var form = IntakeForm()
            form.name = cell(.name); form.idType = cell(.idType); form.idNumber = cell(.idNumber); form.phone = cell(.phone)
            form.stays = [.init(code: cell(.from), name: cell(.fromName), from: cell(.stayedFrom), to: cell(.departed))]
            form.arrived = cell(.arrived); form.category = cell(.category); form.transport = cell(.transport)
            form.healthCode = cell(.healthCode); form.vaccineDoses = cell(.vaccineDoses); form.address = cell(.address)
            form.source = cell(.source)
            do {
                let valid = try form.validated(today: today)
                let key = "\(valid.idNumber)|\(valid.arrived)"
                if let i = tripIndex[key] {
                    trips[i].form.stays += form.stays
                    trips[i].lines.append(row.line)
                    trips[i].valid = nil
                } else {
                    tripIndex[key] = trips.count
                    trips.append((key, [row.line], form, valid))
                }
            } catch {
                report.rejected.append(.init(line: row.line, fields: row.fields, error: RegistryError.from(error)))
            }
        }
        // A trip whose stays together do not validate (one stay after the arrival date) is refused on all its lines.
        var intakes: [Intake] = []
        for trip in trips {
            do {
                intakes.append(try trip.valid ?? trip.form.validated(today: today))
            } catch {
                for line in trip.lines {
                    let fields = csv.rows.first { $0.line == line }?.fields ?? []
                    report.rejected.append(.init(line: line, fields: fields, error: RegistryError.from(error)))
                }
            }
        }
        report.rejected.sort { $0.line < $1.line }
        if dryRun || (mode == .allOrNothing && !report.rejected.isEmpty) { return report }
        try write { db, recorder, settings in
            let rules = try RulesContext.load(db, settings: settings)
            for (i, intake) in intakes.enumerated() {
                if i % 1000 == 0 && i > 0 { progress?(i, intakes.count) }
                let outcome = try register(intake, db: db, recorder: &recorder, settings: settings, rules: rules, actor: "import")
                if outcome.isNewArrival { report.imported += 1 } else { report.alreadyPresent += 1 }
            }
        }
        report.written = true
        return report
    }
}
