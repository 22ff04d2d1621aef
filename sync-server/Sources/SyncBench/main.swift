import AsyncHTTPClient
import CountyServer
import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO
import RegistryCore
import RegistrySync
import Synchronization

// sync-bench: the county side's benchmarks (DESIGN.md Targets), printed beside their targets.
//   sync-bench apply [BATCH [concurrent]]   changes/s merged from pushed batches, in process
//   sync-bench pull             cost of pulling 100 new changes from a log of 10k vs 1M
//   sync-bench floor            the same writes as apply with two bare cached INSERTs per change (the floor)
//   sync-bench decode           push bodies decoded per second (JSONDecoder), the HTTP path's share
//   sync-bench dashboard        the officer's page for a county of 500 villages and 100k persons: ms per render
//   sync-bench relay            a county's log of 200k changes relayed to its city (changes/s, beside the county's
//                               own apply rate); then a city of 10 counties × 500 villages: a day's load relayed
//                               up and the city's merge run over it (ms)
//   sync-bench tracing          another village's push beside one village's 20k persons and 3k positives with
//                               contacts (ms before and after), and a full tracing pass over them
//   sync-bench start [N]        a county whose log holds N entries (default 1M), on SQLite and PostgreSQL: how long
//                               a new process takes to its first merge run (a replica built, kept, caught up)
//   sync-bench load V N B URL DB [C]   V villages × N changes pushed B per push to a running server, C villages
//                                  at a time (default all; tokens issued through DB); total time, p50/p99 latency.
//                                  URL may list several servers over one database, comma-separated: villages are
//                                  spread over them.
// With $SYNC_BENCH_POSTGRES (postgres://user:password@host:port/db, a role that may create databases), apply, floor
// and pull run on PostgreSQL, each in a new database.

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// The changes a village's registry would push: person rows with realistic columns and keys. Keys are time-ordered
/// (v7) UUIDs made over one working day, as the village's devices make them, so that the villages' keys interleave
/// in the county's indexes as they do in a real county; id numbers are spread at random.
func personChanges(village: String, site: String, count: Int) -> [Change] {
    let dayStart = Int64(Date().timeIntervalSince1970 * 1000) - 10 * 3_600_000
    var random = SeededRandom(seed: UInt64(village) ?? 1)
    return (0..<count).map { i in
        let ms = dayStart + Int64(i) * 28_800_000 / Int64(max(count, 1)) + Int64(random.next() % 1000)
        let bits = random.next()
        let idNumber = residentID(random.next())
        return Change(
            table: "person", pk: recordID(milliseconds: ms, random: bits),
            columns: ColumnValues([
                "village": village.databaseValue, "name": "人员\(i)".databaseValue,
                "id_type": "resident_id".databaseValue,
                "id_number": idNumber.databaseValue, "phone": "13800138000".databaseValue,
                "created_at": "2022-11-05T09:00:00+08:00".databaseValue, "deleted": 0.databaseValue,
            ]), hlc: HLC(milliseconds: ms, counter: 0).raw, origin: site, originSeq: Int64(i + 1))
    }
}

/// A valid resident ID (birth date and check character right: the county checks both) from random bits.
func residentID(_ r: UInt64) -> String {
    let body = String(
        format: "4201%02llu%04llu%02llu%02llu%03llu", r % 100, 1950 + (r >> 8) % 60, 1 + (r >> 16) % 12,
        1 + (r >> 24) % 28, (r >> 32) % 1000)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body.utf8.map { Int($0) - 48 }, weights).reduce(0) { $0 + $1.0 * $1.1 }
    return body + String(Array("10X98765432")[sum % 11])
}

/// A version-7 UUID as text: 48 bits of milliseconds, then random bits.
func recordID(milliseconds ms: Int64, random r: UInt64) -> String {
    String(
        format: "%08llx-%04llx-7%03llx-%04llx-%012llx", UInt64(ms) >> 16, UInt64(ms) & 0xFFFF, (r >> 52) & 0xFFF,
        0x8000 | ((r >> 36) & 0x3FFF), r & 0xFFFF_FFFF_FFFF)
}

/// The PostgreSQL server to run on, if any.
let postgres = ProcessInfo.processInfo.environment["SYNC_BENCH_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

/// A new, empty database on the PostgreSQL server `postgres`.
func newPostgresDatabase(_ server: String) async throws -> String {
    let client = PostgresClient(configuration: try PostgresStore.configuration(server))
    let runner = Task { await client.run() }
    let name = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
    runner.cancel()
    benchDatabases.withLock { $0.append(name) }
    var components = URLComponents(string: server)!
    components.path = "/" + name
    return components.string!
}

/// The databases this run made on the PostgreSQL server, dropped when it ends (a benchmark's database is 100k+ rows).
let benchDatabases = Mutex<[String]>([])

/// Drops the databases this run made (`FORCE`: a store's pool may still hold a connection as the run ends).
func dropBenchDatabases(_ server: String) async throws {
    let names = benchDatabases.withLock { $0 }
    guard !names.isEmpty else { return }
    let client = PostgresClient(configuration: try PostgresStore.configuration(server))
    let runner = Task { await client.run() }
    for name in names {
        try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }
    runner.cancel()
}

/// A county store for a benchmark: a SQLite file `path`, or a new PostgreSQL database with $SYNC_BENCH_POSTGRES.
func county(_ path: String, villages: Int) async throws -> any CountyStore {
    var location = path
    if let postgres { location = try await newPostgresDatabase(postgres) }
    let db = try await openStore(location, clock: RegistryClock(now: { Date() }))
    try await setUpCounty(db, villages: villages)
    return db
}

/// Initialises the county 110105 with a roster of `villages` villages.
func setUpCounty(_ db: any CountyStore, villages: Int) async throws {
    _ = try await db.initialize(county: "110105", name: "基准县")
    var roster = "code,name,township_code,township_name\n"
    for v in 0..<villages {
        roster += String(format: "110105%03d%03d,村%d,110105%03d,镇\n", v / 100 + 1, v % 100 + 1, v, v / 100 + 1)
    }
    let file = try CSVFile(data: Data(roster.utf8), file: "roster.csv")
    _ = try await db.writing { try $0.importVillages(file) }
}

/// Which store a figure was measured on.
let storeName = postgres == nil ? "SQLite" : "PostgreSQL"

func villageCode(_ v: Int) -> String { String(format: "110105%03d%03d", v / 100 + 1, v % 100 + 1) }

let arguments = Array(CommandLine.arguments.dropFirst())
let dir = NSTemporaryDirectory() + "sync-bench-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
// $SYNC_BENCH_KEEP keeps the generated databases (printed) for a look with sqlite3.
defer {
    if ProcessInfo.processInfo.environment["SYNC_BENCH_KEEP"] != nil {
        print("kept \(dir)")
    } else {
        try? FileManager.default.removeItem(atPath: dir)
    }
}

switch arguments.first {
case "apply":
    // 100 villages × 2,000 changes in batches of 500 (or the size given, a divisor of 2,000): the server's apply path
    // (scope checks, merge, log). One push after another (a transaction each), or with `concurrent` all villages at
    // once, so that waiting pushes share group commits.
    let db = try await county(dir + "/apply.sqlite", villages: 100)
    let size = arguments.count > 1 ? Int(arguments[1])! : 500
    let batches = (0..<100).flatMap { v -> [(String, Wire.PushRequest)] in
        let changes = personChanges(village: villageCode(v), site: "site-\(v)", count: 2000)
        return stride(from: 0, to: 2000, by: size).map { start in
            (
                villageCode(v),
                Wire.PushRequest(
                    site: "site-\(v)", after: Int64(start), through: Int64(start + size),
                    changes: Array(changes[start..<start + size]))
            )
        }
    }
    // All villages pushing at the same time (each its batches in order), or one push after another.
    let concurrent = arguments.count > 2 && arguments[2] == "concurrent"
    let start = now()
    if concurrent {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for v in 0..<100 {
                let mine = batches.filter { $0.1.site == "site-\(v)" }
                group.addTask {
                    for (village, batch) in mine {
                        _ = try await db.push(batch, village: village, tokenID: "bench-\(village)", maxSkew: 600)
                    }
                }
            }
            try await group.waitForAll()
        }
    } else {
        for (village, batch) in batches {
            _ = try await db.push(batch, village: village, tokenID: "bench-\(village)", maxSkew: 600)
        }
    }
    let elapsed = now() - start
    print(
        String(
            format: "server apply (%@): 200,000 changes in batches of %d, %@: %.2f s = %.0f changes/s",
            storeName, size, concurrent ? "100 villages pushing at once" : "one push after another", elapsed,
            200_000 / elapsed))
    await db.close()
case "floor":
    // The floor under `apply`: the same rows and log entries written with two cached INSERTs per change and nothing
    // else (no decoding, scope check, merge or JSON building), in transactions of 500, on the same schema.
    let db = try await county(dir + "/floor.sqlite", villages: 100)
    let rows = (0..<100).flatMap { v in personChanges(village: villageCode(v), site: "site-\(v)", count: 2000) }
    let names = ["village", "name", "id_type", "id_number", "phone", "created_at", "deleted"]
    if let store = db as? PostgresStore {
        // PostgreSQL's floor: per 5,000 changes (a full push group) one transaction with one INSERT of the rows and
        // one of the log entries, each column bound as one array as the store's apply binds them, nothing else.
        let url = store.location
        await db.close()
        let client = PostgresClient(configuration: try PostgresStore.configuration(url))
        let runner = Task { await client.run() }
        let start = now()
        for chunk in stride(from: 0, to: rows.count, by: 5_000) {
            let slice = rows[chunk..<min(chunk + 5_000, rows.count)]
            try await client.withTransaction(logger: Logger(label: "floor")) { connection in
                var rowBinds = PostgresBindings()
                rowBinds.append(slice.map(\.pk))
                for name in names {
                    if name == "deleted" {
                        rowBinds.append(slice.map { $0.columns.values[name]?.integerValue ?? 0 })
                    } else {
                        rowBinds.append(slice.map { $0.columns.values[name]!.text })
                    }
                }
                var logBinds = PostgresBindings()
                logBinds.append(slice.map { _ in "person" })
                logBinds.append(slice.map(\.pk))
                logBinds.append(slice.map(\.columns.json))
                logBinds.append(slice.map(\.hlc))
                logBinds.append(slice.map(\.origin))
                logBinds.append(slice.map(\.originSeq))
                logBinds.append(slice.indices.map { villageCode($0 / 2000) })
                let logger = Logger(label: "floor")
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO person (id, " + names.joined(separator: ", ")
                            + ") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
                            + " $6::text[], $7::text[], $8::bigint[])", binds: rowBinds), logger: logger)
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope)
                            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                              $6::bigint[], $7::text[])
                            """, binds: logBinds), logger: logger)
            }
        }
        let elapsed = now() - start
        runner.cancel()
        print(
            String(
                format:
                    "floor (PostgreSQL: two array inserts per 5,000 changes, nothing else): 200,000 changes in %.2f s = %.0f changes/s",
                elapsed, 200_000 / elapsed))
        break
    }
    await db.close()
    // The floor writes behind the server's back, with a connection of its own: the county database lets no one write
    // but through its logged operations.
    // The same settings as the county's writer (CountyDatabase.open): a 64 MB page cache, checkpoints every 64 MB.
    var configuration = Configuration()
    configuration.prepareDatabase {
        try $0.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384")
    }
    let sqlite = try DatabasePool(path: dir + "/floor.sqlite", configuration: configuration)
    // Both statements' values made before the clock starts, and bound directly (`execute(binding:)`), as the apply
    // binds them: a floor that built `StatementArguments` per insert would read low.
    let prepared = rows.enumerated().map { i, change -> ([DatabaseValue], [DatabaseValue]) in
        (
            [change.pk.databaseValue] + names.map { change.columns.values[$0]!.databaseValue },
            [
                "person".databaseValue, change.pk.databaseValue, change.columns.json.databaseValue,
                change.hlc.databaseValue, change.origin.databaseValue, change.originSeq.databaseValue,
                villageCode(i / 2000).databaseValue,
            ]
        )
    }
    if let pragma = ProcessInfo.processInfo.environment["FLOOR_PRAGMA"] {
        try await sqlite.write { try $0.execute(sql: pragma) }
    }
    let start = now()
    for chunk in stride(from: 0, to: rows.count, by: 500) {
        try await sqlite.write { database in
            let row = try database.cachedStatement(
                sql:
                    "INSERT INTO person (id, village, name, id_type, id_number, phone, created_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            )
            // The floor: the same INSERT as `ChangeLog.append`, bound directly, with nothing else around it.
            let log = try database.cachedStatement(
                sql:
                    "INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            for i in chunk..<(chunk + 500) {
                try row.execute(binding: prepared[i].0)
                try log.execute(binding: prepared[i].1)
            }
        }
    }
    let elapsed = now() - start
    print(
        String(
            format:
                "floor (SQLite: two cached inserts per change, nothing else): 200,000 changes in %.2f s = %.0f changes/s",
            elapsed, 200_000 / elapsed))
case "pull":
    // The same 100 new changes pulled from logs of 10k and 1M changes (other villages' and the county's).
    for size in [10_000, 1_000_000] {
        let db = try await county(dir + "/pull-\(size).sqlite", villages: 200)
        var pushed = 0
        var v = 1
        while pushed < size {
            let n = min(5000, size - pushed)
            _ = try await db.push(
                Wire.PushRequest(
                    site: "site-\(v)", after: 0, through: Int64(n),
                    changes: personChanges(village: villageCode(v), site: "site-\(v)", count: n)),
                village: villageCode(v), tokenID: "bench-\(v)", maxSkew: 600)
            pushed += n
            v += 1
        }
        let cursor = try await db.lastLogSeq()
        _ = try await db.push(
            Wire.PushRequest(
                site: "site-0", after: 0, through: 100,
                changes: personChanges(village: villageCode(0), site: "site-0", count: 100)),
            village: villageCode(0), tokenID: "bench-0", maxSkew: 600)
        var best = Double.infinity
        for _ in 0..<20 {
            let start = now()
            let page = try await db.pull(village: villageCode(0), site: "other", after: cursor, limit: 1000)
            best = min(best, now() - start)
            precondition(page.changes.count == 100)
        }
        print(
            String(
                format: "pull (%@) of 100 new changes from a log of %d: %.2f ms (best of 20)", storeName, size + 100,
                best * 1000))
        await db.close()
    }
case "tracing":
    try await TracingBench.run(dir: dir)
case "start":
    try await StartBench.run(dir: dir, entries: arguments.count > 1 ? Int(arguments[1])! : 1_000_000)
case "decode":
    // What the server spends turning push bodies into changes (Foundation's JSONDecoder), per change.
    let body = try JSONEncoder().encode(
        Wire.PushRequest(
            site: "s", after: 0, through: 50,
            changes: personChanges(village: villageCode(0), site: "s", count: 50)))
    let start = now()
    for _ in 0..<2000 { _ = try JSONDecoder().decode(Wire.PushRequest.self, from: body) }
    let elapsed = now() - start
    print(
        String(
            format: "push body decoding: %d bytes per 50 changes; %.0f changes/s (%.1f µs per change)",
            body.count, 100_000 / elapsed, elapsed / 100_000 * 1e6))
case "load":
    // V villages × N changes, B changes per push; at most C villages pushing at the same time (default: all).
    let villages = Int(arguments[1])!
    let perVillage = Int(arguments[2])!
    let batch = Int(arguments[3])!
    let urls = arguments[4].split(separator: ",").map { URL(string: String($0))! }
    let path = arguments[5]
    let concurrency = arguments.count > 6 ? Int(arguments[6])! : villages
    let db = try await openStore(path, clock: RegistryClock(now: { Date() }))
    var issued: [String] = []
    for v in 0..<villages { issued.append(try await db.issueToken(village: villageCode(v))) }
    await db.close()
    let tokens = issued
    // The push bodies are encoded before the clock starts: 500 villages are 500 computers, and their encoding is not
    // the server's work (on this 2-core machine it would take CPU from the server).
    let bodies = try (0..<villages).map { v in
        let changes = personChanges(village: villageCode(v), site: "load-\(v)", count: perVillage)
        return try stride(from: 0, to: perVillage, by: batch).map { offset in
            let slice = Array(changes[offset..<min(offset + batch, perVillage)])
            return try JSONEncoder().encode(
                Wire.PushRequest(
                    site: "load-\(v)", after: Int64(offset),
                    through: Int64(offset + slice.count), changes: slice))
        }
    }
    // AsyncHTTPClient rather than the village's URLSession transport: on Linux, URLSession (libcurl under dispatch
    // sources) spent 20 s of system time on these 500 uploads, on the cores the server needs. The wire is the same.
    // One connection per village pushing at once, as 500 villages would open: AsyncHTTPClient otherwise keeps at most
    // 8 connections to a host, so that earlier loads measured 8 pushes in flight, whatever C said. Capped under the
    // server's 256 connections per address group (every client here is 127.0.0.1).
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(
        idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: min(250, min(concurrency, villages)))
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    @Sendable func pushAll(_ v: Int) async throws -> [Double] {
        var times: [Double] = []
        for body in bodies[v] {
            var request = HTTPClientRequest(url: urls[v % urls.count].absoluteString + "/v1/sync/push")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(tokens[v])")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            let t0 = now()
            let response = try await client.execute(request, timeout: .seconds(120))
            let answer = try await response.body.collect(upTo: 1 << 20)
            times.append(now() - t0)
            precondition(response.status == .ok, "push answered \(response.status): \(String(buffer: answer))")
        }
        return times
    }
    let start = now()
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        var next = 0
        var all: [Double] = []
        while next < min(concurrency, villages) {
            let v = next
            group.addTask { try await pushAll(v) }
            next += 1
        }
        while let times = try await group.next() {
            all += times
            if next < villages {
                let v = next
                group.addTask { try await pushAll(v) }
                next += 1
            }
        }
        return all.sorted()
    }
    let total = now() - start
    try await client.shutdown()
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    print(
        String(
            format:
                "county load (%@, %d server process%@): %d villages × %d changes, %d per push, %d villages at a time: %.1f s total (target <= 15 s for 500 × 1,000); push latency p50 %.0f ms, p99 %.0f ms",
            path.hasPrefix("postgres") ? "PostgreSQL" : "SQLite", urls.count, urls.count == 1 ? "" : "es",
            villages, perVillage, batch, min(concurrency, villages), total, p50 * 1000, p99 * 1000))
case "dashboard":
    // The county of DESIGN's targets: 500 villages, 100,000 persons each with a trip, a measure and three tests
    // (a third of them under a measure on the day), 20,000 checks that day (1% flagged), 14 days of reports, 2,000
    // leads. Written straight into the county's SQLite file (the setup, not measured), then the page is rendered as
    // the server renders it: the merge run, the officer's lists, contacts, the 14-day series and the template.
    let path = dir + "/dashboard.sqlite"
    // The county's clock stands at the day, 17:30, so the roster is imported (the villages join) that day: a village
    // that joined after a day owes no report for it, and the 10 % missing would not be listed.
    let store = try await openStore(path, clock: RegistryClock(now: { RegistryClock.parseNow("2022-11-05 17:30")! }))
    _ = try await store.initialize(county: "110105", name: "基准县")
    var roster = "code,name,township_code,township_name,contact\n"
    for v in 0..<500 {
        roster +=
            "\(villageCode(v)),村\(v),110105\(String(format: "%03d", v / 100 + 1)),镇\(v / 100 + 1),会计\(v) 1380013\(String(format: "%04d", v))\n"
    }
    let rosterFile = try CSVFile(data: Data(roster.utf8), file: "roster.csv")
    _ = try await store.writing { try $0.importVillages(rosterFile) }
    try await store.setVillageContacts(try VillageContacts.parse(rosterFile))
    let day = Day("2022-11-05")!
    let queue = try DatabaseQueue(path: path)
    var random = SeededRandom(seed: 7)
    try await queue.write { db in
        for i in 0..<100_000 {
            let v = villageCode(i % 500)
            let p = "p\(i)"
            let arrived = day.adding(days: -Int(random.next() % 20))
            try db.execute(
                sql:
                    "INSERT INTO person (id, village, name, id_type, id_number, phone, created_at) VALUES (?, ?, ?, 'resident_id', ?, '13800138000', ?)",
                arguments: [p, v, "人员\(i)", residentID(random.next()), "\(arrived)T10:00:00+08:00"])
            try db.execute(
                sql: """
                    INSERT INTO arrival (id, village, person_id, arrived_on, departed_on, stays, category, day_zero, policy, created_at)
                    VALUES (?, ?, ?, ?, ?, '[]', 'mid_risk', ?, '9th', ?)
                    """,
                arguments: [
                    "a\(i)", v, p, "\(arrived)", "\(arrived.adding(days: -1))", "\(arrived.adding(days: -1))",
                    "\(arrived)T10:00:00+08:00",
                ])
            let phases =
                "[{\"kind\":\"home_quarantine\",\"starts_on\":\"\(arrived)\",\"ends_on\":\"\(arrived.adding(days: 6))\"}]"
            try db.execute(
                sql:
                    "INSERT INTO measure (id, village, person_id, arrival_id, status, phases, starts_on, ends_on) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
                arguments: ["m\(i)", v, p, "a\(i)", phases, "\(arrived)", "\(arrived.adding(days: 6))"])
            for (t, offset) in [0, 3, 6].enumerated() {
                let due = arrived.adding(days: offset)
                let sampled: String? = due < day && random.next() % 10 != 0 ? "\(due)" : nil
                try db.execute(
                    sql:
                        "INSERT INTO lab_test (id, village, person_id, measure_id, due_on, sampled_on, result) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        "t\(i)-\(t)", v, p, "m\(i)", "\(due)", sampled, sampled == nil ? "pending" : "negative",
                    ])
            }
            if i % 5 == 0 {
                let flagged = random.next() % 100 == 0
                try db.execute(
                    sql:
                        "INSERT INTO health_check (id, village, person_id, taken_at, taken_on, temperature, symptoms, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        "c\(i)", v, p, "\(day)T08:00:00+08:00", "\(day)", flagged ? 38.4 : 36.5, flagged ? "cough" : "",
                        flagged,
                    ])
            }
            if i % 50 == 0 {
                try db.execute(
                    sql: "INSERT INTO lead (id, village, name, id_number, deadline, outcome) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        "l\(i)", v, "线索\(i)", residentID(random.next()),
                        "\(day.adding(days: Int(random.next() % 4) - 2))",
                        random.next() % 2 == 0 ? "found" : nil,
                    ])
            }
        }
        let figures = String(decoding: try JSONEncoder().encode(ReportFigures()), as: UTF8.self)
        for d in 0..<14 {
            let date = day.adding(days: -d)
            for v in 0..<500 where v % 10 != 0 || d > 0 {
                try db.execute(
                    sql: """
                        INSERT INTO daily_report (id, village, date, revision, figures, is_zero_report, reporter, submitted_at, first_submitted_at)
                        VALUES (?, ?, ?, 1, ?, 0, '会计', ?, ?)
                        """,
                    arguments: [
                        "r\(v)-\(d)", villageCode(v), "\(date)", figures, "\(date)T16:00:00+08:00",
                        "\(date)T16:00:00+08:00",
                    ])
            }
        }
    }
    try queue.close()
    func render() async throws -> Int {
        let page = try await store.dashboardPage(on: day, full: false, viewer: "")
        // $SYNC_BENCH_PAGE writes the page out, to look at what the time is spent on.
        if let file = ProcessInfo.processInfo.environment["SYNC_BENCH_PAGE"] {
            try page.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return page.utf8.count
    }
    _ = try await render()  // warm: the first read pages the file into the cache, as a running server has it
    // Where the time goes, part by part (printed once, for whoever tunes it next).
    var parts: [String] = []
    var t = now()
    let partSummary = try await store.summary(on: day)
    parts.append(String(format: "merge run %.0f ms", (now() - t) * 1000))
    t = now()
    let partActions = try await store.actions(on: day)
    parts.append(String(format: "lists %.0f ms", (now() - t) * 1000))
    t = now()
    let partSeries = try await store.series(to: day)
    parts.append(String(format: "series %.0f ms", (now() - t) * 1000))
    t = now()
    _ = DashboardPage.html(
        .init(
            summary: partSummary, actions: partActions, contacts: [:], countyName: "", series: partSeries, day: day,
            today: day, deadline: Date(), generatedAt: "", privacy: .init(date: "", full: false, viewer: "")))
    parts.append(String(format: "template %.0f ms", (now() - t) * 1000))
    print("dashboard parts: " + parts.joined(separator: ", "))
    var times: [Double] = []
    var size = 0
    // $SYNC_BENCH_RENDERS renders more times than 5, for a profile (`perf record`) of the page alone.
    for _ in 0..<(Int(ProcessInfo.processInfo.environment["SYNC_BENCH_RENDERS"] ?? "") ?? 5) {
        let t0 = now()
        size = try await render()
        times.append(now() - t0)
    }
    times.sort()
    print(
        String(
            format:
                "dashboard (SQLite): 500 villages, 100,000 persons: median %.0f ms per render (min %.0f, max %.0f; target <= 300 ms), page %d KB",
            times[times.count / 2] * 1000, times[0] * 1000, times[times.count - 1] * 1000, size / 1024))
    // A village's own page (200 persons), the officer's next click.
    var villageTimes: [Double] = []
    for v in 0..<5 {
        let t0 = now()
        guard try await store.villagePage(villageCode(v * 97), on: day, full: false, viewer: "") != nil else {
            fatalError("village page missing")
        }
        villageTimes.append(now() - t0)
    }
    villageTimes.sort()
    print(
        String(
            format: "village page (SQLite): 200 persons of the same county: median %.0f ms (min %.0f, max %.0f)",
            villageTimes[2] * 1000, villageTimes[0] * 1000, villageTimes[4] * 1000))
    await store.close()
case "relay":
    try await relayBench(dir: dir)
default:
    FileHandle.standardError.write(
        Data(
            "usage: sync-bench apply | floor | pull | decode | dashboard | relay | tracing | load VILLAGES CHANGES BATCH URL DB [AT_ONCE]\n"
                .utf8))
    exit(2)
}
if let postgres { try await dropBenchDatabases(postgres) }
