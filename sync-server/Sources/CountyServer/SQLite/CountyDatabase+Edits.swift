import GRDB
import RegistryCore

/// The county correcting a village's records: the same edits a clerk makes (RegistryCore's PersonEdits), made at
/// the county's site. The rows keep their village, so the change is in the village's scope and the village
/// pulls it at its next sync; if the clerk edits the same field meanwhile, the later clock wins everywhere.
extension CountyDatabase {
    /// Corrects the details of the person with `idNumber` (or record id), in `village` when given.
    public func correctPerson(_ idNumber: String, village: String?, _ correction: PersonCorrection) throws -> Person {
        try write { db, recorder, _ in
            try PersonEdits.correct(
                db, try PersonEdits.find(db, idNumber: idNumber, village: village, deleted: false), correction,
                recorder: &recorder)
        }
    }

    /// Deletes (`deleted` true, with a reason) or restores a person's whole file.
    public func setPersonDeleted(_ idNumber: String, village: String?, _ deleted: Bool, reason: String? = nil) throws
        -> Person
    {
        try write { db, recorder, _ in
            try PersonEdits.setDeleted(
                db, try PersonEdits.find(db, idNumber: idNumber, village: village, deleted: !deleted), deleted,
                reason: reason, recorder: &recorder)
        }
    }
}
