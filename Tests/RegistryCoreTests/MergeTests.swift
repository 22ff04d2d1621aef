import Foundation
import GRDB
import Testing

@testable import RegistryCore

@Suite("Merge: last writer wins per column")
struct MergeTests {
    static let sites = ["site-a", "site-b", "site-c"]

    /// Random changes to a few risk-area rows from three sites. Every change carries the required columns (so that
    /// any of them can create the row) and, at random, the optional ones: partial columns merge independently.
    static func changes(seed: UInt64, count: Int) -> [Change] {
        var random = SeededRandom(seed: seed)
        var seqs: [String: Int64] = [:]
        return (0..<count).map { _ in
            let site = sites.randomElement(using: &random)!
            seqs[site, default: 0] += 1
            var columns: [String: DatabaseValue] = [
                "village": "110105".databaseValue, "code": "420102".databaseValue,
                "name": "name-\(Int.random(in: 0..<5, using: &random))".databaseValue,
                "level": (Bool.random(using: &random) ? "high" : "mid").databaseValue,
                "in_force_from": "2022-06-20".databaseValue,
            ]
            if Bool.random(using: &random) {
                columns["deleted"] = Int64.random(in: 0...1, using: &random).databaseValue
            }
            if Bool.random(using: &random) {
                columns["lifted_on"] =
                    Bool.random(using: &random)
                    ? DatabaseValue.null : "2022-07-0\(Int.random(in: 1...9, using: &random))".databaseValue
            }
            // Few distinct milliseconds, so that equal clocks across sites are common and the site id must break
            // ties; within a site the counter makes every clock unique, as a real HLC is.
            let hlc = HLC(
                milliseconds: 1_656_000_000_000 + Int64.random(in: 0..<3, using: &random), counter: Int(seqs[site]!))
            return Change(
                table: "risk_area", pk: "area-\(Int.random(in: 0..<3, using: &random))", columns: ColumnValues(columns),
                hlc: hlc.raw, origin: site, originSeq: seqs[site]!)
        }
    }

    /// The reference model: for each row and column, the value of the greatest version seen.
    static func model(_ changes: [Change]) -> [String: [String: DatabaseValue]] {
        var state: [String: [String: (DatabaseValue, Version)]] = [:]
        // The model compares stored values: the wire's are converted as the store converts them.
        for change in changes {
            for (column, value) in change.columns.values {
                if let held = state[change.pk]?[column], !(held.1 < change.version) { continue }
                state[change.pk, default: [:]][column] = (value.databaseValue, change.version)
            }
        }
        return state.mapValues { $0.mapValues(\.0) }
    }

    /// Applies `changes` one by one, or in batches of `batch` whose rows are looked up once per batch (the path a
    /// push and a pull page take; a batch may touch one row several times).
    static func apply(_ changes: [Change], batch: Int? = nil) throws -> (
        DatabaseQueue, [String: [String: DatabaseValue]]
    ) {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            guard let batch else {
                for change in changes { try ChangeApplier.apply(change, db: db) }
                return
            }
            for start in stride(from: 0, to: changes.count, by: batch) {
                let slice = Array(changes[start..<min(start + batch, changes.count)])
                let plan = try ChangeApplier.apply(slice, scopes: .among(["110105"]), db: db)
                #expect(plan.rejections.isEmpty)
            }
        }
        return (queue, try state(queue))
    }

    static func state(_ queue: DatabaseQueue) throws -> [String: [String: DatabaseValue]] {
        try queue.read { db in
            var out: [String: [String: DatabaseValue]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, village, code, name, level, in_force_from, lifted_on, deleted FROM risk_area")
            {
                var columns: [String: DatabaseValue] = [:]
                for column in row.columnNames where column != "id" { columns[column] = row[column] }
                out[row["id"]] = columns
            }
            return out
        }
    }

    /// The model with the defaults a database fills in for columns no change set.
    static func expected(_ changes: [Change]) -> [String: [String: DatabaseValue]] {
        model(changes).mapValues { columns in
            var full = columns
            if full["deleted"] == nil { full["deleted"] = 0.databaseValue }
            if full["lifted_on"] == nil { full["lifted_on"] = .null }
            return full
        }
    }

    @Test("every delivery order, with duplicates, converges on the reference model", arguments: 1...25)
    func orders(seed: Int) throws {
        let changes = MergeTests.changes(seed: UInt64(seed), count: 40)
        let expected = MergeTests.expected(changes)
        var random = SeededRandom(seed: UInt64(seed) * 7919)
        for round in 0..<4 {
            var delivery = changes.shuffled(using: &random)
            delivery += changes.shuffled(using: &random).prefix(10)  // duplicated deliveries
            let (_, state) = try MergeTests.apply(delivery, batch: [nil, 7, 50, 1][round])
            #expect(state == expected, "seed \(seed), round \(round)")
        }
    }

    @Test("column names read from log JSON without decoding equal the decoded keys, escapes included")
    func columnNames() throws {
        for json in [
            #"{"a":"x","b":null,"c":1.5,"d":-2}"#, #"{"name":"say \"hi\", ok","v":"a,b:c"}"#, "{}",
            ColumnValues(["x": "\\".databaseValue, "y": "{[,]}".databaseValue]).json,
        ] {
            #expect(
                Set(ColumnValues.names(json: json)) == Set(try #require(ColumnValues(json: json)).values.keys),
                "\(json)")
        }
    }

    @Test("the log's JSON: escapes as JSON requires, reads back to the same values, the insert's text is the update's")
    func logJSON() throws {
        let values: [String: DatabaseValue] = [
            "a": "say \"hi\" \\ back".databaseValue, "b": "两行\n\t制表\r".databaseValue, "c": "\u{1F}\u{0}x".databaseValue,
            "d": "湖北省武汉市🙂".databaseValue, "e": .null, "f": 42.databaseValue, "g": (-1.5).databaseValue,
        ]
        let json = ColumnValues(values).json
        #expect(json.hasPrefix(#"{"a":"say \"hi\" \\ back","b":"两行\n\t制表\r","c":"\u001f\u0000x","d":"湖北省武汉市🙂""#))
        #expect(json.hasSuffix(#","e":null,"f":42,"g":-1.5}"#), "\(json)")
        #expect(ColumnValues(json: json) == ColumnValues(values))
        // An insert writes the same text from its encoded columns, in the record's own column order.
        let names = ["g", "c", "a", "f", "e", "d", "b"]
        #expect(InsertShape.of("test_shape", names).json(names.map { values[$0]! }) == json)
    }

    @Test("applying everything again changes nothing (idempotent) and logs nothing new", arguments: 1...5)
    func idempotent(seed: Int) throws {
        let changes = MergeTests.changes(seed: UInt64(seed), count: 30)
        let (queue, first) = try MergeTests.apply(changes)
        let logged = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") }
        try queue.write { db in for change in changes { try ChangeApplier.apply(change, db: db) } }
        #expect(try MergeTests.state(queue) == first)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") } == logged)
    }

    @Test("merging through a relay (one site's log passed on) equals merging directly (associative)", arguments: 1...10)
    func relay(seed: Int) throws {
        let changes = MergeTests.changes(seed: UInt64(seed), count: 40)
        let (relay, _) = try MergeTests.apply(Array(changes.prefix(25)))
        let relayed = try relay.read { db in
            try Row.fetchAll(db, sql: "SELECT tbl, pk, columns, hlc, origin, origin_seq FROM change_log ORDER BY seq")
                .map {
                    Change(
                        table: $0["tbl"], pk: $0["pk"], columns: ColumnValues(json: $0["columns"])!, hlc: $0["hlc"],
                        origin: $0["origin"], originSeq: $0["origin_seq"])
                }
        }
        let (_, state) = try MergeTests.apply(Array(changes.suffix(15)) + relayed)
        #expect(state == MergeTests.expected(changes), "seed \(seed)")
    }

    @Test("delete, edit and restore order by their clocks in every order; an older edit never resurrects")
    func deleteEditRestore() throws {
        func change(_ columns: [String: DatabaseValue], at ms: Int64, seq: Int64) -> Change {
            var base: [String: DatabaseValue] = [
                "village": "110105".databaseValue, "code": "420102".databaseValue,
                "level": "high".databaseValue, "in_force_from": "2022-06-20".databaseValue,
                "name": "江岸".databaseValue,
            ]
            if seq > 1 { base = [:] }
            return Change(
                table: "risk_area", pk: "a", columns: ColumnValues(base.merging(columns) { $1 }),
                hlc: HLC(milliseconds: ms, counter: 0).raw, origin: "site-a", originSeq: seq)
        }
        let create = change([:], at: 1, seq: 1)
        let edit = change(["name": "江岸区".databaseValue], at: 2, seq: 2)
        let delete = change(["deleted": 1.databaseValue], at: 3, seq: 3)
        let restore = change(["deleted": 0.databaseValue], at: 4, seq: 4)
        for order in [
            [edit, delete, restore], [restore, delete, edit], [delete, restore, edit], [restore, edit, delete],
        ] {
            let (_, state) = try MergeTests.apply([create] + order)
            #expect(state["a"]?["deleted"] == 0.databaseValue && state["a"]?["name"] == "江岸区".databaseValue)
        }
        let (_, deleted) = try MergeTests.apply([create, delete, edit])
        #expect(deleted["a"]?["deleted"] == 1.databaseValue)
    }

    @Test("unknown tables and columns are refused, never interpolated into SQL")
    func unknownNames() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        let badTable = Change(
            table: "setting; DROP TABLE person", pk: "x", columns: ColumnValues([String: ColumnValue]()), hlc: 1,
            origin: "s", originSeq: 1)
        let badColumn = Change(
            table: "person", pk: "x", columns: ColumnValues(["name = 'x'; --": "y".databaseValue]), hlc: 1, origin: "s",
            originSeq: 1)
        try queue.write { db in
            #expect(throws: RegistryError.self) { try ChangeApplier.apply(badTable, db: db) }
            #expect(throws: RegistryError.self) { try ChangeApplier.apply(badColumn, db: db) }
        }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") } == 0)
    }

    @Test("a relayed batch from 500 villages is looked up through the log's index, each change in its own scope alone")
    func relayedLookupUsesTheIndex() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        let villages = (1...500).map { "110105001\(String(format: "%03d", $0))" }
        try queue.write { db in
            for (number, village) in villages.enumerated() {
                for row in 0..<4 {
                    try ChangeLog.append(
                        db, table: "person", pk: "\(village)-\(row)", json: #"{"name":"张三"}"#,
                        hlc: Int64(number * 4 + row + 1), origin: "site-\(village)", originSeq: Int64(row + 1),
                        scope: village)
                }
            }
        }
        // A relay page: one change to each village's second row, and one to a row no village holds.
        var changes = villages.map {
            Change(
                table: "person", pk: "\($0)-1", columns: ColumnValues(["name": "李四".databaseValue]), hlc: 9_000,
                origin: "county-site", originSeq: 1)
        }
        changes.append(
            Change(
                table: "person", pk: "new-row", columns: ColumnValues(["name": "王五".databaseValue]), hlc: 9_001,
                origin: "county-site", originSeq: 2))
        let scopes = villages + [villages[0]]
        try queue.read { db in
            var lookups: [(sql: String, expanded: String)] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event, statement.sql.contains("FROM change_log") {
                    lookups.append((statement.sql, statement.expandedSQL))
                }
            }
            let known = try KnownRows.load(changes, scopes: .own(scopes), db: db)
            db.trace(options: .statement, nil)
            #expect(known.row("person", "110105001007-1").owner == "110105001007")
            #expect(known.row("person", "110105001007-1").versions["name"] != nil)
            #expect(known.row("person", "new-row").owner == nil)
            #expect(!lookups.isEmpty)
            for lookup in lookups {
                // One scope a lookup: offered 500 scopes and 500 ids, SQLite searches the index for every pair.
                #expect(lookup.sql.contains("WHERE scope IN (?) AND tbl = ?"))
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + lookup.expanded).map {
                    $0["detail"] as String
                }
                #expect(plan.contains { $0.contains("USING INDEX change_log_row") }, "\(plan)")
            }
        }
    }
}
