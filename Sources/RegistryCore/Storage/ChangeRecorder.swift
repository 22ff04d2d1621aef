import GRDB
import Synchronization

/// The only way rows of synced tables are written: each insert or update also appends one change-log entry
/// with the changed columns, the hybrid logical clock and this site, inside the caller's transaction.
/// `finish()` persists the clock in the same transaction.
public struct ChangeRecorder {
    let db: Database
    let site: String
    let clock: RegistryClock
    private(set) var hlc: HLC
    /// How many entries this transaction appended.
    public private(set) var entries = 0

    /// A recorder for one write transaction of `site`; call `finish()` before the transaction ends.
    public init(db: Database, site: String, clock: RegistryClock) throws {
        self.db = db
        self.site = site
        self.clock = clock
        hlc = HLC(raw: try Setting.int(db, .hlc) ?? 0)
    }

    /// Inserts a new row and logs every column.
    public mutating func insert<R: SyncedRecord>(_ record: R) throws {
        // Encoded once, in a fixed column order: the same values go to the row and to the log, through a statement
        // and a JSON layout prepared once per table (`InsertShape`).
        let columns = try record.orderedColumns()
        let shape = InsertShape.of(R.databaseTableName, columns.names)
        if let (i, reason) = shape.overLimit(columns.values) {
            throw Self.refusal(R.databaseTableName, columns.names[i], reason)
        }
        try db.cachedStatement(sql: shape.sql).execute(binding: columns.values)
        try log(R.databaseTableName, record.id, record.village, json: shape.json(columns.values))
    }

    /// Updates a row from its previous state and logs the columns that changed; does nothing when none did.
    /// `force`: columns written and logged even when unchanged (a laboratory confirming the result a village typed
    /// writes its name again, so that the log says a server wrote it).
    public mutating func update<R: SyncedRecord>(_ record: R, from old: R, force: Set<String> = []) throws {
        let new = try record.databaseDictionary
        let before = try old.databaseDictionary
        let changed = new.filter { before[$0.key] != $0.value || force.contains($0.key) }
        if changed.isEmpty { return }
        try Self.refuseBroken(R.databaseTableName, Array(changed.keys), Array(changed.values))
        try record.update(db, columns: Array(changed.keys))
        try log(R.databaseTableName, record.id, record.village, json: ColumnValues(changed).json)
    }

    /// Inserts `record`, or updates the stored row with the same id if there is one.
    public mutating func save<R: SyncedRecord>(_ record: R) throws {
        if let old = try R.fetchOne(db, key: record.id) {
            try update(record, from: old)
        } else {
            try insert(record)
        }
    }

    /// Refuses a row with text longer than the rules the county checks pushes against (`SyncedRules`) allow: a
    /// 1-million-character name once blocked a village's whole queue at the county's size limit. The entry points
    /// check the rest of the rules on what a clerk types (`IntakeForm`); typed records cannot break them.
    static func refuseBroken(_ table: String, _ names: [String], _ values: [DatabaseValue]) throws {
        guard
            let (column, reason) = SyncedRules.lengthProblem(
                table: table, names: names, values: values.map(ColumnValue.init))
        else { return }
        throw refusal(table, column, reason)
    }

    /// The refusal of `table.column` for `reason`, naming the clerk's field where there is one.
    static func refusal(_ table: String, _ column: String, _ reason: Localized) -> RegistryError {
        Field(rawValue: column).map { RegistryError($0, reason) }
            ?? RegistryError(nil, SyncedRules.named(table, column, reason))
    }

    private mutating func log(_ table: String, _ pk: String, _ scope: String, json: String) throws {
        hlc = hlc.tick(now: clock.milliseconds)
        try ChangeLog.append(
            db, table: table, pk: pk, json: json, hlc: hlc.raw, origin: site, originSeq: nil, scope: scope)
        entries += 1
    }

    /// Runs `body` with a recorder for `site` inside the caller's write transaction and persists the clock after
    /// it: the one shape every writer (village registry, county server) uses.
    public static func recording<T>(
        _ db: Database, site: String, clock: RegistryClock,
        _ body: (inout ChangeRecorder) throws -> T
    ) throws -> T {
        var recorder = try ChangeRecorder(db: db, site: site, clock: clock)
        let result = try body(&recorder)
        try recorder.finish()
        return result
    }

    /// Persists the clock; called once at the end of the transaction.
    public func finish() throws {
        if entries > 0 { try Setting.set(db, .hlc, String(hlc.raw)) }
    }
}

/// A table's INSERT and log-entry layout for the column order its records encode in, made once per process: the
/// SQL text, and the JSON key fragments in sorted order (the log's canonical form) with where each value sits.
struct InsertShape: Sendable {
    let names: [String]
    let sql: String
    /// Indexes into the encoded values, in the order of the sorted names.
    private let order: [Int]
    /// `"name":` for each index of `order`, as UTF-8.
    private let keys: [[UInt8]]
    /// Each column's rule from `SyncedRules`, in `names` order: its length is checked on every insert, so the rules
    /// are looked up once here rather than by name per row.
    private let rules: [ColumnRule?]

    private static let shapes = Mutex<[String: InsertShape]>([:])

    static func of(_ table: String, _ names: [String]) -> InsertShape {
        if let shape = shapes.withLock({ $0[table] }), shape.names == names { return shape }
        let shape = InsertShape(table: table, names: names)
        shapes.withLock { $0[table] = shape }
        return shape
    }

    private init(table: String, names: [String]) {
        self.names = names
        sql =
            "INSERT INTO \(table) (" + names.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        order = names.indices.sorted { names[$0] < names[$1] }
        rules = names.map { SyncedRules.tables[table]?[$0] }
        keys = order.map { index in
            var key: [UInt8] = []
            ColumnValues.appendString(names[index], to: &key)
            return key + [UInt8(ascii: ":")]
        }
    }

    /// The first value longer than its column's rule allows, and why.
    func overLimit(_ values: [DatabaseValue]) -> (Int, Localized)? {
        for (i, rule) in rules.enumerated() {
            if let rule, case .string = values[i].storage, let problem = rule.lengthProblem(ColumnValue(values[i])) {
                return (i, problem)
            }
        }
        return nil
    }

    /// The log entry's JSON for `values` (in `names` order): the same text as `ColumnValues(...).json`.
    func json(_ values: [DatabaseValue]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(48 * values.count)
        for (i, index) in order.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[i])
            ColumnValues.appendValue(ColumnValue(values[index]), to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
