import GRDB

/// Someone around a positive who must be moved (应隔尽隔): who, from which day 0, and why.
public struct ContactCase: Sendable, Equatable {
    public var person: Person
    /// The last day of contact: day 0 of the close-contact plan.
    public var dayZero: Day
    /// How they were with the positive (同住, 同行 …), each once.
    public var relations: [ContactRelation]
}

/// What putting one contact under the close-contact plan did.
public struct ContactOutcome: Sendable {
    public var person: Person
    public var dayZero: Day
    /// The reason written on the plan: `密接：与 张三 同住`.
    public var reason: String
    /// False when the plan already in force was at least as strict: kept, and the reason recorded beside it.
    public var planChanged: Bool
    public var measure: Measure
}

/// A contact link as one person's file reads it.
public struct ContactLink: Sendable {
    public var contact: Contact
    /// The other person, when registered in this village.
    public var other: Person?
    /// The other person's id number, name and phone as known.
    public var idNumber: String
    public var name: String?
    /// True when the link was recorded on this person (they named the other), false when the other named them.
    public var recordedHere: Bool
}

extension MeasureEvent {
    /// How the reason of a plan set by contact tracing begins; the work list's 新增密接 looks for it.
    public static let contactReasonPrefix = "密接："
}

extension Registry {
    // MARK: Households (户)

    /// The members of `person`'s household, `person` included, alive, by name.
    public func household(of query: String) throws -> [Person] {
        try read { db, _ in try Registry.household(db, key: try Registry.resolve(db, query).householdKey) }
    }

    /// The members of the household keyed `key`, alive, by name (the county asks it too, for its chains).
    public static func household(_ db: Database, key: String) throws -> [Person] {
        try Person.fetchAll(
            try db.cachedStatement(
                sql: """
                    SELECT * FROM person WHERE (household = ? OR id = ?) AND deleted = 0 ORDER BY name, id
                    """), arguments: [key, key])
    }

    /// The household a newly registered person joins: the one of the person named (`join`), else the one of
    /// someone already registered at the same address, else none (a household of their own).
    static func householdToJoin(_ db: Database, join: String?, address: String?) throws -> String? {
        if let join, !join.trimmed.isEmpty { return try joinedHousehold(db, join).key }
        guard let address else { return nil }
        if let person = try householdAt(db, address: address) { return person.householdKey }
        // The household register's row at that address (排查到户): a returnee registered there joins it.
        return try Household.filter(Household.Columns.address == address.trimmed && Household.Columns.deleted == false)
            .fetchOne(db)?.id
    }

    /// The household `join` names, and its address: a registered person's (id number, record id), else a household
    /// of the register (address, head's name or id number: a returnee found at the door during a sweep).
    static func joinedHousehold(_ db: Database, _ join: String) throws -> (key: String, address: String?) {
        do {
            let person = try resolve(db, join)
            return (person.householdKey, person.address)
        } catch let notAPerson as RegistryError {
            guard let household = try? resolveHousehold(db, join) else { throw notAPerson }
            return (household.id, household.address)
        }
    }

    /// The first person registered at `address` (the household living there), if any.
    static func householdAt(_ db: Database, address: String) throws -> Person? {
        let address = address.trimmed
        guard !address.isEmpty else { return nil }
        return try Person.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT * FROM person WHERE address = ? AND deleted = 0 ORDER BY id LIMIT 1
                    """), arguments: [address])
    }

    /// Registers a household member who did not travel (resident, no trip) in `query`'s household, or moves someone
    /// already registered into it. No plan is made; if a member is positive, the newcomer becomes a contact at once.
    public func addHouseholdMember(to query: String, name: String, idNumber: String, phone: String?)
        -> Result<(person: Person, members: [Person], contact: ContactOutcome?), any Error>
    {
        Result {
            let name = try Validate.required(name, field: .name)
            try SyncedRules.refuse("person", "name", name, field: .name)
            let id = try ResidentID(idNumber, today: clock.today)
            let phone = try phone.flatMap { $0.trimmed.isEmpty ? nil : try Validate.phone($0) }
            return try write { db, recorder, settings in
                let head = try Registry.resolve(db, query)
                var member: Person
                if let existing = try Person.filter(
                    Person.Columns.idNumber == id.number && Person.Columns.deleted == false
                )
                .fetchOne(db) {
                    guard existing.id != head.id else {
                        throw RegistryError(.idNumber, zh: "就是 \(head.name) 本人", en: "is \(head.name) themselves")
                    }
                    member = existing
                    member.household = head.householdKey
                    if let phone { member.phone = phone }
                    if member.address == nil { member.address = head.address }
                    try recorder.update(member, from: existing)
                } else {
                    member = Person(
                        id: ids.make(), village: settings.village, name: name, idType: .residentID, idNumber: id.number,
                        phone: phone, sex: id.sex, birthDate: id.birthDate, address: head.address,
                        createdAt: nowText, household: head.householdKey)
                    try recorder.insert(member)
                }
                let rules = try RulesContext.load(db, settings: settings)
                let contact = try moveIfAroundPositive(
                    member, db: db, recorder: &recorder, settings: settings, rules: rules
                ).first
                return (member, try Registry.household(db, key: head.householdKey), contact)
            }
        }
    }

    // MARK: Links

    /// Every contact link of `person`, both ways: those recorded on them and those naming their id number.
    static func links(_ db: Database, of person: Person) throws -> [ContactLink] {
        let named = try Contact.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM contact WHERE person_id = ? AND deleted = 0 ORDER BY id"),
            arguments: [person.id])
        let naming = try Contact.fetchAll(
            try db.cachedStatement(sql: "SELECT * FROM contact WHERE id_number = ? AND deleted = 0 ORDER BY id"),
            arguments: [person.idNumber])
        var links: [ContactLink] = []
        for contact in named {
            let other = try registered(db, idNumber: contact.idNumber)
            links.append(
                ContactLink(
                    contact: contact, other: other, idNumber: contact.idNumber, name: other?.name ?? contact.name,
                    recordedHere: true))
        }
        for contact in naming where contact.personId != person.id {
            let other = try Person.filter(key: contact.personId).fetchOne(db).flatMap { $0.deleted ? nil : $0 }
            links.append(
                ContactLink(
                    contact: contact, other: other, idNumber: other?.idNumber ?? "", name: other?.name,
                    recordedHere: false))
        }
        return links
    }

    static func registered(_ db: Database, idNumber: String) throws -> Person? {
        try Person.fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM person WHERE id_number = ? AND deleted = 0 LIMIT 1"),
            arguments: [idNumber])
    }

    /// Records that `person` was with the holder of `idNumber`, once per (person, id number, relation).
    @discardableResult
    static func link(
        _ db: Database, recorder: inout ChangeRecorder, ids: IDGenerator, village: String, now: String,
        person: Person, idNumber: String, name: String?, phone: String?, relation: ContactRelation,
        lastContact: Day?
    ) throws -> Contact {
        if let existing = try Contact.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT * FROM contact WHERE person_id = ? AND id_number = ? AND relation = ? AND deleted = 0 LIMIT 1
                    """), arguments: [person.id, idNumber, relation.rawValue])
        {
            var updated = existing
            if let lastContact { updated.lastContactOn = max(existing.lastContactOn ?? lastContact, lastContact) }
            if let name, existing.name == nil { updated.name = name }
            if let phone, existing.phone == nil { updated.phone = phone }
            if updated != existing { try recorder.update(updated, from: existing) }
            return updated
        }
        let contact = Contact(
            id: ids.make(), village: village, personId: person.id, idNumber: idNumber, name: name, phone: phone,
            relation: relation, lastContactOn: lastContact, createdAt: now)
        try recorder.insert(contact)
        return contact
    }

    // MARK: A positive moves everyone around it

    /// The person's latest real trip (not a plan put on by contact tracing): its departure is a companion's day 0.
    public static func lastTrip(_ db: Database, of person: Person) throws -> Arrival? {
        try Arrival.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT * FROM arrival WHERE person_id = ? AND deleted = 0 AND source <> 'contact_tracing' ORDER BY arrived_on DESC, id DESC LIMIT 1
                    """), arguments: [person.id])
    }

    /// The day `person` was last sampled positive, if ever.
    static func positiveSample(_ db: Database, person: Person) throws -> Day? {
        try String.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT sampled_on FROM lab_test WHERE person_id = ? AND result = 'positive' AND deleted = 0 AND sampled_on IS NOT NULL
                    ORDER BY sampled_on DESC LIMIT 1
                    """), arguments: [person.id]
        ).flatMap(Day.init)
    }

    /// Everyone registered in this village around `positive` (sampled positive on `sampled`): household members and
    /// linked people, each once, with day 0 the last day of contact (DESIGN: household — the sample day; companion —
    /// the shared trip's departure, or the sample day when they also live together; others — the day the clerk gave,
    /// else the sample day), never after `today`.
    static func contactCases(_ db: Database, of positive: Person, sampled: Day, today: Day) throws -> [ContactCase] {
        var cases: [String: ContactCase] = [:]
        var order: [String] = []
        func add(_ person: Person, _ day: Day, _ relation: ContactRelation) {
            guard person.id != positive.id, !person.deleted else { return }
            if var known = cases[person.id] {
                known.dayZero = max(known.dayZero, day)
                if !known.relations.contains(relation) { known.relations.append(relation) }
                cases[person.id] = known
            } else {
                cases[person.id] = ContactCase(person: person, dayZero: day, relations: [relation])
                order.append(person.id)
            }
        }
        for member in try household(db, key: positive.householdKey) {
            add(
                member,
                ContactRules.dayZero(.household, lastContact: nil, tripDeparture: nil, sampled: sampled, today: today),
                .household)
        }
        let trip = try lastTrip(db, of: positive)
        for link in try links(db, of: positive) {
            guard let other = link.other else { continue }  // not registered here: the county finds them (a lead)
            let relation = link.contact.relation
            add(
                other,
                ContactRules.dayZero(
                    relation, lastContact: link.contact.lastContactOn, tripDeparture: trip?.departedOn,
                    sampled: sampled, today: today), relation)
        }
        return order.compactMap { cases[$0] }
    }

    /// Puts every contact of `positive` under the close-contact plan (see `contactCases`); what the escalation of a
    /// positive test calls, and `contact add` for a positive.
    func moveContacts(
        of positive: Person, sampled: Day, on day: Day, db: Database, recorder: inout ChangeRecorder,
        settings: RegistrySettings, rules: RulesContext
    ) throws -> [ContactOutcome] {
        try Registry.contactCases(db, of: positive, sampled: sampled, today: day).compactMap {
            try applyContactPlan(
                $0, reason: Registry.contactReason(around: positive, $0.relations), on: day, db: db,
                recorder: &recorder, settings: settings, rules: rules)
        }
    }

    /// When `person` (just registered, or linked) is around someone already positive, puts them under the plan now:
    /// a companion registered after the positive, a household member added later.
    func moveIfAroundPositive(
        _ person: Person, db: Database, recorder: inout ChangeRecorder, settings: RegistrySettings,
        rules: RulesContext
    ) throws -> [ContactOutcome] {
        var around = try Registry.household(db, key: person.householdKey)
        around += try Registry.links(db, of: person).compactMap(\.other)
        var seen: Set<String> = [person.id]
        var outcomes: [ContactOutcome] = []
        for other in around where seen.insert(other.id).inserted {
            guard let sampled = try Registry.positiveSample(db, person: other) else { continue }
            let cases = try Registry.contactCases(db, of: other, sampled: sampled, today: clock.today).filter {
                $0.person.id == person.id
            }
            for contactCase in cases {
                if let outcome = try applyContactPlan(
                    contactCase, reason: Registry.contactReason(around: other, contactCase.relations), on: clock.today,
                    db: db, recorder: &recorder,
                    settings: settings, rules: rules)
                {
                    outcomes.append(outcome)
                }
            }
        }
        return outcomes
    }

    /// The reason a plan set around `positive` gives: `密接：与 张三 同住、同行`.
    static func contactReason(around positive: Person, _ relations: [ContactRelation]) -> String {
        ContactRules.reason(around: positive.name, relations)
    }

    /// Puts one contact under the close-contact plan of the policy in force on `day`, stricter only (DESIGN.md,
    /// *Classification*): an open plan at least as strict from `day` on is kept, and the reason recorded beside it.
    /// A contact with no open plan (a resident who did not travel, someone released) gets an arrival of source
    /// `contact_tracing` at the village itself. Either way a test is due that same day (应检尽检). A positive, or
    /// someone transferred out, is left alone; a second positive around the same people adds no second plan.
    func applyContactPlan(
        _ contactCase: ContactCase, reason: String, on day: Day, db: Database, recorder: inout ChangeRecorder,
        settings: RegistrySettings, rules: RulesContext
    ) throws -> ContactOutcome? {
        let person = contactCase.person
        let file = try Registry.file(db, person: person)
        if let current = file.current, [.escalated, .transferred].contains(current.measure.status) { return nil }
        // The same contact again (a second positive in the household, a replayed escalation): nothing new.
        if let current = file.current,
            current.events.contains(where: { $0.action == .planned && $0.reason.hasPrefix(reason) }),
            current.arrival.dayZero >= contactCase.dayZero
        {
            return nil
        }
        let policy = rules.book.inForce(on: day)
        let now = nowText
        if let current = file.current, current.measure.status != .released {
            // Re-plan the current trip when the contact plan is stricter than what is left of its own.
            let plan = Planner.plan(rule: policy.rule(for: .closeContact), dayZero: contactCase.dayZero, arrived: day)
            let left = Planner.Plan(
                phases: current.measure.phases.compactMap {
                    $0.endsOn < day ? nil : Phase(kind: $0.kind, startsOn: max($0.startsOn, day), endsOn: $0.endsOn)
                },
                testDays: current.tests.filter { $0.sampledOn == nil && ($0.dueOn ?? day) >= day }.compactMap(\.dueOn))
            var measure = current.measure
            let changed = plan.strictness > left.strictness
            if changed {
                let old = measure
                let oldArrival = current.arrival
                let past = measure.phases.compactMap {
                    $0.startsOn >= day
                        ? nil
                        : Phase(kind: $0.kind, startsOn: $0.startsOn, endsOn: min($0.endsOn, day.adding(days: -1)))
                }
                measure.setPhases(past + plan.phases)
                measure.status = .active
                measure.reason = reason
                try recorder.update(measure, from: old)
                var arrival = oldArrival
                arrival.category = .closeContact
                arrival.categoryOverride = .closeContact
                arrival.dayZero = contactCase.dayZero
                arrival.policy = policy.version
                try recorder.update(arrival, from: oldArrival)
            }
            try recorder.insert(
                MeasureEvent(
                    id: ids.make(), village: settings.village, measureId: measure.id, action: .planned, onDate: day,
                    recordedAt: now,
                    actor: settings.villageName, reason: changed ? reason : reason + "（已在管控，方案不变）",
                    detail: changed ? measure.phases.detailText : nil, deleted: false))
            let planned = Set(current.tests.flatMap { [$0.dueOn, $0.sampledOn].compactMap { $0 } })
            for testDay in Set([day] + (changed ? plan.testDays : [])).sorted() where !planned.contains(testDay) {
                try recorder.insert(
                    LabTest(
                        id: ids.make(), village: settings.village, personId: person.id, measureId: measure.id,
                        dueOn: testDay, sampledOn: nil, result: .pending, resultOn: nil, lab: nil, deleted: false))
            }
            return ContactOutcome(
                person: person, dayZero: contactCase.dayZero, reason: reason, planChanged: changed, measure: measure)
        }
        // No open plan: contact tracing puts one on, through an arrival at the village itself.
        let stay = Stay(
            code: settings.village, name: "本村（\(reason.dropFirst(MeasureEvent.contactReasonPrefix.count))）",
            from: nil, to: contactCase.dayZero)
        let (result, plan) = Classifier.decide(
            stays: [stay], departed: contactCase.dayZero, arrived: day, override: .closeContact,
            areas: rules.areas, policy: policy)
        let arrival = Arrival(
            id: ids.make(), village: settings.village, personId: person.id, arrivedOn: day,
            departedOn: contactCase.dayZero,
            stays: [stay], transport: nil, healthCode: nil, vaccineDoses: nil, source: .contactTracing,
            categoryOverride: .closeContact, category: result.category, dayZero: result.dayZero, policy: policy.version,
            leadId: nil, createdAt: now, deleted: false)
        try recorder.insert(arrival)
        var measure = Measure(
            id: ids.make(), village: settings.village, personId: person.id, arrivalId: arrival.id,
            status: plan.isNone ? .none : .active, phases: [], startsOn: nil, endsOn: nil, releasedOn: nil,
            orderedBy: settings.villageName, reason: reason, deleted: false)
        measure.setPhases(plan.phases)
        try recorder.insert(measure)
        try recorder.insert(
            MeasureEvent(
                id: ids.make(), village: settings.village, measureId: measure.id, action: .planned, onDate: day,
                recordedAt: now,
                actor: settings.villageName, reason: reason, detail: plan.phases.detailText, deleted: false))
        for testDay in Set([day] + plan.testDays).sorted() {
            try recorder.insert(
                LabTest(
                    id: ids.make(), village: settings.village, personId: person.id, measureId: measure.id,
                    dueOn: testDay, sampledOn: nil, result: .pending, resultOn: nil, lab: nil, deleted: false))
        }
        return ContactOutcome(
            person: person, dayZero: contactCase.dayZero, reason: reason, planChanged: true, measure: measure)
    }
}

/// What `contact add` did.
public struct ContactAddition: Sendable {
    public var link: Contact
    /// The contact as registered in this village (nil when they live elsewhere: the county finds them).
    public var person: Person?
    public var isNewPerson: Bool
    /// The plan put on them when the person they were with is positive.
    public var outcome: ContactOutcome?
}

extension Registry {
    /// Records a contact found by the clerk's own 流调 (`registry contact add`): links `query` with the person named,
    /// registers them here as a resident with no trip (in the same household for 同住) unless they live `elsewhere`,
    /// and, when `query` is positive, puts them under the close-contact plan at once by the same rules as a test.
    public func addContact(
        to query: String, name: String, idNumber: String, phone: String?, relation: String,
        lastContact: String?, elsewhere: Bool
    ) throws -> ContactAddition {
        let name = try Validate.required(name, field: .name)
        try SyncedRules.refuse("person", "name", name, field: .name)
        let id = try ResidentID(idNumber, today: clock.today)
        let phone = try phone.flatMap { $0.trimmed.isEmpty ? nil : try Validate.phone($0) }
        let relation: ContactRelation = try Validate.choice(relation, field: .relation)
        let last = try Validate.optionalDay(lastContact ?? "", field: .lastContact)
        let today = clock.today
        if let last, last > today {
            throw RegistryError(.lastContact, zh: "\(last) 在今天（\(today)）之后", en: "\(last) is after today (\(today))")
        }
        if elsewhere && relation == .household {
            throw RegistryError(
                .relation, zh: "同住的人住在本村，不能加 --elsewhere", en: "someone living in the household is not elsewhere")
        }
        return try write { db, recorder, settings in
            let source = try Registry.resolve(db, query)
            guard source.idNumber != id.number else {
                throw RegistryError(.idNumber, zh: "就是 \(source.name) 本人", en: "is \(source.name) themselves")
            }
            var person = try Registry.registered(db, idNumber: id.number)
            let isNew = person == nil && !elsewhere
            if person == nil && !elsewhere {
                let created = Person(
                    id: ids.make(), village: settings.village, name: name, idType: .residentID, idNumber: id.number,
                    phone: phone, sex: id.sex, birthDate: id.birthDate,
                    address: relation == .household ? source.address : nil, createdAt: nowText,
                    household: relation == .household ? source.householdKey : nil)
                try recorder.insert(created)
                person = created
            } else if var known = person, relation == .household, known.householdKey != source.householdKey {
                let old = known
                known.household = source.householdKey
                try recorder.update(known, from: old)
                person = known
            }
            // A household is shared through `Person.household`; a link records every other relation.
            var link = Contact(
                id: "", village: settings.village, personId: source.id, idNumber: id.number, name: name, phone: phone,
                relation: relation, lastContactOn: last, createdAt: nowText)
            if relation != .household || person == nil {
                link = try Registry.link(
                    db, recorder: &recorder, ids: ids, village: settings.village, now: nowText, person: source,
                    idNumber: id.number, name: name, phone: phone, relation: relation, lastContact: last)
            }
            var outcome: ContactOutcome?
            if let person, let sampled = try Registry.positiveSample(db, person: source) {
                let rules = try RulesContext.load(db, settings: settings)
                outcome = try Registry.contactCases(db, of: source, sampled: sampled, today: today)
                    .filter { $0.person.id == person.id }
                    .compactMap {
                        try applyContactPlan(
                            $0, reason: Registry.contactReason(around: source, $0.relations), on: today, db: db,
                            recorder: &recorder, settings: settings, rules: rules)
                    }
                    .first
            }
            return ContactAddition(link: link, person: person, isNewPerson: isNew, outcome: outcome)
        }
    }
}

/// One household (户) and where each member stands: `list --by-household`.
public struct HouseholdGroup: Sendable {
    public var key: String
    /// Members by name; those with a trip or a plan have a summary.
    public var members: [Person]
    public var summaries: [String: PersonSummary]

    /// The household's address, as the first member with one wrote it.
    public var address: String? { members.lazy.compactMap(\.address).first }
    /// How many members are under a measure on the day asked.
    public var held: Int { members.filter { summaries[$0.id]?.measure.isHeld == true }.count }
}

extension Registry {
    /// Every household with its members, by address; `activeOnly` keeps households with someone under a measure.
    public func households(on day: Day, activeOnly: Bool = false) throws -> [HouseholdGroup] {
        let summaries = Dictionary(try list(on: day).map { ($0.person.id, $0) }, uniquingKeysWith: { a, _ in a })
        let people = try read { db, _ in
            try Person.filter(Person.Columns.deleted == false).order(Person.Columns.name, Person.Columns.id).fetchAll(
                db)
        }
        var groups: [String: HouseholdGroup] = [:]
        for person in people {
            groups[person.householdKey, default: HouseholdGroup(key: person.householdKey, members: [], summaries: [:])]
                .members.append(person)
            if let summary = summaries[person.id] { groups[person.householdKey]!.summaries[person.id] = summary }
        }
        return groups.values
            .filter { !activeOnly || $0.held > 0 }
            .sorted { ($0.address ?? "\u{10FFFF}", $0.key) < ($1.address ?? "\u{10FFFF}", $1.key) }
    }
}

/// The rules of contact tracing that the village and the county share.
public enum ContactRules {
    /// How many days back a positive still moves the people around them (leads, chains).
    public static let window = 14

    /// Day 0 of a contact's plan: the last day of contact. A household member's is the positive's sample day; a
    /// companion's the shared trip's departure (the day the clerk gave when known); anyone else's the day the clerk
    /// gave, else the sample day. Never after `today`.
    public static func dayZero(
        _ relation: ContactRelation, lastContact: Day?, tripDeparture: Day?, sampled: Day, today: Day
    ) -> Day {
        let day: Day
        switch relation {
        case .household: day = sampled
        case .companion: day = lastContact ?? tripDeparture ?? sampled
        case .colleague, .other: day = lastContact ?? sampled
        }
        return min(day, today)
    }

    /// How many links of one positive the county follows into leads: a household, a trip and a workplace fit; a
    /// village that names thousands cannot make the county (and other villages) do thousands of things.
    public static let maxLinksPerPositive = 50

    /// The reason of a lead to another village around a positive that only its village reported, not yet confirmed
    /// by a laboratory: `密接（待县核实）：一村报告 与 张* 同行`. Closing it as found puts nobody under a measure.
    public static func unconfirmedReason(around name: String, village: String, _ relations: [ContactRelation])
        -> String
    {
        unconfirmedPrefix + "\(village)报告 与 \(name) " + relations.map(\.chinese).joined(separator: "、")
    }
    public static let unconfirmedPrefix = "密接（待县核实）："

    /// The reason a plan or lead around `name` gives: `密接：与 张三 同住、同行`, with the village when elsewhere.
    public static func reason(around name: String, village: String? = nil, _ relations: [ContactRelation]) -> String {
        MeasureEvent.contactReasonPrefix + "与 \(name)" + (village.map { "（\($0)）" } ?? " ")
            + relations.map(\.chinese).joined(separator: "、")
    }
}

extension Registry {
    /// Deletes the links recorded on `query` naming `idNumber` (all relations, or `relation`), with a reason the county
    /// sees; plans already set stay (release or correct them as usual). The number of links deleted.
    public func deleteContact(of query: String, idNumber: String, relation: String?, reason: String) throws -> Int {
        let why = try Validate.required(reason, field: .reason)
        try SyncedRules.refuse("contact", "deleted_reason", why, field: .reason)
        let number = try ResidentID(idNumber).number
        let only: ContactRelation? = try relation.flatMap {
            $0.trimmed.isEmpty ? nil : try Validate.choice($0, field: .relation)
        }
        return try write { db, recorder, _ in
            let person = try Registry.resolve(db, query)
            let links = try Contact.filter(
                Contact.Columns.personId == person.id && Contact.Columns.idNumber == number
                    && Contact.Columns.deleted == false
            )
            .fetchAll(db).filter { only == nil || $0.relation == only }
            guard !links.isEmpty else {
                throw RegistryError(
                    .idNumber, zh: "\(person.name) 没有与 \(number) 的密接记录",
                    en: "\(person.name) has no contact link with \(number)")
            }
            for old in links {
                var gone = old
                gone.deleted = true
                gone.deletedReason = why
                try recorder.update(gone, from: old)
            }
            return links.count
        }
    }
}
