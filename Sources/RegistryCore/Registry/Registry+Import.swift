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
        (.companions, ["companions", "同行人", "同行人身份证号"]),
        (.household, ["household", "同户", "户主身份证号"]),
    ]
    /// The columns a file must have, each group by one of its fields: the place may come as a code or as a name
    /// (`from_name` alone is resolved through the gazetteer).
    static let required: [[Field]] = [[.name], [.idNumber], [.from, .fromName], [.departed], [.arrived]]
}

/// Thrown inside an all-or-nothing import's transaction to undo it when a trip fails as a whole.
private struct ImportAbandoned: Error {}

extension Category {
    /// A category cell as an import takes it: an override (密接, 次密接, 入境) is kept; a category the travel history
    /// gives (低风险区 and the rest, what an export writes) is dropped, since the trip is classified again by the same
    /// rules, so that a file exported here imports back. Text that is no category stays, to be refused by name.
    static func importable(_ text: String) -> String {
        guard let category = try? Validate.choice(text, field: .category) as Category,
            !Category.overrides.contains(category)
        else { return text }
        return ""
    }
}
/// Thrown at the end of a dry run's transaction: everything was done, counted, and is undone.
private struct ImportDryRun: Error {}

extension Registry {
    /// How many validated rows an import keeps between its passes: about 100 MB at this many (a file of a million
    /// rows validates the rest twice rather than hold them all).
    public static let keptIntakes = 200_000
}

extension Registry {
    /// Imports arrivals from a CSV file. Every row is validated as `intake` validates; rows of the same person
    /// with the same arrival date form one trip's travel history. Re-importing the same file adds nothing.
    ///
    /// Two passes over the rows, so that memory stays bounded for a file of a million rows: the first validates each
    /// row and counts the rows of each trip (by a hash of its key); the second, inside the write transaction,
    /// registers a one-row trip at once and holds a trip of several rows only until its last row is read.
    /// - Parameters:
    ///   - progress: called every 1,000 trips written with (written, total), for a progress line.
    ///   - keeping: how many validated rows pass 1 keeps for pass 2 (the rest are validated again there).
    public func importArrivals<Rows: CSVRows>(
        _ file: Rows, mode: ImportMode = .allOrNothing, dryRun: Bool = false,
        progress: ((Int, Int) -> Void)? = nil, keeping keptIntakes: Int = Registry.keptIntakes
    ) throws -> ImportReport {
        var report = ImportReport()
        // The header is the first of the first ten rows that names every required column (title rows above it).
        let csv =
            try file.locatingHeader(within: 10) { cells in
                ImportColumns.required.allSatisfy { group in
                    group.contains { field in
                        let names = ImportColumns.headers.first { $0.0 == field }!.1
                        return cells.contains { cell in
                            names.contains { $0.caseInsensitiveCompare(cell) == .orderedSame }
                        }
                    }
                }
            } ?? file
        var index: [Field: Int] = [:]
        for (field, names) in ImportColumns.headers { if let i = csv.column(names) { index[field] = i } }
        let known = Set(index.values)
        report.unknownColumns = csv.header.enumerated().filter { !known.contains($0.offset) && !$0.element.isEmpty }
            .map(\.element)
        for group in ImportColumns.required where group.allSatisfy({ index[$0] == nil }) {
            let names = ImportColumns.headers.first { $0.0 == group[0] }!.1
            throw RegistryError(
                .file, zh: "缺少必需的列“\(names[1])”（或 \(names[0])）",
                en: "missing the required column \(names[0]) (or \(names[1]))")
        }
        let today = clock.today
        func form(_ fields: [String]) -> IntakeForm {
            func cell(_ f: Field) -> String { index[f].map { $0 < fields.count ? fields[$0] : "" } ?? "" }
            var form = IntakeForm()
            form.name = cell(.name)
            form.idType = cell(.idType)
            form.idNumber = cell(.idNumber)
            form.phone = cell(.phone)
            form.stays = [.init(code: cell(.from), name: cell(.fromName), from: cell(.stayedFrom), to: cell(.departed))]
            form.arrived = cell(.arrived)
            form.category = Category.importable(cell(.category))
            form.transport = cell(.transport)
            form.healthCode = cell(.healthCode)
            form.vaccineDoses = cell(.vaccineDoses)
            form.address = cell(.address)
            form.source = cell(.source)
            form.companions = cell(.companions).isEmpty ? [] : [cell(.companions)]
            form.household = cell(.household)
            return form
        }
        // Pass 1: each row alone, so that each refusal names its line; how many valid rows each trip has. The first
        // `keptIntakes` valid rows are kept as validated, so that pass 2 does not validate them again (11 % of an
        // import's time); past that, memory stays bounded and pass 2 validates again.
        var rowsPerTrip: [Int: Int32] = [:]
        var kept: [Intake] = []
        try csv.forEachRow { line, fields in
            do {
                let valid = try form(fields).validated(today: today)
                rowsPerTrip["\(valid.idNumber)|\(valid.arrived)".hashValue, default: 0] += 1
                if kept.count < keptIntakes { kept.append(valid) }
            } catch {
                report.rejected.append(.init(line: line, fields: fields, error: RegistryError.from(error)))
            }
        }
        if mode == .allOrNothing && !report.rejected.isEmpty { return report }
        let rejectedLines = Set(report.rejected.map(\.line))

        // Pass 2: trips as their rows complete them. A trip whose stays together do not validate (one stay after the
        // arrival date) is refused on all its lines; under all-or-nothing that undoes the whole import.
        var written = 0
        func importTrips(_ register: (Intake) throws -> Void) throws {
            var open: [String: (lines: [Int], fields: [[String]], form: IntakeForm)] = [:]
            func finish(_ key: String) throws {
                guard let trip = open.removeValue(forKey: key) else { return }
                do {
                    try register(try trip.form.validated(today: today))
                } catch let error as RegistryError {
                    for (line, fields) in zip(trip.lines, trip.fields) {
                        report.rejected.append(.init(line: line, fields: fields, error: error))
                    }
                    if mode == .allOrNothing { throw ImportAbandoned() }
                }
            }
            var validRow = 0
            try csv.forEachRow { line, fields in
                guard !rejectedLines.contains(line) else { return }
                defer { validRow += 1 }
                let valid = try validRow < kept.count ? kept[validRow] : form(fields).validated(today: today)
                let key = "\(valid.idNumber)|\(valid.arrived)"
                let expected = rowsPerTrip[key.hashValue] ?? 1
                if expected == 1 && open[key] == nil { return try register(valid) }
                let rowForm = form(fields)
                open[key, default: ([], [], IntakeForm())].lines.append(line)
                open[key]!.fields.append(fields)
                if open[key]!.lines.count == 1 {
                    open[key]!.form = rowForm
                } else {
                    open[key]!.form.stays += rowForm.stays
                    open[key]!.form.companions += rowForm.companions
                }
                if open[key]!.lines.count >= Int(expected) { try finish(key) }
            }
            // Trips whose rows shared a hash with another trip's complete only here.
            for key in open.keys.sorted() { try finish(key) }
        }
        // A dry run does the whole import in the transaction and rolls it back, so that its counts (new, already
        // there, refused) are those the real import would have.
        do {
            try write { db, recorder, settings in
                var rules = try RulesContext.load(db, settings: settings)
                try rules.askPositives(db)
                try importTrips { intake in
                    written += 1
                    if written % 1000 == 0 { progress?(written, rowsPerTrip.count) }
                    let outcome = try register(
                        intake, db: db, recorder: &recorder, settings: settings, rules: rules,
                        actor: "\(settings.villageName)（批量导入）")
                    if outcome.isNewArrival { report.imported += 1 } else { report.alreadyPresent += 1 }
                }
                if dryRun { throw ImportDryRun() }
            }
            report.written = true
        } catch is ImportAbandoned {
            (report.imported, report.alreadyPresent) = (0, 0)
        } catch is ImportDryRun {}
        report.rejected.sort { $0.line < $1.line }
        return report
    }
}
