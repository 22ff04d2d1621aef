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
        /// Someone declared the same id number and arrival before with other details: the lead keeps the first and
        /// shows the clerk this one beside it (whoever declares first cannot own a returnee's lead).
        case flagged
        /// The village has had `maxPerVillagePerDay` declarations today: nothing was written, the sender is asked to
        /// call the village (a flood from many addresses cannot bury a village's work list).
        case villageFull
    }

    /// The most self-declarations a village takes in a day through the form: far above the 2022 peaks of a few dozen.
    public static let maxDeclarationsPerVillagePerDay = 300
    /// How many later declarations a lead shows beside the first.
    static let maxFlagsPerLead = 3

    /// A second declaration of the same id number and arrival: nothing when it says the same; else, while the lead
    /// is open, its details go beside the first in the lead's reason for the clerk to check by phone.
    static func flag(_ first: Lead, with again: Lead, recorder: inout ChangeRecorder) throws -> DeclarationOutcome {
        func details(_ l: Lead) -> String {
            "姓名 \(l.name)，手机 \(l.phone ?? "")，住址 \(l.address ?? "")，来自 \(l.fromName ?? "")"
        }
        guard details(first) != details(again), first.outcome == nil else { return .repeated }
        let mark = Declaration.laterMark
        let reason = first.reason ?? ""
        guard reason.components(separatedBy: mark).count - 1 < maxFlagsPerLead, !reason.contains(details(again)) else {
            return .repeated
        }
        var flagged = first
        let line = "\(mark)（\(String((again.declaredAt ?? "").prefix(16)))）：\(details(again))，请电话核实"
        flagged.reason = String(((reason.isEmpty ? "" : reason + "；") + line).prefix(500))
        try recorder.update(flagged, from: first)
        return .flagged
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
            if let first = try Lead.fetchOne(db, key: lead.id) {
                return try Self.flag(first, with: lead, recorder: &recorder)
            }
            let today = String((lead.declaredAt ?? "").prefix(10))
            let declared =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM lead WHERE village = ? AND source = 'self_report' AND substr(declared_at, 1, 10) = ?
                        """, arguments: [lead.village, today]) ?? 0
            if declared >= Self.maxDeclarationsPerVillagePerDay { return .villageFull }
            try recorder.insert(lead)
            return .recorded
        }
    }
}
