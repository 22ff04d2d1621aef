import Foundation
import RegistryCore

/// What a server stands for. Reporting runs village → county → city → province (GB/T 2260 codes: a province's
/// code ends in 0000, a city's in 00, a county's in neither); a village token comes only from a county.
public enum RegionLevel: String, Sendable, CaseIterable {
    case county, city, province

    public var chinese: String {
        switch self {
        case .county: "县级"
        case .city: "市级"
        case .province: "省级"
        }
    }

    /// The level a 6-digit code names.
    public static func of(_ code: String) -> RegionLevel {
        code.hasSuffix("0000") ? .province : code.hasSuffix("00") ? .city : .county
    }

    /// How many leading digits of a code say it lies inside a region of this level.
    var prefixLength: Int {
        switch self {
        case .county: 6
        case .city: 4
        case .province: 2
        }
    }

    /// Whether `code` lies inside the region `region` of this level (the region itself included).
    func contains(_ code: String, region: String) -> Bool {
        code.prefix(prefixLength) == region.prefix(prefixLength)
    }

    /// The code and name of a new server at this level, checked. A county keeps the rule it always had (any
    /// 6 digits); a city's code ends in 00 and a province's in 0000.
    func checkSetup(code: String, name: String) throws -> (String, String) {
        let region = try Validate.areaCode(code, field: .code, lengths: [6])
        let name = try Validate.required(name, field: .name)
        if self != .county, RegionLevel.of(region) != self {
            throw RegistryError(
                .code, zh: "\(region) 不是\(chinese)区划代码（市级以 00 结尾，省级以 0000 结尾）",
                en: "\(region) is not a \(rawValue) code (a city's ends in 00, a province's in 0000)")
        }
        return (region, name)
    }

    /// Refuses to change the code or the level a database was set up with.
    func checkSameAsStored(code: String, stored: [CountySetting: String]) throws {
        if let existing = stored[.region], existing != code {
            throw RegistryError(.code, zh: "此数据库已属于 \(existing)", en: "this database already belongs to \(existing)")
        }
        let level = stored[.level].flatMap(RegionLevel.init(rawValue:)) ?? (stored[.region] == nil ? self : .county)
        if level != self {
            throw RegistryError(
                nil, zh: "此数据库是\(level.chinese)服务器，不能改为\(chinese)",
                en: "this database is a \(level.rawValue) server, not a \(rawValue)")
        }
    }
}

/// A region below a city or province server: a county under a city, a city or a county under a province.
public struct RegionEntry: Sendable, Equatable {
    public var code: String
    public var name: String
    public var parentCode: String

    public var level: RegionLevel { RegionLevel.of(code) }
}

public enum Regions {
    /// The regions of a roster file (`code,name,parent_code`, or 代码,名称,上级代码), every row checked before any is
    /// kept: a 6-digit code inside this server's region and below it, a name, and a parent that is this region or
    /// a city of the roster (the file's or the one kept) that the code lies inside.
    public static func parse(_ csv: CSVFile, settings: CountySettings, known: [RegionEntry]) throws
        -> [RegionEntry]
    {
        guard settings.level != .county else {
            throw RegistryError(
                nil, zh: "县级服务器没有下级区划名册：村名册用 sync-server villages import",
                en: "a county server has no region roster: use sync-server villages import for villages")
        }
        func column(_ names: [String]) throws -> Int {
            guard let i = csv.column(names) else {
                throw RegistryError(.file, zh: "缺少列：\(names[0])", en: "missing column: \(names[0])")
            }
            return i
        }
        let codeColumn = try column(["code", "代码", "区划代码"])
        let nameColumn = try column(["name", "名称", "区划名称"])
        let parentColumn = try column(["parent_code", "上级代码", "上级区划代码"])
        var entries: [RegionEntry] = []
        for row in csv.rows {
            func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
            func refuse(_ field: Field?, _ zh: String, _ en: String) -> RegistryError {
                RegistryError(field, zh: zh, en: en)
            }
            do {
                let code = try Validate.areaCode(cell(codeColumn), field: .code, lengths: [6])
                let name = try Validate.required(cell(nameColumn).trimmingCharacters(in: .whitespaces), field: .name)
                let parent = try Validate.areaCode(cell(parentColumn), field: .code, lengths: [6])
                // Inside this region and not itself: below a city only counties are, below a province cities and
                // counties (the code says which).
                guard code != settings.county, settings.level.contains(code, region: settings.county) else {
                    throw refuse(
                        .code, "\(code) 不在本级区划 \(settings.county) 之下", "\(code) is not below \(settings.county)")
                }
                guard name.count <= 60 else { throw refuse(.name, "名称最多 60 个字", "at most 60 characters") }
                // The parent: this server's region, or (a county under a province) a city it lies inside.
                let cities = Set((known + entries).filter { $0.level == .city }.map(\.code))
                let parentOK =
                    parent == settings.county
                    ? !(settings.level == .province && RegionLevel.of(code) == .county
                        && cities.contains(String(code.prefix(4)) + "00"))
                    : RegionLevel.of(code) == .county && RegionLevel.of(parent) == .city && cities.contains(parent)
                        && RegionLevel.city.contains(code, region: parent)
                guard parentOK else {
                    throw refuse(
                        nil, "上级代码 \(parent) 不对：应为本级 \(settings.county) 或名册中包含它的市",
                        "parent_code \(parent): must be \(settings.county) or a city of the roster that contains it")
                }
                entries.removeAll { $0.code == code }
                entries.append(RegionEntry(code: code, name: name, parentCode: parent))
            } catch let error as RegistryError {
                throw RegistryError(
                    nil, zh: "第 \(row.line) 行：\(error.message(.zh))", en: "line \(row.line): \(error.message(.en))")
            }
        }
        return entries
    }
}

extension CountyStore {
    /// Reads, checks and keeps a region roster file; nothing is kept when any row is refused.
    public func importRegions(_ csv: CSVFile) async throws -> (added: Int, updated: Int) {
        let entries = try Regions.parse(csv, settings: try await settings(), known: try await regions())
        return try await setRegions(entries)
    }
}
