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
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, person_id, status, phases, released_on, starts_on FROM measure
            WHERE starts_on <= ? AND ends_on >= ? AND deleted = 0
            """, arguments: [d, d])
        // Kept in the order SQLite returns them (deterministic for a given file; no sort of tens of thousands of ids).
        var held: [(personId: String, startsOn: String, measureId: String, phase: Phase)] = []
        var index: [String: Int] = [:]
        while let row = try rows.next() {
            // Columns by position (the SELECT above): a lookup by name is case-insensitive and showed in profiles.
            let phase = Measure.phase(on: day, phases: try Phase.list(fromJSON: row[3]),
                                      status: MeasureStatus(rawValue: row[2]) ?? .active,
                                      releasedOn: (row[4] as String?).flatMap(Day.init))
            guard let phase else { continue }
            let personId: String = row[1]
            let entry = (personId: personId, startsOn: row[5] as String? ?? "", measureId: row[0] as String, phase: phase)
            if let i = index[personId] {
                if (held[i].startsOn, held[i].measureId) < (entry.startsOn, entry.measureId) { held[i] = entry }
            } else {
                index[personId] = held.count
                held.append(entry)
            }
        }
        return held.map { ($0.personId, $0.phase) }
    }

    static let missedCondition = """
        FROM lab_test t JOIN measure m ON m.id = t.measure_id
        WHERE t.due_on < ? AND (t.sampled_on IS NULL OR t.sampled_on > ?) AND t.deleted = 0 AND m.deleted = 0
          AND (m.status IN ('active', 'extended', 'escalated') OR m.released_on > ?)
        """

    /// Tests due before `day` and not sampled by then, whose measure still held on `day`, oldest first (ties in
    /// index order, so that SQLite stops after `limit` rows instead of sorting every overdue test).
    static func missed(_ db: Database, on day: Day, limit: Int? = nil) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(db, sql: "SELECT t.* " + missedCondition + " ORDER BY t.due_on LIMIT ?",
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
        """ + (unsampledOnly ? " AND t.sampled_on IS NULL" : "")
    }

    /// How many tests `due` would list.
    static func countDue(_ db: Database, on day: Day, unsampledOnly: Bool = false) throws -> Int {
        let d = "\(day)"
        return try Int.fetchOne(db, sql: "SELECT count(*) " + dueCondition(unsampledOnly: unsampledOnly), arguments: [d, d]) ?? 0
    }

    /// Tests due on `day` whose measure had not ended before it; `unsampledOnly` drops those already sampled. In
    /// index order, so that SQLite stops after `limit` rows instead of sorting all of them.
    static func due(_ db: Database, on day: Day, unsampledOnly: Bool, limit: Int? = nil) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(db, sql: "SELECT t.* " + dueCondition(unsampledOnly: unsampledOnly) + " LIMIT ?",
                                    arguments: [d, d, limit ?? -1])
    }
}
