import GRDB

// The SQLite store's lookups for the merge: what a batch's rows are, read once before `MergeDecision` decides.

extension KnownRows {
    /// Where a batch's rows are looked up in the log, which is indexed by scope first (scope, table, id).
    public enum Scopes: Sendable {
        /// Every change among these few scopes: a village's own and its county's (a village's push at the county, a
        /// county's page pulled by a village).
        case among([String])
        /// Each change in its own scope, given in the batch's order: a relay's entries carry theirs, and a row's
        /// entries all carry its village's. Each scope is looked up alone: offered all of a relay page's scopes at
        /// once (500 villages' at 17:00) with 500 ids, SQLite searches the `(scope, tbl, pk)` index for every pair,
        /// 250,000 searches for 500 rows (docs/PERFORMANCE.md, Issue 36).
        case own([String])
        /// Every scope, without the index's help: one change applied by hand.
        case anywhere

        /// Whether the lookup is held to some scopes (and a row not found there may be another's).
        var narrowed: Bool {
            if case .anywhere = self { return false }
            return true
        }
    }

    /// Looks up the rows `changes` touch where `scopes` says (the villages and county whose rows the batch may change),
    /// with one query per table and scope lookup for every 500 rows instead of two lookups per change. With scopes and
    /// `probeForeign`, a row not found there is looked up by id in its table, so that reusing another village's id
    /// (or a relayed row's id held under another scope) is refused by the decision rather than by the insert. (The
    /// county first applies a push without that probe, which costs a lookup per new row, and probes only when an
    /// insert finds its id taken: see `MergePlan.IDTaken`.) For a deletion of a row about a person, also whether that
    /// person is deleted.
    public static func load(_ changes: [Change], scopes: Scopes, probeForeign: Bool = true, db: Database) throws
        -> KnownRows
    {
        var known = KnownRows()
        if case .own(let each) = scopes {
            precondition(each.count == changes.count, "KnownRows.Scopes.own: one scope for each change, in order")
        }
        // Per table, the ids to look up in each set of scopes (one set but for `.own`).
        var byTable: [String: [[String]?: Set<String>]] = [:]
        for (index, change) in changes.enumerated() where SyncedTables.nameSet.contains(change.table) {
            let lookIn: [String]?
            switch scopes {
            case .among(let few): lookIn = few
            case .own(let each): lookIn = [each[index]]
            case .anywhere: lookIn = nil
            }
            byTable[change.table, default: [:]][lookIn, default: []].insert(change.pk)
        }
        for (table, lookups) in byTable {
            var rows: [String: Row] = [:]
            var all: [String] = []
            for (lookIn, pks) in lookups {
                let ids = Array(pks)
                all += ids
                for chunk in ids.chunks(of: keysPerLookup) {
                    let cursor = try ChangeLog.entries(db, table: table, pks: chunk, scopes: lookIn)
                    while let entry = try cursor.next() {
                        let pk: String = entry[0]
                        let version = Version(hlc: HLC(raw: entry[2]), origin: entry[3])
                        var row = rows[pk] ?? Row()
                        row.owner = entry[4]
                        Merge.observe(ColumnValues.names(json: entry[1]), at: version, into: &row.versions)
                        rows[pk] = row
                    }
                }
            }
            if probeForeign && scopes.narrowed {
                let unseen = all.filter { rows[$0] == nil }
                // `table` is one of the synced tables (filtered above), never a pushed string.
                for taken in try db.rows(forKeys: unseen, { "SELECT id FROM \(table) WHERE id IN (\($0))" }) {
                    rows[taken[0]] = Row(foreign: true)
                }
            }
            for (pk, row) in rows { known.set(table, pk, row) }
        }
        try known.loadPersons(of: changes, db: db)
        let named = KnownRows.namedPersons(changes)
        for row in try db.rows(forKeys: named, { "SELECT id, village FROM person WHERE id IN (\($0))" }) {
            known.setPersonVillage(row["id"], row["village"])
        }
        return known
    }

    /// For each deletion of a row recorded about a person, the person (from the change, an earlier change of the
    /// batch, or the stored row) and whether they are deleted as stored.
    private mutating func loadPersons(of changes: [Change], db: Database) throws {
        let deletions = KnownRows.deletionsAboutPersons(changes)
        guard !deletions.isEmpty else { return }
        // A column of a row as the batch or the database has it.
        func value(_ table: String, _ pk: String, _ column: String) throws -> String? {
            if let sent = KnownRows.sent(table, pk, column, in: changes) { return sent.stringValue }
            return try String.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE id = ?", arguments: [pk])
        }
        for change in deletions {
            let person: String?
            if change.table == MeasureEvent.databaseTableName {
                person = try value(change.table, change.pk, "measure_id").flatMap {
                    try value(Measure.databaseTableName, $0, "person_id")
                }
            } else {
                person = try value(change.table, change.pk, "person_id")
            }
            guard let person else { continue }
            let deleted = try Bool.fetchOne(db, sql: "SELECT deleted FROM person WHERE id = ?", arguments: [person])
            setPerson(of: change.table, change.pk, person: person, deleted: deleted)
        }
    }
}
