import Foundation
import GRDB

/// What a household register import did.
public struct HouseholdImportReport: Sendable {
    /// New households written.
    public var added = 0
    /// Households already in the register (same address) whose details the file changed.
    public var updated = 0
    /// Rows the same as the register already holds.
    public var unchanged = 0
    /// Rows refused, with the line each starts on.
    public var rejected: [(line: Int, error: RegistryError)] = []
    /// Whether anything was written (nothing when a row was refused and the import is all-or-nothing, or a dry run).
    public var written = false
}

/// One household as `households list` shows it.
public struct HouseholdLine: Sendable, Encodable {
    public var household: Household
    /// Persons registered in it (returnees and their families).
    public var registered: Int
}

extension Registry {
    /// The register file's columns: English name, then the Chinese headings a village's sheet uses.
    static let householdColumns: [(Field, [String])] = [
        (.address, ["address", "住址", "地址", "家庭住址", "门牌"]),
        (.headName, ["head_name", "户主", "户主姓名"]),
        (.headIdNumber, ["head_id_number", "户主身份证号", "户主身份证号码", "身份证号"]),
        (.phone, ["phone", "联系电话", "电话", "手机号"]),
        (.members, ["members", "人口", "人数", "户内人口", "家庭人口"]),
        (.grid, ["grid", "网格", "村民小组", "组", "网格/村民小组"]),
        (.remarks, ["notes", "备注"]),
    ]

    /// Imports the household register (户籍/常住户台账): one household per row, checked as a clerk's input is. A row
    /// at an address the register already holds updates it; at an address where persons are registered, it becomes
    /// their household. All-or-nothing unless `skipInvalid`, in which case the good rows are written.
    public func importHouseholds<Rows: CSVRows>(_ csv: Rows, skipInvalid: Bool, dryRun: Bool = false) throws
        -> HouseholdImportReport
    {
        var columns: [Field: Int] = [:]
        for (field, names) in Self.householdColumns { columns[field] = csv.column(names) }
        guard columns[.address] != nil else {
            throw RegistryError(
                .file, zh: "找不到“住址”列（表头应含 住址 或 address）", en: "no address column (the header needs 住址 or address)")
        }
        let today = clock.today
        var report = HouseholdImportReport()
        var rows: [(line: Int, row: HouseholdRow)] = []
        var seen: [String: Int] = [:]
        try csv.forEachRow { line, fields in
            func cell(_ field: Field) -> String? {
                guard let i = columns[field], i < fields.count else { return nil }
                let text = fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            do {
                let row = try HouseholdRow(
                    address: cell(.address), headName: cell(.headName), headIdNumber: cell(.headIdNumber),
                    phone: cell(.phone), members: cell(.members), grid: cell(.grid), notes: cell(.remarks), today: today
                )
                if let first = seen[row.address] {
                    throw RegistryError(
                        .address, zh: "与第 \(first) 行住址相同（同一户只填一行）",
                        en: "the same address as line \(first) (one row per household)")
                }
                seen[row.address] = line
                rows.append((line, row))
            } catch let error as RegistryError {
                report.rejected.append((line, error))
            }
        }
        if (!report.rejected.isEmpty && !skipInvalid) || dryRun {
            report.added = rows.count
            return report
        }
        let now = nowText
        let counts = try write { db, recorder, settings -> (Int, Int, Int) in
            var added = 0, updated = 0, unchanged = 0
            for (_, row) in rows {
                if let existing = try Household.filter(
                    Household.Columns.address == row.address && Household.Columns.deleted == false
                )
                .fetchOne(db) {
                    var changed = existing
                    row.fill(&changed)
                    if changed == existing {
                        unchanged += 1
                    } else {
                        try recorder.update(changed, from: existing)
                        updated += 1
                    }
                    continue
                }
                // A household formed at this address (its first person lives here): the register's row is that
                // household. A member who joined a household living elsewhere does not make this address theirs.
                let founder = try Person.filter(
                    Person.Columns.address == row.address && Person.Columns.deleted == false
                        && (Person.Columns.household == nil || Person.Columns.household == Person.Columns.id)
                ).order(Person.Columns.id).fetchOne(db)
                var id = founder?.householdKey ?? ids.make()
                let taken = try Household.fetchOne(db, key: id)
                if let taken, !taken.deleted { id = ids.make() }
                var household = Household(
                    id: id, village: settings.village, address: row.address, headName: nil, headIdNumber: nil,
                    phone: nil, members: nil, grid: nil, notes: nil, createdAt: now)
                row.fill(&household)
                if let old = taken, old.id == id {  // deleted once, registered again
                    household.deleted = false
                    try recorder.update(household, from: old)
                } else {
                    try recorder.insert(household)
                }
                added += 1
            }
            return (added, updated, unchanged)
        }
        (report.added, report.updated, report.unchanged) = counts
        report.written = true
        return report
    }

    /// The register's households, by grid then address, with how many persons are registered in each.
    public func householdRegister(grid: String? = nil) throws -> [HouseholdLine] {
        try read { db, _ in
            var request = Household.filter(Household.Columns.deleted == false)
            if let grid = grid?.trimmingCharacters(in: .whitespaces), !grid.isEmpty {
                request = request.filter(Household.Columns.grid == grid)
            }
            let households = try request.order(Household.Columns.grid, Household.Columns.address).fetchAll(db)
            var registered: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT coalesce(household, id) AS h, count(*) AS n FROM person WHERE deleted = 0 GROUP BY h")
            {
                registered[row["h"]] = row["n"]
            }
            return households.map { HouseholdLine(household: $0, registered: registered[$0.id] ?? 0) }
        }
    }

    /// The register's household `query` names: its id, its address, or its head's id number or name (also a part of
    /// an address, when only one household has it).
    static func resolveHousehold(_ db: Database, _ query: String) throws -> Household {
        let query = query.trimmingCharacters(in: .whitespacesAndNewlines)
        let alive = Household.Columns.deleted == false
        for column in [
            Household.Columns.id, Household.Columns.address, Household.Columns.headIdNumber,
            Household.Columns.headName,
        ] {
            let found = try Household.filter(column == query && alive).limit(6).fetchAll(db)
            if found.count == 1 { return found[0] }
            if found.count > 1 { throw ambiguous(query, found) }
        }
        if !query.isEmpty {
            let found = try Household.filter(Household.Columns.address.like("%\(query)%") && alive).limit(6).fetchAll(
                db)
            if found.count == 1 { return found[0] }
            if found.count > 1 { throw ambiguous(query, found) }
        }
        throw RegistryError(
            .household, zh: "户籍台账中找不到“\(query)”（请输入住址、户主姓名或身份证号）",
            en: "no household of the register matches \"\(query)\" (give its address, or its head's name or id number)")
    }

    private static func ambiguous(_ query: String, _ found: [Household]) -> RegistryError {
        let list = found.prefix(5).map { "\($0.address)（\($0.headName ?? "—")）" }.joined(separator: "、")
        return RegistryError(
            .household, zh: "“\(query)”对应多户：\(list)，请写完整住址", en: "\"\(query)\" matches several households: \(list)")
    }
}

/// One row of a register file, checked.
struct HouseholdRow {
    var address: String
    var headName: String?
    var headIdNumber: String?
    var phone: String?
    var members: Int?
    var grid: String?
    var notes: String?

    init(
        address: String?, headName: String?, headIdNumber: String?, phone: String?, members: String?, grid: String?,
        notes: String?, today: Day
    ) throws {
        let address = try Validate.required(address, field: .address)
        try SyncedRules.refuse(Household.databaseTableName, "address", address, field: .address)
        self.address = address
        if let headName { try SyncedRules.refuse(Household.databaseTableName, "head_name", headName, field: .headName) }
        self.headName = headName
        do {
            self.headIdNumber = try headIdNumber.map { try ResidentID($0, today: today).number }
        } catch let error as RegistryError {
            throw RegistryError(.headIdNumber, error.reason)
        }
        self.phone = try phone.map(Validate.phone)
        if let members {
            guard let n = Int(members), (0...999).contains(n) else {
                throw RegistryError(
                    .members, zh: "“\(members)”不是 0–999 的人数", en: "\"\(members)\" is not a count of 0–999")
            }
            self.members = n
        }
        if let grid { try SyncedRules.refuse(Household.databaseTableName, "grid", grid, field: .grid) }
        self.grid = grid
        if let notes { try SyncedRules.refuse(Household.databaseTableName, "notes", notes, field: .remarks) }
        self.notes = notes
    }

    /// Writes the row's details into `household`, keeping what the row leaves blank.
    func fill(_ household: inout Household) {
        household.address = address
        if let headName { household.headName = headName }
        if let headIdNumber { household.headIdNumber = headIdNumber }
        if let phone { household.phone = phone }
        if let members { household.members = members }
        if let grid { household.grid = grid }
        if let notes { household.notes = notes }
    }
}
