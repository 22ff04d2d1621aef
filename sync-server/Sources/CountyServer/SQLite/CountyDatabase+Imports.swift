import GRDB
import RegistryCore

/// What the county publishes: its roster of villages and its risk-area list. Both are ordinary synced rows of
/// the county's own site, so that every village pulls them.
extension CountyDatabase {
    /// Imports the roster (`code,name,township_code,township_name`, or 村代码,村名,乡镇代码,乡镇); all or nothing.
    public func importVillages(_ csv: CSVFile) throws -> (added: Int, updated: Int) {
        func col(_ names: [String]) throws -> Int {
            guard let i = csv.column(names) else {
                throw RegistryError(
                    .file, zh: "缺少列 \(names.joined(separator: " / "))",
                    en: "missing column \(names.joined(separator: " / "))")
            }
            return i
        }
        let code = try col(["code", "村代码", "村（社区）代码", "区划代码"])
        let name = try col(["name", "村名", "村（社区）名称", "名称"])
        let township = try col(["township_code", "乡镇代码", "乡镇（街道）代码"])
        let townshipName = try col(["township_name", "乡镇", "乡镇（街道）"])
        return try write { db, recorder, settings in
            guard settings.level == .county else {
                throw RegistryError(
                    nil, zh: "村名册由县级服务器管理；\(settings.level.chinese)服务器导入下级区划：sync-server regions import",
                    en:
                        "villages belong to a county server; a \(settings.level.rawValue) server imports regions: sync-server regions import"
                )
            }
            var added = 0
            var updated = 0
            for row in csv.rows {
                func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
                do {
                    let village = try Validate.areaCode(cell(code), field: .village, lengths: [12])
                    let townshipCode = try Validate.areaCode(cell(township), field: .code, lengths: [9])
                    guard village.hasPrefix(townshipCode), townshipCode.hasPrefix(settings.county) else {
                        throw RegistryError(
                            .village, zh: "\(village) 不在乡镇 \(townshipCode) 或本县内",
                            en: "\(village) is not inside township \(townshipCode) of this county")
                    }
                    let entry = VillageEntry(
                        id: IDGenerator.stable("village|\(village)"), village: settings.county, code: village,
                        name: try Validate.required(cell(name), field: .name), townshipCode: townshipCode,
                        townshipName: try Validate.required(cell(townshipName), field: .name), deleted: false)
                    if let old = try VillageEntry.fetchOne(db, key: entry.id) {
                        if old != entry {
                            try recorder.update(entry, from: old)
                            updated += 1
                        }
                    } else {
                        try recorder.insert(entry)
                        added += 1
                    }
                } catch let error as RegistryError {
                    throw RegistryError(
                        error.field, zh: "第 \(row.line) 行：\(error.message(.zh))",
                        en: "line \(row.line): \(error.message(.en))")
                }
            }
            return (added, updated)
        }
    }

    /// Publishes a risk-area list (same columns as the village's `risk-areas import`).
    public func importRiskAreas(_ csv: CSVFile) throws -> RiskAreaImport {
        try write { db, recorder, settings in
            var partial: [Localized] = []
            var result = try RiskAreaImport.apply(
                try RiskArea.rows(from: csv, owner: settings.county, partial: &partial), db: db, recorder: &recorder)
            result.partial = partial
            return result
        }
    }
}

extension CountyDatabase {
    /// Imports leads (`village,name,id_number,phone,from_code,from_name,reason,deadline`, or Chinese headers):
    /// each goes to its village with a deadline. All or nothing; the same lead again (village, id number or
    /// phone, reason) is not sent twice.
    /// `counties`: at a city or a province, the counties of its roster (`CountyStore.regions()`), whose villages its
    /// leads may name. A lead's `village` may also be a township's 9 digits (one lead to each of its villages) or
    /// empty when the id number is given: the lead goes to each village that registered that person (found by the
    /// keyed hash under `mask` where persons arrived masked).
    public func importLeads(_ csv: CSVFile, counties: Set<String> = [], mask: RelayMask? = nil) throws -> (
        added: Int, unchanged: Int
    ) {
        func col(_ names: [String], required: Bool = true) throws -> Int? {
            let i = csv.column(names)
            if i == nil && required {
                throw RegistryError(
                    .file, zh: "缺少列 \(names.joined(separator: " / "))",
                    en: "missing column \(names.joined(separator: " / "))")
            }
            return i
        }
        let villageCol = try col(["village", "村代码", "村（社区）代码"])!
        let nameCol = try col(["name", "姓名"])!
        let idCol = try col(["id_number", "身份证号", "证件号码"], required: false)
        let phoneCol = try col(["phone", "手机号", "联系电话"], required: false)
        let fromCodeCol = try col(["from_code", "来源地代码"], required: false)
        let fromNameCol = try col(["from_name", "来源地"], required: false)
        let reasonCol = try col(["reason", "推送原因", "原因", "来源"], required: false)
        let deadlineCol = try col(["deadline", "截止日期", "核查时限"])!
        return try write { db, recorder, settings in
            // A county sends leads to its villages; a city or a province to villages of the counties on its roster, through
            // them (the lead goes down at their next `upstream sync`).
            // Villages by code, with their townships (at a city, the roster rows its counties relayed up).
            let roster = Dictionary(
                try Row.fetchAll(db, sql: "SELECT code, township_code FROM village WHERE deleted = 0").map {
                    ($0[0] as String, $0[1] as String)
                },
                uniquingKeysWith: { a, _ in a })
            /// A row's cell in column `i` (absent columns and short rows read as empty), trimmed.
            func trimmedCell(_ fields: [String], _ i: Int?) -> String {
                i.map { $0 < fields.count ? fields[$0].trimmingCharacters(in: .whitespaces) : "" } ?? ""
            }
            // The persons named by id number alone, looked up once for the whole file.
            let named = Set(
                csv.rows.compactMap { row -> String? in
                    trimmedCell(row.fields, villageCol).isEmpty
                        ? (try? ResidentID(trimmedCell(row.fields, idCol)))?.number : nil
                })
            let registered = named.isEmpty ? [:] : try CountyDatabase.persons(db, numbers: Array(named), mask: mask)
            var added = 0
            var unchanged = 0
            for row in csv.rows {
                func cell(_ i: Int?) -> String { trimmedCell(row.fields, i) }
                do {
                    let idNumber = cell(idCol).isEmpty ? nil : try ResidentID(cell(idCol)).number
                    let phone = cell(phoneCol).isEmpty ? nil : try Validate.phone(cell(phoneCol))
                    if idNumber == nil && phone == nil {
                        throw RegistryError(.idNumber, zh: "身份证号和手机号至少填一项", en: "give an id number or a phone")
                    }
                    let villages: [String]
                    if cell(villageCol).isEmpty {
                        guard let idNumber else {
                            throw RegistryError(
                                .village, zh: "未填村代码时须填身份证号",
                                en: "give a village, or an id number to find the person by")
                        }
                        villages = Set((registered[idNumber] ?? []).map(\.village)).sorted()
                        if villages.isEmpty {
                            throw RegistryError(
                                .village, zh: "辖区内没有登记此人，请填村或乡镇代码",
                                en: "nobody here registered this person: give a village or township")
                        }
                    } else {
                        let code = try Validate.areaCode(cell(villageCol), field: .village, lengths: [9, 12])
                        if code.count == 9 {
                            villages = roster.filter { $0.value == code }.keys.sorted()
                            if villages.isEmpty {
                                throw RegistryError(
                                    .village, zh: "乡镇 \(code) 在村名册中没有村",
                                    en: "township \(code) has no villages on the roster")
                            }
                        } else {
                            guard
                                roster[code] != nil
                                    || (settings.level != .county && counties.contains(String(code.prefix(6))))
                            else {
                                throw RegistryError(.village, zh: "\(code) 不在村名册中", en: "\(code) is not on the roster")
                            }
                            villages = [code]
                        }
                    }
                    let reason = cell(reasonCol)
                    // The place a lead came from, as a code or a name (resolved by the gazetteer); a name the
                    // gazetteer does not know is kept as the name alone.
                    var fromCode: String?
                    var fromName = cell(fromNameCol).isEmpty ? nil : cell(fromNameCol)
                    let typedPlace = cell(fromCodeCol).isEmpty ? cell(fromNameCol) : cell(fromCodeCol)
                    if !typedPlace.isEmpty {
                        do {
                            let place = try Validate.place(
                                typedPlace, name: cell(fromCodeCol).isEmpty ? "" : fromName ?? "", field: .from,
                                abroad: true)
                            (fromCode, fromName) = (place.code, place.name)
                        } catch  where !cell(fromCodeCol).isEmpty {
                            throw error
                        } catch {}
                    }
                    let name = try Validate.required(cell(nameCol), field: .name)
                    let deadline = try Validate.day(cell(deadlineCol), field: .deadline)
                    for village in villages {
                        let id = IDGenerator.stable("lead|\(village)|\(idNumber ?? phone!)|\(reason)")
                        if try Lead.fetchOne(db, key: id) != nil {
                            unchanged += 1
                            continue
                        }
                        try recorder.insert(
                            Lead(
                                id: id, village: village, name: name, idNumber: idNumber, phone: phone,
                                fromCode: fromCode, fromName: fromName,
                                reason: reason.isEmpty ? nil : reason, deadline: deadline))
                        added += 1
                    }
                } catch let error as RegistryError {
                    throw RegistryError(
                        nil, zh: "第 \(row.line) 行：\(error.message(.zh))", en: "line \(row.line): \(error.message(.en))")
                }
            }
            return (added, unchanged)
        }
    }
}
