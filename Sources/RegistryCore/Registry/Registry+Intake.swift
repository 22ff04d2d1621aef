import Foundation
import GRDB

/// What registering an arrival did.
public struct IntakeOutcome: Sendable {
    public var person: Person
    /// False when the person was already in the registry (一人一档: a new trip of the same person).
    public var isNewPerson: Bool
    /// False when this trip (same person, same arrival date) was already registered: nothing was written.
    public var isNewArrival: Bool
    public var arrival: Arrival
    public var measure: Measure
    public var tests: [LabTest]
    public var warnings: [Localized]
    /// When the person was around someone already positive: the close-contact plan that was put on them.
    public var contacts: [ContactOutcome] = []
}

/// The rules a batch of intakes is judged by: policies and risk areas, read once.
struct RulesContext {
    let book: PolicyBook
    let areas: [RiskArea]
    /// Whether a positive may be around a new arrival (see `moveIfAroundPositive`). True unless the caller asked:
    /// an import, whose rows record no results, asks once instead of looking around every row's person.
    var positivesMayExist = true

    /// Sets `positivesMayExist` from the registry: whether any test is positive.
    mutating func askPositives(_ db: Database) throws {
        positivesMayExist =
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM lab_test WHERE result = 'positive' AND deleted = 0)") ?? true
    }

    static func load(_ db: Database, settings: RegistrySettings) throws -> RulesContext {
        var published = try PolicyRecord.filter(PolicyRecord.Columns.deleted == false).fetchAll(db).compactMap {
            try? Policy(json: Data($0.body.utf8), file: "policy \($0.version)")
        }
        var pinned = settings.policyVersion
        // A policy file given at `init --policy FILE` is a local pin: it applies to every arrival.
        if let custom = try Setting.get(db, .policyDocument) {
            let policy = try Policy(json: Data(custom.utf8), file: "policy_document")
            published.append(policy)
            pinned = policy.version
        }
        return RulesContext(
            book: PolicyBook(published: published, pinned: pinned),
            areas: try RiskArea.filter(RiskArea.Columns.deleted == false).fetchAll(db))
    }
}

/// Thrown to roll a preview's transaction back, carrying what the intake would have done.
private struct Previewed: Error { let outcome: IntakeOutcome }

extension Registry {
    /// Registers an arrival: finds or creates the person by id number, classifies the trip, plans the measure
    /// and tests by the policy in force, and writes it all in one transaction.
    public func intake(_ form: IntakeForm) throws -> IntakeOutcome {
        let intake = try form.validated(today: clock.today)
        return try write { db, recorder, settings in
            let rules = try RulesContext.load(db, settings: settings)
            return try register(intake, db: db, recorder: &recorder, settings: settings, rules: rules)
        }
    }

    /// What `intake` would do, without writing it: the person, the category, the measure and test days by the
    /// policy in force (the clerk's page shows the plan before saving). Runs the real intake in a transaction that
    /// is rolled back.
    public func preview(_ form: IntakeForm) throws -> IntakeOutcome {
        let intake = try form.validated(today: clock.today)
        do {
            return try write { db, recorder, settings in
                let outcome = try register(
                    intake, db: db, recorder: &recorder, settings: settings,
                    rules: try RulesContext.load(db, settings: settings))
                throw Previewed(outcome: outcome)
            }
        } catch let previewed as Previewed {
            return previewed.outcome
        }
    }

    func register(
        _ intake: Intake, db: Database, recorder: inout ChangeRecorder, settings: RegistrySettings,
        rules: RulesContext, actor: String? = nil
    ) throws -> IntakeOutcome {
        let now = nowText
        // Who sets the plan: the village (the program is nobody a clerk can ask).
        let actor = actor ?? settings.villageName
        var isNewPerson = false
        var person: Person
        var warnings = intake.warnings
        // Cached statements: these two lookups run once per row of a large import.
        if let existing = try Person.fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM person WHERE id_number = ? AND deleted = 0 LIMIT 1"),
            arguments: [intake.idNumber])
        {
            // The same person again: keep one record, refresh what the clerk newly gave. Another name is a typo or a
            // real change of name; only the clerk can tell, so it is asked, never written over silently.
            if existing.name != intake.name && !intake.rename {
                throw RegistryError(
                    .name,
                    zh:
                        "身份证号 \(existing.idNumber) 已登记为 \(existing.name)（手机 \(existing.phone ?? "未填")），本次填写的是 \(intake.name)：输错了请改回；确已更名请确认更名（--rename）",
                    en:
                        "id number \(existing.idNumber) is registered as \(existing.name) (phone \(existing.phone ?? "none")), typed now as \(intake.name): correct the name, or confirm the change of name (--rename)"
                )
            }
            person = existing
            person.name = intake.name
            if let phone = intake.phone { person.phone = phone }
            if let address = intake.address { person.address = address }
            if intake.household != nil {
                person.household = try Registry.householdToJoin(db, join: intake.household, address: nil)
            }
            try recorder.update(person, from: existing)
            if let trip = try Arrival.fetchOne(
                try db.cachedStatement(
                    sql:
                        "SELECT * FROM arrival WHERE person_id = ? AND arrived_on = ? AND deleted = 0 AND source <> 'contact_tracing' LIMIT 1"
                ),
                arguments: [person.id, intake.arrived.description])
            {
                let measure = try Measure.filter(Measure.Columns.arrivalId == trip.id).fetchOne(db)!
                let tests = try LabTest.filter(LabTest.Columns.measureId == measure.id).order(LabTest.Columns.dueOn)
                    .fetchAll(db)
                return IntakeOutcome(
                    person: person, isNewPerson: false, isNewArrival: false, arrival: trip,
                    measure: measure, tests: tests, warnings: intake.warnings)
            }
        } else {
            isNewPerson = true
            // Joining a household named (a person's, or the register's at a sweep) fills in its address.
            let joined = try intake.household.map { try Registry.joinedHousehold(db, $0) }
            person = Person(
                id: ids.make(), village: settings.village, name: intake.name, idType: intake.idType,
                idNumber: intake.idNumber, phone: intake.phone, sex: intake.sex,
                birthDate: intake.birthDate, address: intake.address ?? joined?.address, createdAt: now,
                deleted: false,
                household: try joined?.key
                    ?? Registry.householdToJoin(db, join: nil, address: intake.joinByAddress ? intake.address : nil))
            try recorder.insert(person)
            if !intake.joinByAddress, intake.household == nil,
                let address = intake.address, let other = try Registry.householdAt(db, address: address)
            {
                warnings.append(
                    Localized(
                        zh: "申报的住址与 \(other.name) 家相同，未并入该户；如确实同住，核实后在“加入某人的户”填其身份证号",
                        en:
                            "the declared address is \(other.name)'s household's; not joined to it: if they do live together, check and give \(other.name)'s id number as the household"
                    ))
            }
        }
        let policy = rules.book.inForce(on: intake.arrived)
        let (result, plan) = Classifier.decide(
            stays: intake.stays, departed: intake.departed, arrived: intake.arrived,
            override: intake.categoryOverride, areas: rules.areas, policy: policy)
        let arrival = Arrival(
            id: ids.make(), village: settings.village, personId: person.id, arrivedOn: intake.arrived,
            departedOn: intake.departed, stays: intake.stays, transport: intake.transport,
            healthCode: intake.healthCode, vaccineDoses: intake.vaccineDoses, source: intake.source,
            categoryOverride: intake.categoryOverride, category: result.category, dayZero: result.dayZero,
            policy: policy.version, leadId: intake.leadID, createdAt: now, deleted: false)
        try recorder.insert(arrival)
        var measure = Measure(
            id: ids.make(), village: settings.village, personId: person.id, arrivalId: arrival.id,
            status: plan.isNone ? .none : .active, phases: [], startsOn: nil, endsOn: nil,
            releasedOn: nil, orderedBy: actor, reason: nil, deleted: false)
        measure.setPhases(plan.phases)
        // Stored reasons are read by clerks and by the county: Chinese, like every reason a clerk types.
        measure.reason = "政策 \(PolicyBook.label(policy.version))：\(result.category.label(.zh))，第 0 天 \(result.dayZero)"
        try recorder.insert(measure)
        try recorder.insert(
            MeasureEvent(
                id: ids.make(), village: settings.village, measureId: measure.id, action: .planned,
                onDate: intake.arrived, recordedAt: now, actor: actor, reason: measure.reason!,
                detail: plan.phases.detailText,
                deleted: false))
        var tests: [LabTest] = []
        for day in plan.testDays {
            let test = LabTest(
                id: ids.make(), village: settings.village, personId: person.id, measureId: measure.id,
                dueOn: day, sampledOn: nil, result: .pending, resultOn: nil, lab: nil, deleted: false)
            try recorder.insert(test)
            tests.append(test)
        }
        for companion in intake.companions {
            try Registry.link(
                db, recorder: &recorder, ids: ids, village: settings.village, now: now, person: person,
                idNumber: companion, name: nil, phone: nil, relation: .companion, lastContact: nil)
        }
        // Around someone already positive (a companion registered after them, a household member): a contact at once.
        let contacts =
            rules.positivesMayExist
            ? try moveIfAroundPositive(person, db: db, recorder: &recorder, settings: settings, rules: rules) : []
        if let moved = contacts.first {
            return IntakeOutcome(
                person: person, isNewPerson: isNewPerson, isNewArrival: true,
                arrival: try Arrival.fetchOne(db, key: arrival.id)!,
                measure: moved.measure,
                tests: try LabTest.filter(
                    LabTest.Columns.measureId == moved.measure.id && LabTest.Columns.deleted == false
                )
                .order(LabTest.Columns.dueOn).fetchAll(db), warnings: warnings, contacts: contacts)
        }
        return IntakeOutcome(
            person: person, isNewPerson: isNewPerson, isNewArrival: true, arrival: arrival,
            measure: measure, tests: tests, warnings: warnings)
    }
}
