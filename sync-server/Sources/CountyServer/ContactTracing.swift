import Foundation
import GRDB
import RegistryCore

/// A positive and everyone around them, by village: what an officer checks so that nobody is missed (不漏一人).
public struct PositiveChain: Encodable, Sendable {
    /// One person around the positive and where they stand.
    public struct ContactLine: Encodable, Sendable {
        public var name: String?
        public var id_number: String
        /// household, companion, colleague or other.
        public var relation: String
        /// The villages where they are registered; empty when nowhere yet.
        public var villages: [String]
        /// Where they stand: `not_registered`, `registered`, `under_measure`, `tested_today`, `lead_pending`,
        /// `lead_closed`, in that order of what is known.
        public var status: [String]
    }

    public var village: String
    public var village_name: String
    public var name: String
    public var id_number: String
    public var sampled_on: String
    public var contacts: [ContactLine]
}

extension PositiveChain.ContactLine {
    static let statusChinese = [
        "not_registered": "未登记", "registered": "已登记", "under_measure": "管控中", "tested_today": "今日已采样",
        "lead_pending": "核查中", "lead_closed": "已核查",
    ]

    /// Nothing in place yet: no measure on them and no lead out for them (⚠ 未落实).
    public var isMissed: Bool { !status.contains("under_measure") && !status.contains("lead_pending") }
    /// The status in Chinese: `已登记，管控中，今日已采样`.
    public var statusText: String { status.map { Self.statusChinese[$0] ?? $0 }.joined(separator: "，") }
    /// The relation in Chinese: 同住, 同行 …
    public var relationText: String { ContactRelation(rawValue: relation)?.chinese ?? relation }
}

/// Someone around a positive, as the county's rows name them.
struct Around {
    var idNumber: String
    var name: String?
    var phone: String?
    var relation: ContactRelation
    /// The link the county follows (nil for a household member, who shares `person.household`).
    var contactID: String?
    var lastContact: Day?
}

extension CountyDatabase {
    /// The people around `positive`: their household in their village, those they named, those who named them.
    static func around(_ db: Database, positive: Person) throws -> [Around] {
        var found: [Around] = []
        for member in try Registry.household(db, key: positive.householdKey) where member.id != positive.id {
            found.append(
                Around(
                    idNumber: member.idNumber, name: member.name, phone: member.phone, relation: .household,
                    contactID: nil, lastContact: nil))
        }
        for contact in try Contact.fetchAll(
            db, sql: "SELECT * FROM contact WHERE person_id = ? AND deleted = 0 ORDER BY id", arguments: [positive.id])
        {
            found.append(
                Around(
                    idNumber: contact.idNumber, name: contact.name, phone: contact.phone, relation: contact.relation,
                    contactID: contact.id, lastContact: contact.lastContactOn))
        }
        for contact in try Contact.fetchAll(
            db, sql: "SELECT * FROM contact WHERE id_number = ? AND deleted = 0 AND person_id <> ? ORDER BY id",
            arguments: [positive.idNumber, positive.id])
        {
            guard let named = try Person.fetchOne(db, key: contact.personId), !named.deleted else { continue }
            found.append(
                Around(
                    idNumber: named.idNumber, name: named.name, phone: named.phone, relation: contact.relation,
                    contactID: contact.id, lastContact: contact.lastContactOn))
        }
        return found
    }

    /// Persons sampled positive on or after `since` (with the latest positive sample day), or of `day` only.
    static func positives(_ db: Database, sampledSince since: Day? = nil, resultOn day: Day? = nil) throws -> [(
        Person, Day
    )] {
        let rows: [Row]
        if let since {
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT person_id, max(sampled_on) AS sampled FROM lab_test WHERE result = 'positive' AND deleted = 0 AND sampled_on >= ?
                    GROUP BY person_id
                    """, arguments: ["\(since)"])
        } else {
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT person_id, max(sampled_on) AS sampled FROM lab_test WHERE result = 'positive' AND deleted = 0
                    AND coalesce(result_on, sampled_on) = ? GROUP BY person_id
                    """, arguments: ["\(day!)"])
        }
        return try rows.compactMap { row in
            guard let person = try Person.fetchOne(db, key: row["person_id"] as String), !person.deleted,
                let sampled = (row["sampled"] as String?).flatMap(Day.init)
            else { return nil }
            return (person, sampled)
        }
    }

    /// Leads for the contacts of recent positives that their own village cannot see (信息返流): a contact registered
    /// in another village gets a lead there; a contact registered nowhere, a lead for the positive's village to find.
    /// Each lead is due the same day and carries day 0, so that closing it as found puts the plan on. Idempotent: a
    /// lead's id is derived from the link and the village, so a second run adds nothing.
    static func raiseContactLeads(_ db: Database, recorder: inout ChangeRecorder, today: Day) throws -> Int {
        let roster = Dictionary(
            try VillageEntry.filter(Column("deleted") == false).fetchAll(db).map { ($0.code, $0.name) },
            uniquingKeysWith: { a, _ in a })
        var added = 0
        for (positive, sampled) in try positives(db, sampledSince: today.adding(days: -ContactRules.window)) {
            let departure = try Registry.lastTrip(db, of: positive)?.departedOn
            for contact in try around(db, positive: positive) {
                guard let link = contact.contactID else { continue }  // a household is the village's own
                let registered = Set(
                    try String.fetchAll(
                        db, sql: "SELECT village FROM person WHERE id_number = ? AND deleted = 0",
                        arguments: [contact.idNumber]))
                let targets =
                    registered.isEmpty ? [positive.village] : registered.subtracting([positive.village]).sorted()
                for village in targets where roster[village] != nil {
                    let id = IDGenerator.stable("contact-lead|\(link)|\(village)")
                    if try Lead.fetchOne(db, key: id) != nil { continue }
                    let dayZero = ContactRules.dayZero(
                        contact.relation, lastContact: contact.lastContact, tripDeparture: departure,
                        sampled: sampled, today: today)
                    // Named as the village registered them, where it did (a link may carry the id number alone).
                    let there = try Person.fetchOne(
                        db, sql: "SELECT * FROM person WHERE id_number = ? AND village = ? AND deleted = 0 LIMIT 1",
                        arguments: [contact.idNumber, village])
                    try recorder.insert(
                        Lead(
                            id: id, village: village, name: there?.name ?? contact.name ?? "姓名不详",
                            idNumber: contact.idNumber,
                            phone: there?.phone ?? contact.phone,
                            fromCode: nil, fromName: nil,
                            reason: ContactRules.reason(
                                around: positive.name, village: roster[positive.village] ?? positive.village,
                                [contact.relation]),
                            deadline: today, lastContactOn: dayZero))
                    added += 1
                }
            }
        }
        return added
    }

    /// Raises the contact leads now (`sync-server merge` does, and every push group that brought a test, a link or a
    /// person); the number added.
    @discardableResult
    public func raiseContactLeads() throws -> Int {
        let today = clock.today
        return try write { db, recorder, _ in
            try CountyDatabase.raiseContactLeads(db, recorder: &recorder, today: today)
        }
    }

    /// Each positive whose result came in on `day`, with everyone around them and where they stand.
    public func positiveChains(on day: Day) throws -> [PositiveChain] {
        try writer.read { db in try CountyDatabase.chains(db, on: day) }
    }

    static func chains(_ db: Database, on day: Day) throws -> [PositiveChain] {
        let names = Dictionary(
            try VillageEntry.filter(Column("deleted") == false).fetchAll(db).map { ($0.code, $0.name) },
            uniquingKeysWith: { a, _ in a })
        return try CountyDatabase.positives(db, resultOn: day).map { positive, sampled in
            var lines: [PositiveChain.ContactLine] = []
            var seen: Set<String> = []
            for contact in try CountyDatabase.around(db, positive: positive)
            where seen.insert(contact.idNumber + contact.relation.rawValue).inserted {
                let people = try Person.fetchAll(
                    db, sql: "SELECT * FROM person WHERE id_number = ? AND deleted = 0", arguments: [contact.idNumber])
                var status: [String] = people.isEmpty ? ["not_registered"] : ["registered"]
                let ids = people.map(\.id)
                if !ids.isEmpty {
                    let marks = ids.map { _ in "?" }.joined(separator: ",")
                    if try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM measure WHERE person_id IN (\(marks)) AND deleted = 0 AND status IN ('active', 'extended', 'escalated'))
                            """, arguments: StatementArguments(ids)) == true
                    {
                        status.append("under_measure")
                    }
                    if try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM lab_test WHERE person_id IN (\(marks)) AND deleted = 0 AND sampled_on = ?)
                            """, arguments: StatementArguments(ids + ["\(day)"])) == true
                    {
                        status.append("tested_today")
                    }
                }
                let leads = try Lead.filter(Column("id_number") == contact.idNumber && Column("deleted") == false)
                    .fetchAll(db)
                if leads.contains(where: { $0.outcome == nil }) {
                    status.append("lead_pending")
                } else if !leads.isEmpty {
                    status.append("lead_closed")
                }
                lines.append(
                    .init(
                        name: people.first?.name ?? contact.name, id_number: contact.idNumber,
                        relation: contact.relation.rawValue,
                        villages: Array(Set(people.map(\.village))).sorted(), status: status))
            }
            return PositiveChain(
                village: positive.village, village_name: names[positive.village] ?? "", name: positive.name,
                id_number: positive.idNumber, sampled_on: "\(sampled)", contacts: lines)
        }
    }
}
