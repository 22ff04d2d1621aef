import Foundation
import GRDB
import RegistryCore

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

    /// Persons sampled positive from `since` to `through` (with the latest positive sample day), or of `day` only.
    /// `among`: only these persons (what a push touched), else every one. A sample day after `through` is no
    /// recent positive: nothing has been sampled in the future (pushes dated so are refused; older rows are ignored).
    static func positives(
        _ db: Database, sampledSince since: Day? = nil, through: Day? = nil, among: Set<String>? = nil,
        resultOn day: Day? = nil
    ) throws -> [(Person, Day)] {
        var rows: [Row] = []
        if let since {
            let sql = """
                SELECT person_id, max(sampled_on) AS sampled FROM lab_test WHERE result = 'positive' AND deleted = 0
                AND sampled_on >= ? AND sampled_on <= ?
                """
            let last = "\(through ?? Day("9999-12-31")!)"
            if let among {
                let ids = Array(among)
                for start in stride(from: 0, to: ids.count, by: 500) {
                    let chunk = ids[start..<min(start + 500, ids.count)]
                    rows += try Row.fetchAll(
                        db,
                        sql: sql
                            + " AND person_id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) GROUP BY person_id",
                        arguments: StatementArguments(["\(since)", last] + chunk))
                }
            } else {
                rows = try Row.fetchAll(db, sql: sql + " GROUP BY person_id", arguments: ["\(since)", last])
            }
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
    ///
    /// `among`: only around these persons (`tracingCandidates` of what a push wrote), so that a push does work in
    /// proportion to what it carried, not to every positive of the window; nil (the merge run, a lab import) for all.
    static func raiseContactLeads(
        _ db: Database, recorder: inout ChangeRecorder, today: Day, among: Set<String>? = nil
    ) throws -> Int {
        if let among, among.isEmpty { return 0 }
        let roster = Dictionary(
            try VillageEntry.filter(VillageEntry.Columns.deleted == false).fetchAll(db).map { ($0.code, $0.name) },
            uniquingKeysWith: { a, _ in a })
        var added = 0
        for (positive, sampled) in try positives(
            db, sampledSince: today.adding(days: -ContactRules.window), through: today, among: among)
        {
            let departure = try Registry.lastTrip(db, of: positive)?.departedOn
            // A positive the village typed is that village's word: its contacts in other villages get a lead that says
            // who reported it and puts nobody under a measure when closed as found, until a laboratory's result (the
            // county's import, or a city's above it) confirms the positive. Its name is masked there, and nothing the
            // village typed but the relation reaches another village.
            let confirmed = try confirmedPositive(
                db, person: positive, since: today.adding(days: -ContactRules.window))
            var followed = 0
            for contact in try around(db, positive: positive) {
                guard let link = contact.contactID else { continue }  // a household is the village's own
                // One positive cannot fan out into unbounded work for other villages.
                followed += 1
                if followed > ContactRules.maxLinksPerPositive { break }
                let registered = Set(
                    try String.fetchAll(
                        db, sql: "SELECT village FROM person WHERE id_number = ? AND deleted = 0",
                        arguments: [contact.idNumber]))
                // The positive's own village gets a lead whenever the contact is not registered there, whether or not
                // another village has them: what comes back tells it nothing about other villages' registers.
                var targets = registered.subtracting([positive.village]).sorted()
                if !registered.contains(positive.village) { targets.insert(positive.village, at: 0) }
                for village in targets where roster[village] != nil {
                    let own = village == positive.village
                    let id = IDGenerator.stable("contact-lead|\(link)|\(village)")
                    let dayZero = ContactRules.dayZero(
                        contact.relation, lastContact: contact.lastContact, tripDeparture: departure,
                        sampled: sampled, today: today)
                    let sender = roster[positive.village] ?? positive.village
                    let reason =
                        own || confirmed
                        ? ContactRules.reason(
                            around: own ? positive.name : Mask.name(positive.name), village: sender, [contact.relation])
                        : ContactRules.unconfirmedReason(
                            around: Mask.name(positive.name), village: sender, [contact.relation])
                    if let old = try Lead.fetchOne(db, key: id) {
                        // Confirmed since it was raised: the lead now carries day 0 and says so; one already closed
                        // as found opens again, so that closing it now puts the plan on.
                        if confirmed, !own, old.lastContactOn == nil, old.outcome == nil || old.outcome == .found {
                            try confirm(old, dayZero: dayZero, reason: reason, today: today, recorder: &recorder)
                        }
                        continue
                    }
                    // Named as the village registered them, where it did (a link may carry the id number alone).
                    let there = try Person.fetchOne(
                        db, sql: "SELECT * FROM person WHERE id_number = ? AND village = ? AND deleted = 0 LIMIT 1",
                        arguments: [contact.idNumber, village])
                    try recorder.insert(
                        Lead(
                            id: id, village: village, name: there?.name ?? contact.name ?? "姓名不详",
                            idNumber: contact.idNumber,
                            phone: there?.phone ?? contact.phone,
                            fromCode: nil, fromName: nil, reason: reason,
                            deadline: today, lastContactOn: own || confirmed ? dayZero : nil))
                    added += 1
                }
            }
        }
        return added
    }

    /// Whether `person` has a positive result since `since` that a laboratory's import wrote (its result came
    /// from a server's site: this county's `results import`, or a city's or province's above it), not only a
    /// village's word.
    static func confirmedPositive(_ db: Database, person: Person, since: Day) throws -> Bool {
        let tests = try String.fetchAll(
            db,
            sql:
                "SELECT id FROM lab_test WHERE person_id = ? AND result = 'positive' AND deleted = 0 AND sampled_on >= ?",
            arguments: [person.id, "\(since)"])
        for test in tests {
            guard let test = try LabTest.fetchOne(db, key: test) else { continue }
            if try serverWroteResult(test, db: db) { return true }
        }
        return false
    }

    /// Whether a server's site (a laboratory's import here or above) wrote `test`'s result or lab, by the log's row
    /// index (scope, table, id).
    static func serverWroteResult(_ test: LabTest, db: Database) throws -> Bool {
        let origins = try String.fetchAll(
            db,
            sql: """
                SELECT origin FROM change_log WHERE scope = ? AND tbl = 'lab_test' AND pk = ?
                AND (columns LIKE '%"result"%' OR columns LIKE '%"lab"%')
                """,
            arguments: [test.village, test.id])
        return origins.contains { origin in Registry.serverSitePrefixes.contains(where: origin.hasPrefix) }
    }

    /// Raises the contact leads now (`sync-server merge` does, and every push group that brought a test, a link or a
    /// person: then only around what it wrote, `touching`); the number added.
    @discardableResult
    public func raiseContactLeads(touching changes: [Change]? = nil) throws -> Int {
        let today = clock.today
        return try write { db, recorder, _ in
            let among = try changes.map { try CountyDatabase.tracingCandidates($0, db: db) }
            return try CountyDatabase.raiseContactLeads(db, recorder: &recorder, today: today, among: among)
        }
    }

    /// The persons around whom `changes` (just written) may have made a contact visible: the person of a test, the
    /// person who named a contact and anyone registered under the number named, and whoever named a person just
    /// registered. Looked up by the rows' ids, so the work follows the push's size. A pushed person's id number is
    /// taken as pushed (a change that lost to a newer one adds a candidate that was already one: harmless, the leads
    /// are raised from what is stored); only a change that does not carry it is read back.
    static func tracingCandidates(_ changes: [Change], db: Database) throws -> Set<String> {
        let keys = TracingKeys(changes)
        func column(_ sql: String, _ keys: [String]) throws -> [String] {
            try db.rows(forKeys: keys) { sql.replacingOccurrences(of: "(?)", with: "(\($0))") }.map { $0[0] }
        }
        var candidates = Set(try column("SELECT person_id FROM lab_test WHERE id IN (?)", keys.tests))
        candidates.formUnion(try column("SELECT person_id FROM contact WHERE id IN (?)", keys.contacts))
        let named = try column("SELECT id_number FROM contact WHERE id IN (?)", keys.contacts)
        candidates.formUnion(try column("SELECT id FROM person WHERE id_number IN (?)", named))
        let registered =
            keys.idNumbers + (try column("SELECT id_number FROM person WHERE id IN (?)", keys.personsWithoutNumber))
        candidates.formUnion(
            try column("SELECT person_id FROM contact WHERE id_number IN (?) AND deleted = 0", registered))
        return candidates
    }

    /// Each positive whose result came in on `day`, with everyone around them and where they stand.
    public func positiveChains(on day: Day) throws -> [PositiveChain] {
        try writer.read { db in try CountyDatabase.chains(db, on: day) }
    }

    static func chains(_ db: Database, on day: Day) throws -> [PositiveChain] {
        let names = Dictionary(
            try VillageEntry.filter(VillageEntry.Columns.deleted == false).fetchAll(db).map { ($0.code, $0.name) },
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
                let leads = try Lead.filter(Lead.Columns.idNumber == contact.idNumber && Lead.Columns.deleted == false)
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
