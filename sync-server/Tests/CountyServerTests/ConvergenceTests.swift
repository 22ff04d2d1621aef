import CountyServer
import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// The reference model: every write any site made (its own change-log entries, as written), folded last writer
/// wins per column on (HLC, origin). Independent of the merge engine: a dictionary and one comparison.
struct ReferenceModel {
    struct Cell {
        var value: DatabaseValue
        var hlc: Int64
        var origin: String
    }
    /// table → row id → column → winning write.
    var rows: [String: [String: [String: Cell]]] = [:]
    /// table → row id → scope (the row's village, or the county for the county's published rows).
    var scopes: [String: [String: String]] = [:]

    mutating func add(site: String, db: Database) throws {
        for entry in try Row.fetchAll(
            db, sql: "SELECT tbl, pk, columns, hlc, origin, scope FROM change_log WHERE origin = ?", arguments: [site])
        {
            let table: String = entry["tbl"]
            let pk: String = entry["pk"]
            let hlc: Int64 = entry["hlc"]
            let origin: String = entry["origin"]
            scopes[table, default: [:]][pk] = entry["scope"]
            for (column, value) in ColumnValues(json: entry["columns"])!.values {
                let cell = rows[table]?[pk]?[column]
                if cell == nil || (hlc, origin) > (cell!.hlc, cell!.origin) {
                    rows[table, default: [:]][pk, default: [:]][column] = Cell(
                        value: value.databaseValue, hlc: hlc, origin: origin)
                }
            }
        }
    }

    /// The rows a site should hold, keeping those whose scope passes `holds`.
    func expected(_ table: String, holds: (String) -> Bool) -> [String: [String: DatabaseValue]] {
        var result: [String: [String: DatabaseValue]] = [:]
        for (pk, columns) in rows[table] ?? [:] where holds(scopes[table]?[pk] ?? "") {
            result[pk] = columns.mapValues(\.value)
            // A row's id is its key, whether or not a log entry carried it among the columns (a change relayed
            // through the merge logs only the columns it wrote).
            result[pk]?["id"] = pk.databaseValue
        }
        return result
    }
}

func tableState(_ db: Database, _ table: String) throws -> [String: [String: DatabaseValue]] {
    var result: [String: [String: DatabaseValue]] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
        var columns: [String: DatabaseValue] = [:]
        for (name, value) in row { columns[name] = value }
        result[row["id"]] = columns
    }
    return result
}

/// Seeds and length: CONVERGENCE_SEED (a number, or `random`) and CONVERGENCE_STEPS; by default three fixed
/// seeds of 300 steps (CI). `scripts/convergence.sh` runs long ones with random seeds.
enum ConvergenceRuns {
    static var steps: Int { ProcessInfo.processInfo.environment["CONVERGENCE_STEPS"].flatMap(Int.init) ?? 300 }
    static var seeds: [UInt64] {
        switch ProcessInfo.processInfo.environment["CONVERGENCE_SEED"] {
        case nil: return [1, 2, 3]
        case "random": return [UInt64.random(in: 1...UInt64(Int64.max))]
        case let text?: return text.split(separator: ",").compactMap { UInt64($0) }
        }
    }
}

@Suite("Convergence: random operations, faults and syncs settle every site on the reference model", .serialized)
struct ConvergenceTests {
    @Test(
        "villages, a second laptop and the county edit, delete, restore, report and sync through faults and kills",
        arguments: ConvergenceRuns.seeds)
    func randomized(seed: UInt64) async throws {
        let steps = ConvergenceRuns.steps
        let replay = "replay: CONVERGENCE_SEED=\(seed) CONVERGENCE_STEPS=\(steps) swift test --filter ConvergenceTests"
        print("convergence seed \(seed), \(steps) steps (\(replay))")
        let world = try await ConvergenceWorld(seed: seed)
        for _ in 0..<steps { try await world.randomStep() }
        try await world.settle()
        try await verify(world, seed: seed, replay: replay)
        for server in world.servers { server.stop() }
        await world.county.close()
    }

    @Test(
        "three levels: a province, a city, two counties and their villages; relays up at random through the same faults",
        arguments: ConvergenceRuns.seeds.prefix(2))
    func threeLevels(seed: UInt64) async throws {
        let steps = ConvergenceRuns.steps
        let replay =
            "replay: CONVERGENCE_SEED=\(seed) CONVERGENCE_STEPS=\(steps) swift test --filter ConvergenceTests/threeLevels"
        print("three-level convergence seed \(seed), \(steps) steps (\(replay))")
        let world = try await ConvergenceWorld(seed: seed, levels: true)
        for _ in 0..<steps { try await world.randomStep() }
        try await world.settle()
        try await verify(world, seed: seed, replay: replay)
        for server in (world.counties + world.uppers).flatMap(\.servers) { server.stop() }
        for county in world.counties + world.uppers { await county.store.close() }
    }

    func verify(_ world: ConvergenceWorld, seed: UInt64, replay: String) async throws {
        let context = "seed \(seed) (\(replay)); last steps:\n" + world.history.suffix(15).joined(separator: "\n")
        print(
            "seed \(seed): "
                + world.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))

        #expect(world.serverErrors.isEmpty, "server errors: \(world.serverErrors.prefix(3)) — \(context)")
        // Every server's rows and log as its store holds them (on PostgreSQL, through a replica caught up with it); the
        // model takes every server's own writes (the city and the province write nothing of their own yet).
        var model = ReferenceModel()
        var states: [[String: [String: [String: DatabaseValue]]]] = []
        let holders = world.counties + world.uppers
        for holder in holders {
            let site = try await holder.store.settings().site
            let before = model
            let (after, state) = try await holder.store.reading { database in
                try database.read { db in
                    var model = before
                    try model.add(site: site, db: db)
                    return (
                        model,
                        try Dictionary(uniqueKeysWithValues: SyncedTables.names.map { ($0, try tableState(db, $0)) })
                    )
                }
            }
            model = after
            states.append(state)
        }
        for site in world.sites {
            let own = try site.registry.settings().site
            model = try readNow(site.registry.writer) { db in
                var m = model
                try m.add(site: own, db: db)
                return m
            }
        }
        #expect((model.rows["person"]?.count ?? 0) > 5, "the run wrote too little to prove anything — \(context)")

        // Each server holds every row of its region exactly as the model says (a county its own; the city its county's;
        // the province all); each laptop its village's rows and its county's.
        for (holder, state) in zip(holders, states) {
            let prefix = holder.code.prefix(
                RegionLevel.of(holder.code) == .province ? 2 : RegionLevel.of(holder.code) == .city ? 4 : 6)
            let name = holder.code
            for table in SyncedTables.names {
                let held = state[table] ?? [:]
                #expect(
                    try count(holder.servers[0].db, "SELECT count(*) FROM \(table)") == held.count,
                    "\(name) store, \(table) — \(context)")
                let expected = model.expected(table) { $0.hasPrefix(prefix) }
                let same = held == expected
                #expect(same, "\(name), \(table): \(difference(held, expected)) — \(context)")
            }
            // Nothing doubled anywhere, and nothing the server above refused.
            let doubled = try count(
                holder.servers[0].db,
                "SELECT count(*) FROM (SELECT 1 FROM change_log WHERE origin_seq IS NOT NULL GROUP BY origin, origin_seq HAVING count(*) > 1) AS d"
            )
            #expect(doubled == 0, "\(name) — \(context)")
            #expect(
                try count(holder.servers[0].db, "SELECT count(*) FROM sync_rejection") == 0,
                "\(name) relays refused — \(context)")
        }
        for site in world.sites {
            for table in SyncedTables.names {
                let held = try readNow(site.registry.writer) { try tableState($0, table) }
                let expected = model.expected(table) { $0 == site.village || $0 == site.county.code }
                let same = held == expected
                #expect(same, "\(site.name), \(table): \(difference(held, expected)) — \(context)")
            }
        }
        // Nothing pending or rejected at a village, no future clock at the county.
        for site in world.sites {
            let own = try site.registry.settings().site
            let (pending, rejected) = try readNow(site.registry.writer) { db in
                let cursor = try SyncState.load(db).pushCursor
                return (
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM change_log WHERE origin = ? AND seq > ?",
                        arguments: [own, cursor]) ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_rejection") ?? 0
                )
            }
            #expect(
                pending == 0 && rejected == 0, "\(site.name): \(pending) pending, \(rejected) rejected — \(context)")
        }
        let latest: Int64 = try rows(world.server.db, "SELECT max(hlc) AS h FROM change_log")[0]["h"]
        #expect(HLC(raw: latest).milliseconds <= Int64(world.now.timeIntervalSince1970 * 1000) + 60_000, "\(context)")
    }
}

/// A blocking read, from async code too (where GRDB would otherwise pick its async `read`).
func readNow<T>(_ writer: any DatabaseWriter, _ body: (Database) throws -> T) throws -> T { try writer.read(body) }

/// The first few rows where two states differ, for a readable failure.
func difference(_ a: [String: [String: DatabaseValue]], _ b: [String: [String: DatabaseValue]]) -> String {
    var lines: [String] = []
    for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
        let columns = Set((a[key] ?? [:]).keys).union((b[key] ?? [:]).keys).filter { a[key]?[$0] != b[key]?[$0] }
        lines.append(
            "\(key): "
                + columns.sorted().map {
                    "\($0) held \(a[key]?[$0]?.description ?? "—") expected \(b[key]?[$0]?.description ?? "—")"
                }
                .joined(separator: "; "))
        if lines.count == 3 { break }
    }
    return lines.isEmpty ? "same" : lines.joined(separator: " | ")
}
