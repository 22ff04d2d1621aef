import GRDB
import RegistryCore

extension CountyDatabase {
    /// Passes an open lead to another village of the roster (the person turned out to live there, or the lead came
    /// addressed to the wrong one). A lead is a row of one village's scope, which only that village pulls: the old
    /// one is withdrawn (deleted, so the first village's list drops it at its next sync) and the same lead is issued
    /// to the new village under an id of its own (stable, so passing it back and forth reuses the rows).
    public func assignLead(_ id: String, village code: String) throws -> Lead {
        let village = try Validate.areaCode(code, field: .village, lengths: [12])
        return try write { db, recorder, _ in
            guard let old = try Lead.fetchOne(db, key: id.trimmingCharacters(in: .whitespaces)), !old.deleted else {
                throw RegistryError(.lead, zh: "找不到核查任务 \(id)", en: "no lead \(id)")
            }
            guard old.outcome == nil else {
                throw RegistryError(
                    .lead, zh: "该任务已核查完毕（\(old.outcome!.chinese)），不能改派",
                    en: "the lead is closed (\(old.outcome!.rawValue)); it cannot be passed on")
            }
            guard old.village != village else {
                throw RegistryError(.village, zh: "任务已在 \(village)", en: "the lead is already with \(village)")
            }
            guard
                try VillageEntry.filter(VillageEntry.Columns.code == village && VillageEntry.Columns.deleted == false)
                    .fetchCount(db) > 0
            else {
                throw RegistryError(.village, zh: "\(village) 不在村名册中", en: "\(village) is not on the roster")
            }
            var withdrawn = old
            withdrawn.deleted = true
            try recorder.update(withdrawn, from: old)
            var passed = old
            passed.id = IDGenerator.stable("lead-assigned|\(old.id)|\(village)")
            passed.village = village
            if let existing = try Lead.fetchOne(db, key: passed.id) {
                try recorder.update(passed, from: existing)
            } else {
                try recorder.insert(passed)
            }
            return passed
        }
    }
}
