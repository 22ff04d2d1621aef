/// What a site holds of the rows a batch of changes touches: each column's current version and the row's owner
/// (its village, or the county for the county's rows), and for a deletion of a row about a person, whether that
/// person is deleted. A store fills it in before the merge decides (`KnownRows+GRDB.swift` for SQLite); the
/// decision (`MergeDecision`) then needs no database. Every stored row has log entries (all writes are logged), so a
/// row without entries does not exist yet, unless `foreign` says it exists outside the scopes looked in.
public struct KnownRows: Sendable {
    public struct Row: Sendable {
        public var versions: [String: Version] = [:]
        /// The row's village (the scope of its log entries); nil when the row does not exist in the scopes looked in.
        public var owner: String?
        /// The row exists, but in a scope that was not looked in (another village's): its id is taken.
        public var foreign = false

        public init(versions: [String: Version] = [:], owner: String? = nil, foreign: Bool = false) {
            self.versions = versions
            self.owner = owner
            self.foreign = foreign
        }
    }

    var rows: [String: [String: Row]] = [:]
    /// For rows about a person that a batch deletes: the person's id, by table and row id.
    var personOf: [String: [String: String]] = [:]
    /// Whether each of those persons is deleted, as stored.
    var personDeleted: [String: Bool] = [:]

    /// The village of each stored person that a change of the batch names in its `person_id` (`namedPersons`).
    var personVillage: [String: String] = [:]

    public init() {}

    /// The persons the batch's rows are about (their `person_id`), whose villages a store looks up
    /// (`setPersonVillage`): a village may write rows only about its own persons.
    public static func namedPersons(_ changes: [Change]) -> [String] {
        // Only well-formed ids are looked up: anything else is refused by the column rules anyway, and a pushed NUL
        // byte must never reach a query (PostgreSQL refuses it as text).
        Array(
            Set(changes.compactMap { $0.columns.values["person_id"]?.stringValue }.filter(ColumnRule.isIdentifier)))
    }

    /// Sets the village of a stored person named by the batch.
    public mutating func setPersonVillage(_ person: String, _ village: String) { personVillage[person] = village }

    /// The village of the stored person `person`; nil when not stored (or not looked up).
    public func village(ofPerson person: String) -> String? { personVillage[person] }

    /// The row `pk` of `table` as known (empty, no owner, when it does not exist or was not loaded).
    public func row(_ table: String, _ pk: String) -> Row { rows[table]?[pk] ?? Row() }

    /// Sets what is known of a row (a store filling this in, or a test).
    public mutating func set(_ table: String, _ pk: String, _ row: Row) { rows[table, default: [:]][pk] = row }

    /// Sets the person a row is about, and whether that person is deleted (nil: the person is not stored).
    public mutating func setPerson(of table: String, _ pk: String, person: String, deleted: Bool?) {
        personOf[table, default: [:]][pk] = person
        if let deleted { personDeleted[person] = deleted }
    }

    /// The deletions in `changes` of rows recorded about a person: those whose person a store looks up
    /// (`setPerson`), following a measure event to its measure's person.
    public static func deletionsAboutPersons(_ changes: [Change]) -> [Change] {
        changes.filter {
            guard $0.columns.values["deleted"] == 1, case .village(true, _) = SyncScope.of($0.table) else {
                return false
            }
            return true
        }
    }

    /// A column of a row as the batch's latest change carrying it has it; nil when no change in the batch carries it
    /// (the store then reads the stored row).
    public static func sent(_ table: String, _ pk: String, _ column: String, in changes: [Change]) -> ColumnValue? {
        changes.last { $0.table == table && $0.pk == pk && $0.columns.values[column] != nil }?.columns.values[column]
    }

    /// Whether the person the row `pk` of `table` is about is deleted; nil when unknown.
    func isPersonDeleted(of table: String, _ pk: String) -> Bool? {
        personOf[table]?[pk].flatMap { personDeleted[$0] }
    }

    mutating func record(_ table: String, _ pk: String, columns: [String], version: Version, owner: String) {
        var row = rows[table]?[pk] ?? Row()
        row.owner = row.owner ?? owner
        Merge.observe(columns, at: version, into: &row.versions)
        rows[table, default: [:]][pk] = row
    }

    /// A person's deletion decided in the batch, seen by the later deletions of rows about them.
    mutating func recordPerson(_ person: String, deleted: Bool) { personDeleted[person] = deleted }
}
