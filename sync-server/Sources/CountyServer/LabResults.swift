import Foundation
import GRDB
import RegistryCore

/// Results from the county's laboratories (村报告、乡采样、县检测): the lab's sheet, one row a sample, matched to the
/// test the village recorded for that person on that sample day. The result is written at the county's site into
/// the village's own row, so the village pulls it at its next sync (as a person correction travels).
public enum LabResults {
    /// One row of the lab's sheet, checked.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var idNumber: String
        public var name: String
        public var sampledOn: Day
        public var result: TestResult
        public var lab: String?
    }

    /// A row not written, and why: nobody registered with that number (a lead for the county: someone tested
    /// who is not on any village's register), no sample recorded that day, or a different result already there.
    public struct Unwritten: Sendable, Equatable {
        public var row: Row
        public var reason: Localized
    }

    /// What an import did.
    public struct Outcome: Sendable {
        public var recorded = 0
        public var unchanged = 0
        public var positives = 0
        public var leadsRaised = 0
        public var unmatched: [Unwritten] = []
        public var conflicts: [Unwritten] = []

        public func text(_ language: Language) -> String {
            var lines = [
                language == .zh
                    ? "检测结果：写入 \(recorded)（阳性 \(positives)），已有相同结果 \(unchanged)，未匹配 \(unmatched.count)，结果冲突未写 \(conflicts.count)"
                        + (leadsRaised > 0 ? "，新增密接核查线索 \(leadsRaised)" : "")
                    : "results: \(recorded) recorded (\(positives) positive), \(unchanged) already there, \(unmatched.count) unmatched, \(conflicts.count) conflicting, not written"
                        + (leadsRaised > 0 ? ", \(leadsRaised) contact leads raised" : "")
            ]
            for item in unmatched + conflicts {
                let row = item.row
                lines.append(
                    language == .zh
                        ? "  第 \(row.line) 行 \(row.name) \(Mask.idNumber(row.idNumber)) \(row.sampledOn) 采样 \(row.result.chinese)：\(item.reason.zh)"
                        : "  line \(row.line) \(row.name) \(Mask.idNumber(row.idNumber)) sampled \(row.sampledOn) \(row.result.rawValue): \(item.reason.en)"
                )
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The rows of a lab sheet (`id_number,name,sampled_on,result[,lab]`, or 身份证号,姓名,采样日期,结果,检测机构),
    /// every one checked before any is used: a valid resident ID, a name, a sample day not after `today`, a result
    /// (阴性/阳性/无效 or negative/positive/invalid), a lab name of at most 60 characters.
    public static func parse(_ csv: CSVFile, today: Day) throws -> [Row] {
        func column(_ names: [String], required: Bool = true) throws -> Int? {
            guard let i = csv.column(names) else {
                if !required { return nil }
                throw RegistryError(.file, zh: "缺少列：\(names[1])（\(names[0])）", en: "missing column: \(names[0])")
            }
            return i
        }
        let idColumn = try column(["id_number", "身份证号", "证件号码"])!
        let nameColumn = try column(["name", "姓名"])!
        let sampledColumn = try column(["sampled_on", "采样日期"])!
        let resultColumn = try column(["result", "结果", "检测结果"])!
        let labColumn = try column(["lab", "检测机构"], required: false)
        return try csv.rows.map { row in
            func cell(_ i: Int?) -> String { i.map { $0 < row.fields.count ? row.fields[$0] : "" } ?? "" }
            do {
                let sampled = try Validate.day(cell(sampledColumn), field: .sampled)
                guard sampled <= today else {
                    throw RegistryError(.sampled, zh: "\(sampled) 在今天之后", en: "\(sampled) is after today")
                }
                let result = try Validate.choice(cell(resultColumn), field: .result, as: TestResult.self)
                guard result != .pending else {
                    throw RegistryError(.result, zh: "检测结果不能是待出结果", en: "a lab result cannot be pending")
                }
                let lab = cell(labColumn).trimmingCharacters(in: .whitespaces).nonEmpty
                if let lab, lab.count > 60 { throw RegistryError(.lab, zh: "最多 60 个字", en: "at most 60 characters") }
                return Row(
                    line: row.line, idNumber: try ResidentID(cell(idColumn)).number,
                    name: try Validate.required(cell(nameColumn), field: .name),
                    sampledOn: sampled, result: result, lab: lab)
            } catch let error as RegistryError {
                throw RegistryError(
                    nil, zh: "第 \(row.line) 行：\(error.message(.zh))", en: "line \(row.line): \(error.message(.en))")
            }
        }
    }
}

extension CountyDatabase {
    /// Writes the results of `rows` into the tests they match, in one transaction: a test still pending takes the
    /// result (the day of the import as its result day); the same result again changes nothing; a different result
    /// already recorded is left as it is and reported (a correction is the lab's and the village's to make
    /// knowingly). A positive then raises leads for its contacts in other villages, as a pushed one does.
    /// At a city or a province the rows are matched in every county's villages (by the number's keyed hash where
    /// persons arrived masked: `mask`); the result goes down to the village through its county. Contact leads are
    /// then the counties' to raise (at their next merge run), where contacts are held with their real numbers.
    public func recordLabResults(_ rows: [LabResults.Row], mask: RelayMask? = nil) throws -> LabResults.Outcome {
        try write { db, recorder, settings in
            var outcome = LabResults.Outcome()
            let persons = try CountyDatabase.persons(db, numbers: rows.map(\.idNumber), mask: mask)
            for row in rows {
                guard let registered = persons[row.idNumber], !registered.isEmpty else {
                    outcome.unmatched.append(
                        .init(row: row, reason: Localized(zh: "没有登记此人（待核查）", en: "nobody registered with this number")))
                    continue
                }
                let tests = try LabTest.filter(
                    registered.map(\.id).contains(Column("person_id")) && Column("sampled_on") == "\(row.sampledOn)"
                        && Column("deleted") == false
                ).fetchAll(db)
                guard !tests.isEmpty else {
                    outcome.unmatched.append(
                        .init(
                            row: row,
                            reason: Localized(zh: "已登记，但没有当日采样记录", en: "registered, but no sample recorded that day")))
                    continue
                }
                for test in tests {
                    if test.result == row.result {
                        outcome.unchanged += 1
                    } else if test.result == .pending {
                        var updated = test
                        updated.result = row.result
                        updated.resultOn = clock.today
                        if let lab = row.lab { updated.lab = lab }
                        try recorder.update(updated, from: test)
                        outcome.recorded += 1
                        if row.result == .positive { outcome.positives += 1 }
                    } else {
                        outcome.conflicts.append(
                            .init(
                                row: row,
                                reason: Localized(
                                    zh: "村里已记录为\(test.result.chinese)，未改动",
                                    en: "the village recorded \(test.result.rawValue); left as it is")))
                    }
                }
            }
            if outcome.positives > 0 && settings.level == .county {
                outcome.leadsRaised = try CountyDatabase.raiseContactLeads(db, recorder: &recorder, today: clock.today)
            }
            return outcome
        }
    }
}

extension CountyStore {
    /// Reads and checks a lab's sheet (nothing is written when a row is refused), then writes its results.
    public func importLabResults(_ csv: CSVFile, mask: RelayMask? = nil) async throws -> LabResults.Outcome {
        let rows = try LabResults.parse(csv, today: clock.today)
        return try await writing { try $0.recordLabResults(rows, mask: mask) }
    }
}
