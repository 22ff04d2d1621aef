import GRDB

/// The questions the work list and the daily report both ask of a day, answered once so that the two never
/// disagree about who is under a measure or which test was missed. Indexed queries only.
enum DayQueries {
    /// The measure and phase each person is under on `day` (a released or transferred measure holds until the
    /// day before its release); for a person with two overlapping trips, the later one.
    static func inForce(_ db: Database, on day: Day) throws -> [(measure: Measure, phase: Phase)] {
        let d = "\(day)"
        let measures = try Measure.filter(Column("starts_on") <= d && Column("ends_on") >= d && Column("deleted") == false)
            .order(Column("starts_on"), Column("id")).fetchAll(db)
        var byPerson: [String: (Measure, Phase)] = [:]
        for measure in measures {
            if let phase = measure.phase(on: day) { byPerson[measure.personId] = (measure, phase) }
        }
        return byPerson.values.sorted { $0.0.id < $1.0.id }
    }

    static let missedCondition = """
        FROM lab_test t JOIN measure m ON m.id = t.measure_id
        WHERE t.due_on < ? AND (t.sampled_on IS NULL OR t.sampled_on > ?) AND t.deleted = 0 AND m.deleted = 0
          AND (m.status IN ('active', 'extended', 'escalated') OR m.released_on > ?)
        """

    /// Tests due before `day` and not sampled by then, whose measure still held on `day`.
    static func missed(_ db: Database, on day: Day, limit: Int? = nil) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(db, sql: "SELECT t.* " + missedCondition + " ORDER BY t.due_on, t.id LIMIT ?",
                                    arguments: [d, d, d, limit ?? -1])
    }

    /// How many tests `missed` would list.
    static func countMissed(_ db: Database, on day: Day) throws -> Int {
        let d = "\(day)"
        return try Int.fetchOne(db, sql: "SELECT count(*) " + missedCondition, arguments: [d, d, d]) ?? 0
    }

    /// How many tests `due` would list (sampled or not).
    static func countDue(_ db: Database, on day: Day) throws -> Int {
        let d = "\(day)"
        return try Int.fetchOne(db, sql: """
            SELECT count(*) FROM lab_test t JOIN measure m ON m.id = t.measure_id
            WHERE t.due_on = ? AND t.deleted = 0 AND m.deleted = 0 AND (m.released_on IS NULL OR m.released_on > ?)
            """, arguments: [d, d]) ?? 0
    }

    /// Tests due on `day` whose measure had not ended before it; `unsampledOnly` drops those already sampled.
    static func due(_ db: Database, on day: Day, unsampledOnly: Bool) throws -> [LabTest] {
        let d = "\(day)"
        return try LabTest.fetchAll(db, sql: """
            SELECT t.* FROM lab_test t JOIN measure m ON m.id = t.measure_id
            WHERE t.due_on = ? AND t.deleted = 0 AND m.deleted = 0 AND (m.released_on IS NULL OR m.released_on > ?)
            """ + (unsampledOnly ? " AND t.sampled_on IS NULL" : "") + " ORDER BY t.id", arguments: [d, d])
    }
}
