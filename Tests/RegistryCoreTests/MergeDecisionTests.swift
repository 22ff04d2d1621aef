import Foundation
import GRDB
import Testing

@testable import RegistryCore

/// The merge decision on its own, without a database: a store is modelled by a dictionary that carries out each
/// plan the way both real stores do (insert or update the winners, log them under the row's scope).
@Suite("Merge decision: pure, scoped, order-free")
struct MergeDecisionTests {
    /// A store as the decision sees it: rows' values, each column's version and each row's owner.
    struct MemoryStore {
        var values: [String: [String: ColumnValue]] = [:]
        var versions: [String: [String: Version]] = [:]
        var owners: [String: String] = [:]
        var log: [(key: String, scope: String)] = []

        func known(_ batch: [Change], scopes: Set<String>?) -> KnownRows {
            var known = KnownRows()
            for change in batch {
                let key = "\(change.table)/\(change.pk)"
                guard let owner = owners[key] else { continue }
                if let scopes, !scopes.contains(owner) {
                    known.set(change.table, change.pk, KnownRows.Row(foreign: true))
                } else {
                    known.set(change.table, change.pk, KnownRows.Row(versions: versions[key] ?? [:], owner: owner))
                }
            }
            return known
        }

        mutating func carryOut(_ plan: MergePlan) {
            for write in plan.writes {
                let key = "\(write.change.table)/\(write.change.pk)"
                #expect(write.isNew == (owners[key] == nil), "an insert is planned exactly for a row not yet held")
                if write.isNew { owners[key] = write.scope }
                for column in write.columns {
                    values[key, default: [:]][column] = write.change.columns.values[column]
                    versions[key, default: [:]][column] = write.change.version
                }
                log.append((key, write.scope))
            }
        }

        mutating func apply(_ batch: [Change], sender: MergeDecision.Sender? = nil, scopes: Set<String>? = nil)
            -> MergePlan
        {
            let prepared = batch.map { MergeDecision.Prepared($0, checkRules: sender != nil) }
            let plan = MergeDecision.decide(prepared, known: known(batch, scopes: scopes), sender: sender)
            carryOut(plan)
            return plan
        }
    }

    @Test(
        "any order and any batching of the same changes gives the per-column maximum; a replay writes nothing",
        arguments: 0..<40)
    func orderFree(seed: UInt64) {
        let changes = MergeTests.changes(seed: seed, count: 60)
        let model = MergeTests.model(changes)
        var random = SeededRandom(seed: seed &+ 1000)
        var results: [[String: [String: ColumnValue]]] = []
        for _ in 0..<3 {
            var store = MemoryStore()
            var rest = changes.shuffled(using: &random)
            while !rest.isEmpty {
                let batch = Array(rest.prefix(Int.random(in: 1...20, using: &random)))
                rest.removeFirst(batch.count)
                let plan = store.apply(batch)
                #expect(plan.rejections.isEmpty)
                #expect(plan.writes.count + plan.superseded == batch.count)
                // A replay of the batch is a no-op: every change is already held.
                let replay = store.apply(batch)
                #expect(replay.writes.isEmpty && replay.superseded == batch.count)
            }
            results.append(
                store.values.reduce(into: [:]) { $0[String($1.key.dropFirst("risk_area/".count))] = $1.value })
        }
        let expected = model.mapValues { $0.mapValues(ColumnValue.init) }
        for result in results { #expect(result == expected) }
    }

    /// Random pushes from village A's device: its own rows, rows claiming village B, another device's changes,
    /// county tables, leads addressed to A or B, edits of B's rows.
    static func hostileBatch(seed: UInt64) -> [Change] {
        var random = SeededRandom(seed: seed)
        let villages = ["110105001001", "110105001002"]
        var seq: Int64 = 0
        return (0..<40).map { _ in
            seq += 1
            let origin = Int.random(in: 0..<10, using: &random) == 0 ? "site-other" : "site-a"
            let hlc = HLC(milliseconds: 1_656_000_000_000 + seq, counter: 0).raw
            let village = villages.randomElement(using: &random)!
            let pk = "row-\(Int.random(in: 0..<6, using: &random))"
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                return Change(
                    table: "lead", pk: "lead-\(Int.random(in: 0..<2, using: &random))",
                    columns: ColumnValues(
                        Bool.random(using: &random)
                            ? ["outcome": "found", "outcome_on": "2022-07-01"]
                            : ["name": "改名", "outcome": "absent"]),
                    hlc: hlc, origin: origin, originSeq: seq)
            case 1:
                return Change(
                    table: "risk_area", pk: pk, columns: ColumnValues(["level": "low"]), hlc: hlc, origin: origin,
                    originSeq: seq)
            default:
                var columns: [String: ColumnValue] = [
                    "person_id": "p1", "taken_at": "2022-07-01 08:00",
                    "taken_on": "2022-07-01", "temperature": .real(36.5), "flagged": 0,
                ]
                if Bool.random(using: &random) { columns["village"] = .string(village) }
                if Bool.random(using: &random) { columns = ["temperature": .real(37.5)] }
                return Change(
                    table: "health_check", pk: pk, columns: ColumnValues(columns), hlc: hlc, origin: origin,
                    originSeq: seq)
            }
        }
    }

    @Test(
        "a village's push writes only its own rows and its leads' outcomes; every other change is rejected with a reason",
        arguments: 0..<40)
    func scope(seed: UInt64) {
        var store = MemoryStore()
        // The county's lead to each village, and one health check of village B's that A may not touch.
        store.owners = [
            "lead/lead-0": "110105001001", "lead/lead-1": "110105001002", "health_check/row-5": "110105001002",
        ]
        let sender = MergeDecision.Sender(site: "site-a", village: "110105001001")
        let batch = Self.hostileBatch(seed: seed)
        let before = store.owners
        let plan = store.apply(batch, sender: sender, scopes: ["110105001001", "110105"])
        #expect(plan.writes.count + plan.rejections.count + plan.superseded == batch.count)
        for write in plan.writes {
            let change = write.change
            #expect(change.origin == "site-a")
            #expect(write.scope == "110105001001", "\(change.table) \(change.pk) written under \(write.scope)")
            #expect(change.table != "risk_area")
            if change.table == "lead" {
                #expect(Set(change.columns.values.keys).isSubset(of: ["outcome", "outcome_on", "person_id"]))
            }
            #expect(before["\(change.table)/\(change.pk)"].map { $0 == "110105001001" } ?? true)
        }
        for rejection in plan.rejections {
            #expect(!rejection.reason.zh.isEmpty && !rejection.reason.en.isEmpty)
            let change = batch[rejection.index]
            let mayWrite =
                change.origin == "site-a" && change.table == "health_check"
                && (change.columns.values["village"].map { $0 == "110105001001" } ?? false)
                && before["health_check/\(change.pk)"] == nil
            // Only a health check that is A's own, complete and new could have been written; anything else is refused.
            #expect(!mayWrite || change.columns.values.count < 6, "\(change) rejected: \(rejection.reason.en)")
        }
    }

    @Test(
        "a new row lacking a required column, a reused id of another village and a lone deletion are refused before any write"
    )
    func refusedBeforeWriting() {
        var store = MemoryStore()
        store.owners = [
            "health_check/taken": "110105001002", "health_check/mine": "110105001001", "person/p1": "110105001001",
        ]
        store.versions = ["health_check/mine": ["temperature": Version(hlc: HLC(raw: 1), origin: "site-a")]]
        let sender = MergeDecision.Sender(site: "site-a", village: "110105001001")
        let full: [String: ColumnValue] = [
            "village": "110105001001", "person_id": "p1", "taken_at": "2022-07-01 08:00",
            "taken_on": "2022-07-01", "temperature": .real(36.5), "flagged": 0,
        ]
        var partial = full
        partial["taken_on"] = nil
        let hlc = HLC(milliseconds: 1_656_000_000_000, counter: 0).raw
        let plan = store.apply(
            [
                Change(
                    table: "health_check", pk: "new", columns: ColumnValues(partial), hlc: hlc, origin: "site-a",
                    originSeq: 1),
                Change(
                    table: "health_check", pk: "taken", columns: ColumnValues(full), hlc: hlc, origin: "site-a",
                    originSeq: 2),
                Change(
                    table: "health_check", pk: "mine", columns: ColumnValues(["deleted": 1]), hlc: hlc,
                    origin: "site-a", originSeq: 3),
            ], sender: sender, scopes: ["110105001001", "110105"])
        #expect(plan.writes.isEmpty)
        #expect(
            plan.rejections.map(\.reason.en) == [
                "a new row is incomplete: health_check lacks taken_on",
                "another village's row has this id",
                "a health_check row is deleted only with its person (who is deleted with a reason)",
            ])
        // With its person deleted (as the store reports it), the same deletion is written.
        var known = store.known([], scopes: nil)
        known.set(
            "health_check", "mine", KnownRows.Row(versions: store.versions["health_check/mine"]!, owner: "110105001001")
        )
        known.setPerson(of: "health_check", "mine", person: "p1", deleted: true)
        let deletion = Change(
            table: "health_check", pk: "mine", columns: ColumnValues(["deleted": 1]), hlc: hlc, origin: "site-a",
            originSeq: 3)
        let allowed = MergeDecision.decide(
            [MergeDecision.Prepared(deletion, checkRules: true)], known: known, sender: sender)
        #expect(allowed.rejections.isEmpty && allowed.writes.map(\.columns) == [["deleted"]])
    }

    @Test("the columns a new row must carry are the schema's NOT NULL columns without a default")
    func requiredMatchesSchema() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            for table in SyncedTables.names {
                let required = try Row.fetchAll(
                    db, sql: "SELECT name, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", arguments: [table]
                )
                .filter {
                    ($0["notnull"] as Int) == 1 && ($0["dflt_value"] as String?) == nil && ($0["pk"] as Int) == 0
                }
                .map { $0["name"] as String }.sorted()
                #expect(SyncedRules.required[table] == required, "\(table)")
            }
        }
    }
}
