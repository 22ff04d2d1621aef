import Foundation
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
        /// The phone the lab has, when its sheet has the column (for a person registered nowhere: whom to call).
        public var phone: String? = nil
        /// The village to send the person to as a lead at once when registered nowhere (the sheet's `village`).
        public var village: String? = nil
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
        /// Positives a village had typed that the laboratory's sheet confirms (their contacts elsewhere then act).
        public var confirmed = 0
        /// Samples the village never recorded (乡采样、县检测): written into the person's file as a new test.
        public var samplesAdded = 0
        /// Persons registered nowhere: kept at the county (a positive is listed first on the dashboard).
        public var unmatched: [Unwritten] = []
        public var conflicts: [Unwritten] = []
        /// Rows of persons registered nowhere that named a village: sent there as leads.
        public var leadsSent = 0

        public func text(_ language: Language) -> String {
            var lines = [
                language == .zh
                    ? "检测结果：写入 \(recorded)（阳性 \(positives)，村里未录采样 \(samplesAdded)），已有相同结果 \(unchanged)，未登记 \(unmatched.count)（已留县里待落地"
                        + (leadsSent > 0 ? "，\(leadsSent) 条已作为线索下发" : "") + "），结果冲突未写 \(conflicts.count)"
                        + (leadsRaised > 0 ? "，新增密接核查线索 \(leadsRaised)" : "")
                    : "results: \(recorded) recorded (\(positives) positive, \(samplesAdded) samples the village had not recorded), \(unchanged) already there, \(unmatched.count) registered nowhere (kept at the county"
                        + (leadsSent > 0 ? ", \(leadsSent) sent as leads" : "")
                        + "), \(conflicts.count) conflicting, not written"
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
        let phoneColumn = try column(["phone", "手机号", "联系电话"], required: false)
        let villageColumn = try column(["village", "村代码", "村（社区）代码"], required: false)
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
                let phone = try cell(phoneColumn).trimmingCharacters(in: .whitespaces).nonEmpty.map {
                    try Validate.phone($0)
                }
                let village = try cell(villageColumn).trimmingCharacters(in: .whitespaces).nonEmpty.map {
                    try Validate.areaCode($0, field: .village, lengths: [12])
                }
                return Row(
                    line: row.line, idNumber: try ResidentID(cell(idColumn)).number,
                    name: try Validate.required(cell(nameColumn), field: .name),
                    sampledOn: sampled, result: result, lab: lab, phone: phone, village: village)
            } catch let error as RegistryError {
                throw RegistryError(
                    nil, zh: "第 \(row.line) 行：\(error.message(.zh))", en: "line \(row.line): \(error.message(.en))")
            }
        }
    }
}

extension CountyStore {
    /// Reads and checks a lab's sheet (nothing is written when a row is refused), then writes its results.
    public func importLabResults(_ csv: CSVFile, mask: RelayMask? = nil) async throws -> LabResults.Outcome {
        let rows = try LabResults.parse(csv, today: clock.today)
        let outcome = try await writing { try $0.recordLabResults(rows, mask: mask) }
        let now = clock.isoText(clock.now())
        try await keepUnmatchedResults(
            outcome.unmatched.map {
                LabResults.Kept(
                    idNumber: $0.row.idNumber, sampledOn: $0.row.sampledOn, name: $0.row.name, phone: $0.row.phone,
                    result: $0.row.result, lab: $0.row.lab, importedAt: now, leadVillage: $0.row.village)
            })
        return outcome
    }
}
