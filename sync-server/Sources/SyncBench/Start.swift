import CountyServer
import Foundation
import RegistryCore
import RegistrySync

/// `sync-bench start [N]` (issue 36): a PostgreSQL county used to rebuild its whole replica in every new process
/// (37.6 s before a `merge` over 500k entries). The same county (500 villages, N persons pushed in pushes of 1,000) on
/// SQLite and on PostgreSQL; then, for each, a new process's open and first merge run: SQLite; PostgreSQL with no
/// replica yet (the first run on a machine); with the replica its last run kept; and with that replica after 10,000
/// more entries were logged. Needs $SYNC_BENCH_POSTGRES.
enum StartBench {
    static let villages = 500

    static func run(dir: String, entries: Int) async throws {
        guard let postgres else {
            print("sync-bench start: set SYNC_BENCH_POSTGRES (a role that may create databases)")
            return
        }
        let clock = RegistryClock(now: { Date() })
        let url = try await newPostgresDatabase(postgres)
        let sqlite = dir + "/start.sqlite"
        let replicas = URL(fileURLWithPath: dir + "/replicas")
        func open(_ location: String) async throws -> any CountyStore {
            location == url
                ? try await PostgresStore.open(url: url, clock: clock, replicas: replicas)
                : try CountyDatabase.open(path: location, clock: clock)
        }
        for location in [sqlite, url] {
            let store = try await open(location)
            try await setUpCounty(store, villages: villages)
            let t = now()
            try await fill(store, perVillage: entries / villages, from: 0)
            print(
                String(
                    format: "filled %@: %d entries in %.0f s", location == url ? "PostgreSQL" : "SQLite",
                    try await store.lastLogSeq(), now() - t))
            await store.close()
        }
        let today = clock.today
        /// A new process's open and first merge run, in seconds.
        func firstMerge(_ location: String) async throws -> Double {
            let t = now()
            let store = try await open(location)
            _ = try await store.summary(on: today)
            let elapsed = now() - t
            await store.close()
            return elapsed
        }
        /// A merge run in a process that is already up (the dashboard's case).
        func nextMerge(_ location: String) async throws -> Double {
            let store = try await open(location)
            _ = try await store.summary(on: today)
            var times: [Double] = []
            for _ in 0..<3 {
                let t = now()
                _ = try await store.summary(on: today)
                times.append(now() - t)
            }
            await store.close()
            return times.sorted()[1]
        }
        let onSQLite = try await firstMerge(sqlite)
        // The fill's pushes kept a replica (a push reads it to trace contacts): the first run on a machine has none.
        try? FileManager.default.removeItem(at: replicas)
        let cold = try await firstMerge(url)
        let kept = try await firstMerge(url)
        // Another process logs them (its replica a temporary file), so the kept one has 10,000 entries to catch up on.
        let pg = try await PostgresStore.open(url: url, clock: clock, replicas: nil)
        try await fill(pg, perVillage: 20, from: entries / villages)
        await pg.close()
        let caughtUp = try await firstMerge(url)
        let sqliteRun = try await nextMerge(sqlite)
        let pgRun = try await nextMerge(url)
        // A server shares its replica (`ReplicaSnapshot`); a process on a new machine starts from it, then again once
        // 10,000 more entries were logged after it.
        let sharer = try await PostgresStore.open(url: url, clock: clock, replicas: replicas)
        let t = now()
        let sharedSeq = await sharer.shareReplica(everyEntries: 1)
        let sharing = now() - t
        await sharer.close()
        precondition(sharedSeq != nil, "the replica was not shared")
        try? FileManager.default.removeItem(at: replicas)
        let fromSnapshot = try await firstMerge(url)
        let files = try FileManager.default.contentsOfDirectory(atPath: replicas.path).filter {
            $0.hasSuffix(".sqlite")
        }
        let bytes = try files.map {
            try FileManager.default.attributesOfItem(atPath: replicas.appendingPathComponent($0).path)[.size] as! Int
        }.reduce(0, +)
        let more = try await PostgresStore.open(url: url, clock: clock, replicas: nil)
        try await fill(more, perVillage: 20, from: entries / villages + 20)
        await more.close()
        try? FileManager.default.removeItem(at: replicas)
        let fromSnapshotBehind = try await firstMerge(url)
        let log = entries.formatted()
        print(
            String(
                format: """
                    a new process's open and first merge run, log of %@ entries (target <= 2 s on PostgreSQL):
                      SQLite                                                %.2f s
                      PostgreSQL, no replica on this machine yet (first run) %.2f s
                      PostgreSQL, the replica its last run kept               %.2f s
                      PostgreSQL, that replica after 10,000 more entries      %.2f s
                      PostgreSQL, a new machine, the snapshot a server shared %.2f s
                      PostgreSQL, a new machine, that snapshot + 10,000 entries %.2f s
                    a merge run in a running process (median of 3): SQLite %.2f s, PostgreSQL %.2f s = %.2f× (target <= 1.5×)
                    sharing the replica (copy and store in PostgreSQL): %.2f s; the replica file %.0f MB
                    """, log, onSQLite, cold, kept, caughtUp, fromSnapshot, fromSnapshotBehind, sqliteRun, pgRun,
                pgRun / sqliteRun, sharing, Double(bytes) / 1e6))
    }

    /// `perVillage` persons from each village after its first `from`, in pushes of 1,000, 50 villages at a time.
    static func fill(_ store: any CountyStore, perVillage: Int, from: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<50 {
                group.addTask {
                    for v in stride(from: lane, to: villages, by: 50) {
                        let site = "start-\(v)"
                        let changes = personChanges(village: villageCode(v), site: site, count: from + perVillage)
                        for start in stride(from: from, to: from + perVillage, by: 1_000) {
                            let slice = Array(changes[start..<min(start + 1_000, from + perVillage)])
                            let answer = try await store.push(
                                Wire.PushRequest(
                                    site: site, after: Int64(start), through: Int64(start + slice.count),
                                    changes: slice),
                                village: villageCode(v), tokenID: "bench-\(v)", maxSkew: 600)
                            precondition(answer.rejected.isEmpty, "rejected: \(answer.rejected.prefix(2))")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
