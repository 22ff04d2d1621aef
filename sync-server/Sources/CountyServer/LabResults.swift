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
                    // Registered nowhere: kept at the county (the store keeps it after this write); with a village
                    // named, sent there as a lead at once, in this transaction.
                    var reason = Localized(zh: "没有登记此人（已留县里待落地）", en: "nobody registered with this number (kept)")
                    if let village = row.village {
                        guard
                            try VillageEntry.filter(Column("code") == village && Column("deleted") == false).fetchCount(
                                db) > 0
                        else {
                            throw RegistryError(
                                .village, zh: "第 \(row.line) 行：村代码 \(village) 不在本县名册中",
                                en: "line \(row.line): village \(village) is not on the roster")
                        }
                        let id = IDGenerator.stable("lab-lead|\(village)|\(row.idNumber)|\(row.sampledOn)")
                        if try Lead.fetchOne(db, key: id) == nil {
                            try recorder.insert(
                                Lead(
                                    id: id, village: village, name: row.name, idNumber: row.idNumber, phone: row.phone,
                                    fromCode: nil, fromName: nil,
                                    reason:
                                        "核酸\(row.result.chinese)（\(row.sampledOn) 采样\(row.lab.map { "，\($0)" } ?? "")），未在任何村登记",
                                    deadline: clock.today))
                            outcome.leadsSent += 1
                        }
                        reason = Localized(
                            zh: "没有登记此人，已作为线索发往 \(village)", en: "registered nowhere; sent to \(village) as a lead")
                    }
                    outcome.unmatched.append(.init(row: row, reason: reason))
                    continue
                }
                let tests = try LabTest.filter(
                    registered.map(\.id).contains(Column("person_id")) && Column("sampled_on") == "\(row.sampledOn)"
                        && Column("deleted") == false
                ).fetchAll(db)
                guard !tests.isEmpty else {
                    // The township sampled, the clerk never typed it (村报告、乡采样、县检测): the result still lands.
                    for person in registered {
                        try CountyDatabase.addSample(
                            row, person: person, db: db, recorder: &recorder, today: clock.today)
                        outcome.recorded += 1
                        outcome.samplesAdded += 1
                        if row.result == .positive { outcome.positives += 1 }
                    }
                    continue
                }
                for test in tests {
                    if test.result == row.result {
                        outcome.unchanged += 1
                        // A positive the village typed, now confirmed by the laboratory: its lab written at the county's
                        // site is what confirms it for contacts in other villages (`confirmedPositive`).
                        let lab = row.lab ?? test.lab ?? "县检测"
                        if row.result == .positive, try !CountyDatabase.serverWroteResult(test, db: db) {
                            var confirmed = test
                            confirmed.lab = lab
                            confirmed.resultOn = test.resultOn ?? clock.today
                            try recorder.update(confirmed, from: test, force: ["lab"])
                            outcome.confirmed += 1
                        }
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
            if outcome.positives + outcome.confirmed > 0 && settings.level == .county {
                outcome.leadsRaised = try CountyDatabase.raiseContactLeads(db, recorder: &recorder, today: clock.today)
            }
            return outcome
        }
    }
}

extension CountyDatabase {
    /// Writes a lab result the village has no sample for into the person's file, at the county's site in the
    /// village's own rows: the open planned test of the current measure due by the sample day takes it, else a new
    /// test is added to that measure (or to none). The village pulls it at its next sync and, for a positive,
    /// escalates and moves the contacts as for a result its clerk typed.
    static func addSample(
        _ row: LabResults.Row, person: (id: String, village: String), db: Database, recorder: inout ChangeRecorder,
        today: Day
    ) throws {
        let arrival = try Arrival.filter(Column("person_id") == person.id && Column("deleted") == false)
            .order(Column("arrived_on").desc, Column("id").desc).fetchOne(db)
        let measure = try arrival.flatMap {
            try Measure.filter(Column("arrival_id") == $0.id && Column("deleted") == false).fetchOne(db)
        }
        if let measure,
            let planned = try LabTest.filter(
                Column("measure_id") == measure.id && Column("sampled_on") == nil && Column("deleted") == false
                    && Column("due_on") <= "\(row.sampledOn)"
            ).order(Column("due_on").desc).fetchOne(db)
        {
            var test = planned
            test.sampledOn = row.sampledOn
            test.result = row.result
            test.resultOn = today
            test.lab = row.lab
            try recorder.update(test, from: planned)
            return
        }
        try recorder.insert(
            LabTest(
                id: IDGenerator.stable("lab-result|\(person.id)|\(row.sampledOn)"), village: person.village,
                personId: person.id, measureId: measure?.id, dueOn: nil, sampledOn: row.sampledOn, result: row.result,
                resultOn: today, lab: row.lab, deleted: false))
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
