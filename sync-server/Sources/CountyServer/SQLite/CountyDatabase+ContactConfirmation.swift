import GRDB
import RegistryCore

/// The county's word on a contact lead raised on one village's word alone (`ContactRules.unconfirmedPrefix`): a
/// laboratory's result confirms it when imported (`raiseContactLeads`), or an officer who checked it (a call to the
/// hospital, the flow survey) confirms it on the dashboard or with `sync-server leads confirm`.
extension CountyDatabase {
    /// Confirmed leads carry day 0 and the plain contact reason; one already closed as found opens again, so that
    /// closing it now puts the plan on.
    static func confirm(_ old: Lead, dayZero: Day, reason: String, today: Day, recorder: inout ChangeRecorder) throws {
        var now = old
        now.lastContactOn = dayZero
        now.reason = reason
        now.outcome = nil
        now.outcomeOn = nil
        now.deadline = max(old.deadline, today)
        try recorder.update(now, from: old)
    }

    /// Confirms the unconfirmed contact lead `id` as the officer `officer`: its reason then says the county checked
    /// it, and who (`密接：与 张*（一村）同行（县核实：王科长）`). Refused with one line when there is no such lead,
    /// when it is not awaiting confirmation, or when the positive it came from is no longer recorded.
    public func confirmContactLead(_ id: String, by officer: String) throws -> Lead {
        let who = String(officer.oneLine.trimmingCharacters(in: .whitespaces).prefix(20))
        guard !who.isEmpty else {
            throw RegistryError(.reason, zh: "须写明核实人（--by）", en: "say who confirmed it (--by)")
        }
        let today = clock.today
        return try write { db, recorder, _ in
            guard let old = try Lead.fetchOne(db, key: id.trimmingCharacters(in: .whitespaces)), !old.deleted else {
                throw RegistryError(.lead, zh: "找不到核查任务 \(id)", en: "no lead \(id)")
            }
            guard old.lastContactOn == nil, old.reason?.hasPrefix(ContactRules.unconfirmedPrefix) == true,
                let number = old.idNumber
            else {
                throw RegistryError(
                    .lead, zh: "该任务不是待县核实的密接线索", en: "the lead is not a contact lead awaiting the county's confirmation"
                )
            }
            guard old.outcome == nil || old.outcome == .found else {
                throw RegistryError(
                    .lead, zh: "该任务已核查完毕（\(old.outcome!.chinese)）", en: "the lead is closed (\(old.outcome!.rawValue))")
            }
            // The positive that named this person, in another village, the latest first.
            let roster = Dictionary(
                try VillageEntry.fetchAll(db).map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            for (positive, sampled) in try Self.positives(
                db, sampledSince: today.adding(days: -ContactRules.window), through: today, among: nil
            ).sorted(by: { $0.1 > $1.1 }) where positive.village != old.village {
                guard let contact = try Self.around(db, positive: positive).first(where: { $0.idNumber == number })
                else { continue }
                let dayZero = ContactRules.dayZero(
                    contact.relation, lastContact: contact.lastContact,
                    tripDeparture: try Registry.lastTrip(db, of: positive)?.departedOn, sampled: sampled, today: today)
                let reason =
                    ContactRules.reason(
                        around: Mask.name(positive.name), village: roster[positive.village] ?? positive.village,
                        [contact.relation]) + "（县核实：\(who)）"
                try Self.confirm(old, dayZero: dayZero, reason: reason, today: today, recorder: &recorder)
                return try Lead.fetchOne(db, key: old.id) ?? old
            }
            throw RegistryError(
                .lead, zh: "找不到提出该线索的阳性记录（已删除或已超出 \(ContactRules.window) 天）",
                en:
                    "the positive this lead came from is no longer recorded (deleted, or older than \(ContactRules.window) days)"
            )
        }
    }
}
