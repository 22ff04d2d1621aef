import GRDB

/// What a risk-area import did.
public struct RiskAreaImport: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    /// Rows whose place the gazetteer knew only in part (a street not in the data: kept at its district).
    public var partial: [Localized] = []
    /// Persons classified again because an area is new, raised or in force earlier (信息返流), at a village.
    public var reclassified: [Reclassification] = []

    public init() {}

    /// What an import did, as both programs print it: the counts, then each row known only in part.
    public func text(_ lang: Language) -> String {
        let head =
            lang == .zh
            ? "风险区：新增 \(added)，更新 \(updated)，无变化 \(unchanged)"
            : "Risk areas: \(added) added, \(updated) updated, \(unchanged) unchanged"
        var lines = [head] + partial.map { (lang == .zh ? "注意：" : "Note: ") + $0(lang) }
        if let alert = Reclassification.alert(reclassified, lang) { lines.insert(alert, at: 0) }
        return lines.joined(separator: "\n")
    }

    /// Writes `areas`: new ones added, changed ones (an area lifted) updated, the same list again unchanged. An
    /// area already held keeps its owner (a county-published area stays the county's).
    public static func apply(_ areas: [RiskArea], db: Database, recorder: inout ChangeRecorder) throws -> RiskAreaImport
    {
        var result = RiskAreaImport()
        for var area in areas {
            // A row published before ids carried the region is found by its old id, and keeps it.
            if try !RiskArea.exists(db, key: area.id),
                let legacy = try RiskArea.fetchOne(
                    db, key: RiskArea.legacyID(code: area.code, inForceFrom: area.inForceFrom))
            {
                area.id = legacy.id
            }
            if let old = try RiskArea.fetchOne(db, key: area.id) {
                var new = area
                new.village = old.village
                if new == old {
                    result.unchanged += 1
                } else {
                    try recorder.update(new, from: old)
                    result.updated += 1
                }
            } else {
                try recorder.insert(area)
                result.added += 1
            }
        }
        return result
    }
}

extension RiskArea {
    /// Reads the risk-area list (`code,name,level,in_force_from,lifted_on`, English or Chinese headers). Every
    /// row is checked before anything is written; the first bad row is refused with its line and column.
    /// The areas of a risk-area list, each row's place given by its code or, with the code empty or its column
    /// absent, by its name (resolved to the deepest division the gazetteer knows; `partial` says which rows were
    /// known only in part).
    public static func rows(from csv: CSVFile, owner: String) throws -> [RiskArea] {
        var partial: [Localized] = []
        return try rows(from: csv, owner: owner, partial: &partial)
    }

    public static func rows(from csv: CSVFile, owner: String, partial: inout [Localized]) throws -> [RiskArea] {
        func col(_ names: [String], _ field: Field) throws -> Int {
            guard let i = csv.column(names) else {
                throw RegistryError(
                    field, zh: "缺少列（\(names.joined(separator: " / "))）",
                    en: "missing column (\(names.joined(separator: " / ")))")
            }
            return i
        }
        let code = csv.column(["code", "区划代码", "地区代码", "代码"])
        let name = try col(["name", "名称", "地区", "风险区"], .name)
        let level = try col(["level", "风险等级", "等级"], .level)
        let from = try col(["in_force_from", "生效日期", "开始日期"], .inForceFrom)
        let lifted = csv.column(["lifted_on", "解除日期", "解封日期"])
        var notes: [Localized] = []
        let areas = try csv.rows.map { row in
            func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
            do {
                let typedCode = code.map(cell) ?? ""
                let place = try Validate.place(
                    typedCode.trimmed.isEmpty ? cell(name) : typedCode, name: cell(name),
                    field: typedCode.trimmed.isEmpty ? .name : .code, abroad: false)
                let areaCode = place.code
                if let note = place.note {
                    notes.append(Localized(zh: "第 \(row.line) 行：\(note.zh)", en: "line \(row.line): \(note.en)"))
                }
                let start = try Validate.day(cell(from), field: .inForceFrom)
                let end = try Validate.optionalDay(lifted.map(cell), field: .liftedOn)
                if let end, end <= start {
                    throw RegistryError(
                        .liftedOn, zh: "解除日期 \(end) 不晚于生效日期 \(start)", en: "\(end) is not after \(start)")
                }
                return RiskArea(
                    id: RiskArea.stableID(code: areaCode, inForceFrom: start, owner: owner), village: owner,
                    code: areaCode,
                    name: try Validate.required(cell(name), field: .name),
                    level: try Validate.choice(cell(level), field: .level), inForceFrom: start,
                    liftedOn: end, deleted: false)
            } catch let error as RegistryError {
                throw RegistryError(
                    error.field, zh: "第 \(row.line) 行：\(error.message(.zh))",
                    en: "line \(row.line): \(error.message(.en))")
            }
        }
        partial = notes
        return areas
    }
}

extension Registry {
    /// Imports a risk-area list: new areas are added, changed ones (an area lifted) updated, the same list
    /// again changes nothing. All or nothing.
    public func importRiskAreas(_ csv: CSVFile) throws -> RiskAreaImport {
        try write { db, recorder, settings in
            var partial: [Localized] = []
            let before = try RiskArea.fetchAll(db)
            var result = try RiskAreaImport.apply(
                try RiskArea.rows(from: csv, owner: settings.village, partial: &partial), db: db, recorder: &recorder)
            result.partial = partial
            let tightened = RiskAreaChange.tightened(before: before, after: try RiskArea.fetchAll(db))
            result.reclassified = try reclassify(after: tightened, db: db, recorder: &recorder, settings: settings)
            return result
        }
    }

    /// Every risk area, in force first, then by code.
    public func riskAreas() throws -> [RiskArea] {
        try read { db, _ in
            try RiskArea.filter(RiskArea.Columns.deleted == false).order(
                RiskArea.Columns.liftedOn != nil, RiskArea.Columns.code
            ).fetchAll(
                db)
        }
    }
}
