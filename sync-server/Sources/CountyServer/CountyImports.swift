import GRDB
import RegistryCore

/// What the county publishes: its roster of villages and its risk-area list. Both are ordinary synced rows of
/// the county's own site, so that every village pulls them.
extension CountyDatabase {
    /// Imports the roster (`code,name,township_code,township_name`, or 村代码,村名,乡镇代码,乡镇); all or nothing.
    public func importVillages(_ csv: CSVFile) throws -> (added: Int, updated: Int) {
        func col(_ names: [String]) throws -> Int {
            guard let i = csv.column(names) else {
                throw RegistryError(.file, zh: "缺少列 \(names.joined(separator: " / "))", en: "missing column \(names.joined(separator: " / "))")
            }
            return i
        }
        let code = try col(["code", "村代码", "村（社区）代码", "区划代码"]), name = try col(["name", "村名", "村（社区）名称", "名称"])
        let township = try col(["township_code", "乡镇代码", "乡镇（街道）代码"]), townshipName = try col(["township_name", "乡镇", "乡镇（街道）"])
        return try write { db, recorder, settings in
            var added = 0, updated = 0
            for row in csv.rows {
                func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
                do {
                    let village = try Validate.areaCode(cell(code), field: .village, lengths: [12])
                    let townshipCode = try Validate.areaCode(cell(township), field: .code, lengths: [9])
                    guard village.hasPrefix(townshipCode), townshipCode.hasPrefix(settings.county) else {
                        throw RegistryError(.village, zh: "\(village) 不在乡镇 \(townshipCode) 或本县内", en: "\(village) is not inside township \(townshipCode) of this county")
                    }
                    let entry = VillageEntry(id: IDGenerator.stable("village|\(village)"), village: settings.county, code: village,
                                             name: try Validate.required(cell(name), field: .name), townshipCode: townshipCode,
                                             townshipName: try Validate.required(cell(townshipName), field: .name), deleted: false)
                    if let old = try VillageEntry.fetchOne(db, key: entry.id) {
                        if old != entry { try recorder.update(entry, from: old); updated += 1 }
                    } else {
                        try recorder.insert(entry)
                        added += 1
                    }
                } catch let error as RegistryError {
                    throw RegistryError(error.field, zh: "第 \(row.line) 行：\(error.message(.zh))", en: "line \(row.line): \(error.message(.en))")
                }
            }
            return (added, updated)
        }
    }

    /// Publishes a risk-area list (same columns as the village's `risk-areas import`).
    public func importRiskAreas(_ csv: CSVFile) throws -> RiskAreaImport {
        try write { db, recorder, settings in
            try RiskAreaImport.apply(try RiskArea.rows(from: csv, owner: settings.county), db: db, recorder: &recorder)
        }
    }
}
