import GRDB

/// Everything the registry holds about one person: 一人一档.
public struct PersonFile: Sendable {
    public var person: Person
    /// Trips, latest first, each with its measure, tests and the measure's history.
    public var trips: [Trip]
    /// Temperature checks, latest first.
    public var checks: [HealthCheck]
    /// The other members of the person's household (户), by name.
    public var household: [Person] = []
    /// The person's contact links, both ways (see `Contact`).
    public var links: [ContactLink] = []
    /// Who is responsible for the person (包保), by role then name.
    public var responsible: [Responsible] = []

    /// One trip and what was put on it.
    public struct Trip: Sendable {
        public var arrival: Arrival
        public var measure: Measure
        public var tests: [LabTest]
        public var events: [MeasureEvent]
    }

    /// The latest trip, whose measure is the one that counts now.
    public var current: Trip? { trips.first }
}

/// One line of `registry list`: a person and where their latest trip stands on a day.
public struct PersonSummary: Sendable {
    public var person: Person
    public var arrival: Arrival
    public var measure: Measure
    /// The phase in force on the day asked, if any.
    public var phaseToday: Phase?
}

extension Registry {
    /// People matching `query`: a record id, an id number (full), a phone (full), part of a name, or its pinyin
    /// (initials or syllables: zw, zhangwei).
    public func search(_ query: String) throws -> [Person] {
        try read { db, _ in try Registry.search(db, query) }
    }

    static func search(_ db: Database, _ query: String) throws -> [Person] {
        let q = query.trimmed
        if q.isEmpty { return [] }
        let alive = SyncedColumns.deleted == false
        if let byID = try Person.filter(key: q.lowercased()).filter(alive).fetchOne(db) { return [byID] }
        let idForm = q.asciiCompacted.uppercased()
        var found = try Person.filter(Person.Columns.idNumber == idForm && alive).fetchAll(db)
        if found.isEmpty, let phone = try? Validate.phone(q) {
            found = try Person.filter(Person.Columns.phone == phone && alive).fetchAll(db)
        }
        if found.isEmpty, idForm.count == 15, let upgraded = try? ResidentID(idForm) {
            found = try Person.filter(Person.Columns.idNumber == upgraded.number && alive).fetchAll(db)
        }
        if found.isEmpty {
            found = try Person.filter(Person.Columns.name.like("%\(q)%") && alive).order(Person.Columns.name).fetchAll(
                db)
        }
        // Pinyin (zw, zhangwei → 张伟): every name transliterated, fine for a village's few thousand people.
        if found.isEmpty && Pinyin.isQuery(q) {
            found = try Person.filter(alive).order(Person.Columns.name).fetchAll(db).filter {
                Pinyin.matches($0.name, q)
            }
        }
        return found
    }

    /// The one person `query` names (an id number or a record id; a name or phone if it is unambiguous).
    public func person(_ query: String) throws -> Person {
        try read { db, _ in try Registry.resolve(db, query) }
    }

    static func resolve(_ db: Database, _ query: String) throws -> Person {
        let found = try search(db, query)
        if found.count == 1 { return found[0] }
        if found.isEmpty {
            throw RegistryError(
                .person, zh: "找不到“\(query)”（请输入身份证号或档案编号）",
                en: "no person matches \"\(query)\" (give an id number or a record id)")
        }
        let list = found.prefix(5).map { "\($0.name) \($0.idNumber)" }.joined(separator: ", ")
        throw RegistryError(
            .person, zh: "“\(query)”对应多人：\(list)，请用身份证号",
            en: "\"\(query)\" matches several people: \(list); give the id number")
    }

    /// The whole file of the person `query` names.
    public func file(_ query: String) throws -> PersonFile {
        try read { db, _ in try Registry.file(db, person: try Registry.resolve(db, query)) }
    }

    static func file(_ db: Database, person: Person) throws -> PersonFile {
        let alive = SyncedColumns.deleted == false
        let arrivals = try Arrival.filter(Arrival.Columns.personId == person.id && alive)
            .order(Arrival.Columns.arrivedOn.desc, Arrival.Columns.id.desc).fetchAll(db)
        var trips: [PersonFile.Trip] = []
        for arrival in arrivals {
            guard let measure = try Measure.filter(Measure.Columns.arrivalId == arrival.id && alive).fetchOne(db) else {
                continue
            }
            let tests = try LabTest.filter(LabTest.Columns.measureId == measure.id && alive)
                .order(LabTest.Columns.dueOn, LabTest.Columns.sampledOn).fetchAll(db)
            let events = try MeasureEvent.filter(MeasureEvent.Columns.measureId == measure.id && alive).order(
                MeasureEvent.Columns.id
            )
            .fetchAll(db)
            trips.append(PersonFile.Trip(arrival: arrival, measure: measure, tests: tests, events: events))
        }
        let checks = try HealthCheck.filter(HealthCheck.Columns.personId == person.id && alive)
            .order(HealthCheck.Columns.takenAt.desc).fetchAll(db)
        return PersonFile(
            person: person, trips: trips, checks: checks,
            household: try household(db, key: person.householdKey).filter { $0.id != person.id },
            links: try links(db, of: person), responsible: try responsible(db, of: [person.id])[person.id] ?? [])
    }

    /// Every person with their latest trip, newest arrivals first; `activeOnly` keeps those under a measure.
    public func list(on day: Day, activeOnly: Bool = false) throws -> [PersonSummary] {
        try read { db, _ in
            let people = try Person.filter(Person.Columns.deleted == false).fetchAll(db)
            let byID = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let arrivals = try Arrival.filter(Arrival.Columns.deleted == false).order(
                Arrival.Columns.arrivedOn, Arrival.Columns.id
            )
            .fetchAll(db)
            let measures = try Measure.filter(Measure.Columns.deleted == false).fetchAll(db)
            let measureByArrival = Dictionary(measures.map { ($0.arrivalId, $0) }, uniquingKeysWith: { a, _ in a })
            // Each person's latest trip; with `activeOnly`, their latest trip whose measure still holds: a later
            // low-risk trip does not end a 居家隔离 that runs, as `today` and the report count it too.
            var latest: [String: Arrival] = [:]
            for arrival in arrivals where !activeOnly || measureByArrival[arrival.id]?.isHeld == true {
                latest[arrival.personId] = arrival
            }
            var rows: [PersonSummary] = []
            for (personID, arrival) in latest {
                guard let person = byID[personID], let measure = measureByArrival[arrival.id] else { continue }
                rows.append(
                    PersonSummary(
                        person: person, arrival: arrival, measure: measure, phaseToday: measure.phase(on: day)))
            }
            return rows.sorted { ($0.arrival.arrivedOn, $0.person.name) > ($1.arrival.arrivedOn, $1.person.name) }
        }
    }
}
