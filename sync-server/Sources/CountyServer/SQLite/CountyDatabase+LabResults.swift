import Foundation
import GRDB
import RegistryCore

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
                            try VillageEntry.filter(
                                VillageEntry.Columns.code == village && VillageEntry.Columns.deleted == false
                            ).fetchCount(
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
                    registered.map(\.id).contains(LabTest.Columns.personId)
                        && LabTest.Columns.sampledOn == "\(row.sampledOn)"
                        && LabTest.Columns.deleted == false
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
        let arrival = try Arrival.filter(Arrival.Columns.personId == person.id && Arrival.Columns.deleted == false)
            .order(Arrival.Columns.arrivedOn.desc, Arrival.Columns.id.desc).fetchOne(db)
        let measure = try arrival.flatMap {
            try Measure.filter(Measure.Columns.arrivalId == $0.id && Measure.Columns.deleted == false).fetchOne(db)
        }
        if let measure,
            let planned = try LabTest.filter(
                LabTest.Columns.measureId == measure.id && LabTest.Columns.sampledOn == nil
                    && LabTest.Columns.deleted == false
                    && LabTest.Columns.dueOn <= "\(row.sampledOn)"
            ).order(LabTest.Columns.dueOn.desc).fetchOne(db)
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
