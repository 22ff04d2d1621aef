import GRDB
import RegistryCore

extension CountyDatabase {
    /// What became of a declaration. The sender is told the same in every case (no village or person can be
    /// probed through the form); the county's log tells them apart.
    public enum DeclarationOutcome: Sendable, Equatable {
        /// A new lead for the village, to be pulled at its next sync.
        case recorded
        /// The same person declared the same arrival before: nothing new was written.
        case repeated
        /// The code is not a village on the roster: nothing was written.
        case unknownVillage
    }

    /// Records a returnee's checked declaration as a lead of source self_report for its village, through the change
    /// log like any county write (so it reaches the village at its next pull, on either store).
    public func declare(_ lead: Lead) throws -> DeclarationOutcome {
        try write { db, recorder, _ in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM village WHERE code = ? AND deleted = 0", arguments: [lead.village]) != nil
            else {
                return .unknownVillage
            }
            if try Lead.fetchOne(db, key: lead.id) != nil { return .repeated }
            try recorder.insert(lead)
            return .recorded
        }
    }
}
