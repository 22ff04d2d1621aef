import GRDB

/// The questions the work list and the daily report both ask of a day, answered once so that the two never
/// disagree about who is under a measure or which test was missed. Indexed queries only.
enum DayQueries {
    /// The measure and phase each person is under on `day` (a released or transferred measure holds until the
    /// day before its release); for a person with two overlapping trips, the later one.
    /// Only the columns the day's questions need are read: on 100k persons tens of thousands of measures hold on a
    /// day, and decoding whole records was most of `registry today`.
    static func inForce(_ db: Database, on day: Day) throws -> [(personId: String, phase: Phase)] {
        let d = "\(day)"
        // No ORDER BY (sorting the rows with their phases was half the query): the later trip is kept in Swift.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, person_id, status, phases, released_on, starts_on FROM measure
                WHERE starts_on <= ? AND ends_on >= ? AND deleted = 0
                """, arguments: [d, d])
        // Kept in the order SQLite returns them (deterministic for a given file; no sort of tens of thousands of ids).
        var held: [(personId: String, startsOn: String, measureId: String, phase: Phase)] = []
        var index: [String: Int] = [:]
        while let row = try rows.next() {
            // Columns by position (the SELECT above): a lookup by name is case-insensitive and showed in profiles.
            let phase = Measure.phase(
                on: day, phases: try Phase.list(fromJSON: row[3]),
                status: MeasureStatus(rawValue: row[2]) ?? .active,
                releasedOn: (row[4] as String?).flatMap(Day.init))
            guard let phase else { continue }
            let personId: String = row[1]
            let entry = (
                personId: personId, startsOn: row[5] as String? ?? "", measureId: row[0] as String, phase: phase
            )
            if let i = index[personId] {
                if (held[i].startsOn, held[i].measureId) < (entry.startsOn, entry.measureId) { held[i] = entry }
            } else {
                index[personId] = held.count
                held.append(entry)
            }
        }
        return held.map { ($0.personId, $0.phase) }
    }

    // A test planned after its measure's last day (the plan was shortened since) is neither due nor missed.
    static let missedCondition = """
        FROM lab_test t JOIN measure m ON m.id = t.measure_id
        WHERE t.due_on < ? AND (t.sampled_on IS NULL OR t.sampled_on > ?) AND t.deleted = 0 AND m.deleted = 0
          AND (m.status IN ('active', 'extended', 'escalated') OR m.released_on > ?) AND t.due_on <= m.ends_on
        """

    /// Tests due before `day` and not sampled by then, whose measure still held on `day`, oldest first (ties in
    /// index order, so that SQLite stops after `limit` rows instead of sorting every overdue test).
    static func missed(_ db: Database, on day: Day, limit: Int? = nil) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(
            db, sql: "SELECT t.* " + missedCondition + " ORDER BY t.due_on LIMIT ?",
            arguments: [d, d, d, limit ?? -1])
    }

    /// How many tests `missed` would list.
    static func countMissed(_ db: Database, on day: Day) throws -> Int {
        let d = "\(day)"
        return try Int.fetchOne(db, sql: "SELECT count(*) " + missedCondition, arguments: [d, d, d]) ?? 0
    }

    static func dueCondition(unsampledOnly: Bool) -> String {
        """
        FROM lab_test t JOIN measure m ON m.id = t.measure_id
        WHERE t.due_on = ? AND t.deleted = 0 AND m.deleted = 0 AND (m.released_on IS NULL OR m.released_on > ?)
          AND t.due_on <= m.ends_on
        """ + (unsampledOnly ? " AND t.sampled_on IS NULL" : "")
    }

    /// How many tests `due` would list.
    static func countDue(_ db: Database, on day: Day, unsampledOnly: Bool = false) throws -> Int {
        let d = "\(day)"
        return try Int.fetchOne(
            db, sql: "SELECT count(*) " + dueCondition(unsampledOnly: unsampledOnly), arguments: [d, d]) ?? 0
    }

    /// Tests due on `day` whose measure had not ended before it; `unsampledOnly` drops those already sampled. In
    /// index order, so that SQLite stops after `limit` rows instead of sorting all of them.
    static func due(_ db: Database, on day: Day, unsampledOnly: Bool, limit: Int? = nil) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(
            db, sql: "SELECT t.* " + dueCondition(unsampledOnly: unsampledOnly) + " LIMIT ?",
            arguments: [d, d, limit ?? -1])
    }

    static let endedCondition = """
        FROM measure WHERE status IN ('active', 'extended', 'escalated') AND ends_on < ? AND deleted = 0
        """

    /// Measures whose last day was before `day` and that nobody released or extended (期满待解除), oldest end first.
    static func endedNotReleased(_ db: Database, on day: Day, limit: Int? = nil) throws -> [(
        personId: String, endsOn: String, kind: String?
    )] {
        try Row.fetchAll(
            db, sql: "SELECT person_id, ends_on, phases " + endedCondition + " ORDER BY ends_on LIMIT ?",
            arguments: ["\(day)", limit ?? -1]
        ).map {
            ($0[0], $0[1], try Phase.list(fromJSON: $0[2]).last?.kind.rawValue)
        }
    }

    /// How many measures `endedNotReleased` would list.
    static func countEndedNotReleased(_ db: Database, on day: Day) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) " + endedCondition, arguments: ["\(day)"]) ?? 0
    }

    /// Arrivals of the last 14 days with a red health code whose travel history put them under no measure, and
    /// persons found for a contact lead that another village's word alone raised (unconfirmed: closing it put no
    /// measure on them) and under none since: the clerk decides (待研判). `reason` is nil for a red code, else the
    /// lead's reason.
    static func toAssess(_ db: Database, on day: Day) throws -> [(personId: String, arrivedOn: String, reason: String?)]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT a.person_id, a.arrived_on, NULL FROM arrival a JOIN measure m ON m.arrival_id = a.id
                WHERE a.arrived_on BETWEEN ? AND ? AND a.deleted = 0 AND a.health_code = 'red' AND m.status = 'none' AND m.deleted = 0
                UNION ALL
                SELECT l.person_id, l.outcome_on, l.reason FROM lead l
                WHERE l.outcome = 'found' AND l.deleted = 0 AND l.person_id IS NOT NULL AND l.last_contact_on IS NULL
                  AND substr(l.reason, 1, ?) = ? AND l.outcome_on BETWEEN ? AND ?
                  AND NOT EXISTS (SELECT 1 FROM measure m WHERE m.person_id = l.person_id AND m.deleted = 0
                                  AND m.status IN ('active', 'extended', 'escalated'))
                ORDER BY 2
                """,
            arguments: [
                "\(day.adding(days: -13))", "\(day)", ContactRules.unconfirmedPrefix.count,
                ContactRules.unconfirmedPrefix, "\(day.adding(days: -13))", "\(day)",
            ]
        ).map { ($0[0], $0[1], $0[2]) }
    }

    /// Checks flagged (fever, symptoms) in the last three days whose person has not been sampled since (发热待处置):
    /// the first thing on the list until a test is recorded. The latest flagged check per person, newest first:
    /// person id, when it was taken, its temperature and symptoms.
    static func fevers(_ db: Database, on day: Day) throws -> [(
        personId: String, takenAt: String, temperature: Double, symptoms: String
    )] {
        // `symptoms` is what the clerk reads: the words written, else the labels of the codes.
        var seen: Set<String> = []
        return try Row.fetchAll(
            db,
            sql: """
                SELECT c.person_id, c.taken_at, c.temperature, c.symptoms, c.symptoms_written FROM health_check c
                WHERE c.taken_on BETWEEN ? AND ? AND c.flagged = 1 AND c.deleted = 0
                  AND NOT EXISTS (SELECT 1 FROM lab_test t WHERE t.person_id = c.person_id AND t.deleted = 0
                                  AND t.sampled_on >= c.taken_on AND t.sampled_on <= ?)
                ORDER BY c.taken_at DESC
                """, arguments: ["\(day.adding(days: -2))", "\(day)", "\(day)"]
        )
        .map {
            (
                $0[0] as String, $0[1] as String, $0[2] as Double,
                SymptomWords.display(codes: $0[3], written: $0[4])
            )
        }
        .filter { seen.insert($0.0).inserted }
        .map { (personId: $0.0, takenAt: $0.1, temperature: $0.2, symptoms: $0.3) }
    }

    /// Plans set by contact tracing in the last 14 days, on measures still open, whose person has not been sampled
    /// since (新增密接): the clerk's first call. Newest first, one entry per person.
    static func newContacts(_ db: Database, on day: Day) throws -> [(personId: String, on: String, reason: String)] {
        var seen: Set<String> = []
        // The condition is spelled as migration v6's partial index `measure_event_contact` has it, so that the
        // planner uses that index (it holds the contact plans only).
        assert(MeasureEvent.contactReasonPrefix == "密接：")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT m.person_id, e.on_date, e.reason FROM measure_event e JOIN measure m ON m.id = e.measure_id
                WHERE e.on_date BETWEEN ? AND ? AND e.action = 'planned' AND substr(e.reason, 1, 3) = '密接：' AND e.deleted = 0
                  AND m.deleted = 0 AND m.status IN ('active', 'extended')
                  AND NOT EXISTS (SELECT 1 FROM lab_test t WHERE t.person_id = m.person_id AND t.deleted = 0
                                  AND t.sampled_on >= e.on_date AND t.sampled_on <= ?)
                ORDER BY e.on_date DESC, e.id DESC
                """, arguments: ["\(day.adding(days: -13))", "\(day)", "\(day)"]
        )
        .map { (personId: $0[0] as String, on: $0[1] as String, reason: $0[2] as String) }
        .filter { seen.insert($0.personId).inserted }
    }

    /// Persons classified again because risk areas were published late (新增风险人员): those now under a plan until
    /// they have been sampled since the day learned, those whose risk period was already over for 7 days after
    /// it; the latest event per person, newest first. Rows: person id, the day learned, the event's reason, detail.
    static func reclassified(_ db: Database, on day: Day) throws -> [(
        personId: String, on: String, reason: String, detail: String?
    )] {
        var seen: Set<String> = []
        return try Row.fetchAll(
            db,
            sql: """
                SELECT m.person_id, e.on_date, e.reason, e.detail FROM measure_event e JOIN measure m ON m.id = e.measure_id
                WHERE e.on_date BETWEEN ? AND ? AND e.action = 'planned' AND substr(e.reason, 1, 4) = ? AND e.deleted = 0
                  AND m.deleted = 0
                  AND ((substr(e.reason, -7) = ? AND e.on_date >= ?)
                    OR (m.status IN ('active', 'extended')
                        AND NOT EXISTS (SELECT 1 FROM lab_test t WHERE t.person_id = m.person_id AND t.deleted = 0
                                        AND t.sampled_on >= e.on_date AND t.sampled_on <= ?)))
                ORDER BY e.on_date DESC, e.id DESC
                """,
            arguments: [
                "\(day.adding(days: -30))", "\(day)", MeasureEvent.reclassifiedReasonPrefix,
                MeasureEvent.periodOverSuffix, "\(day.adding(days: -6))", "\(day)",
            ]
        )
        .map { (personId: $0[0] as String, on: $0[1] as String, reason: $0[2] as String, detail: $0[3] as String?) }
        .filter { seen.insert($0.personId).inserted }
    }
}
