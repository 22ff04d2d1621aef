import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

@testable import CountyServer

/// A PostgreSQL county's replica is kept between runs: the next process catches up on what is new instead of reading
/// the whole log, and drops a replica that no longer matches the database. Needs PostgreSQL.
@Suite("PostgreSQL: the replica kept between runs", .serialized, .enabled(if: TestStore.isPostgres))
struct KeptReplicaTests {
    let dir: URL
    let replicas: URL
    let clock = RegistryClock(now: { Date() })

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kept-replica-" + UUID().uuidString)
        replicas = dir.appendingPathComponent("replicas")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func open(_ url: String) async throws -> PostgresStore {
        try await PostgresStore.open(url: url, clock: clock, replicas: replicas)
    }

    /// A new PostgreSQL county with one village on its roster (110105001001), and the store open on it.
    func newCounty() async throws -> (url: String, store: PostgresStore) {
        let url = try TestStore.newDatabase(in: dir)
        let store = try await open(url)
        _ = try await store.initialize(county: "110105", name: "朝阳区")
        let roster = try CSVFile(
            data: Data("code,name,township_code,township_name\n110105001001,一村,110105001,一街道\n".utf8), file: "v.csv")
        _ = try await store.writing { try $0.importVillages(roster) }
        return (url, store)
    }

    /// `count` persons pushed by the village `village` (site `site`) after its `after` changes.
    func push(_ store: PostgresStore, village: String, site: String, after: Int, count: Int) async throws {
        var changes: [Change] = []
        for i in after..<(after + count) {
            let columns: [String: ColumnValue] = [
                "village": .string(village), "name": .string("人\(i)"), "id_type": .string("resident_id"),
                "id_number": .string(residentID(i + 1)), "created_at": .string("2022-07-02T09:00:00+08:00"),
                "deleted": .integer(0),
            ]
            let hlc = HLC(milliseconds: clock.milliseconds - 60_000, counter: i).raw
            changes.append(
                Change(
                    table: "person", pk: "\(site)-p\(i)", columns: ColumnValues(columns), hlc: hlc, origin: site,
                    originSeq: Int64(i + 1)))
        }
        let response = try await store.push(
            Wire.PushRequest(site: site, after: Int64(after), through: Int64(after + count), changes: changes),
            village: village, tokenID: "t-\(site)", maxSkew: 600)
        #expect(response.rejected.isEmpty && response.ackedThrough == Int64(after + count))
    }

    func persons(_ store: PostgresStore) async throws -> Int {
        try await store.reading { db in try db.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person")! }
        }
    }

    /// The persons' names as a store's replica reads them, in id order.
    func names(_ store: PostgresStore) async throws -> [String] {
        try await store.reading { db in
            try db.writer.read { try String.fetchAll($0, sql: "SELECT name FROM person ORDER BY id") }
        }
    }

    /// The persons' names as PostgreSQL holds them, in the replica's order (bytes, as SQLite sorts).
    func heldNames(_ url: String) throws -> [String] {
        try TestStore.psql(url, "SELECT name FROM person ORDER BY id COLLATE \"C\"").map { $0[0] ?? "" }
    }

    /// The entries in the county's PostgreSQL log.
    func logEntries(_ url: String) throws -> Int64 {
        try #require(Int64(TestStore.psql(url, "SELECT count(*) FROM change_log").first?.first?.flatMap { $0 } ?? ""))
    }

    /// The county opened on another machine: a replica directory of its own, nothing kept there yet.
    func onAnotherMachine(_ url: String, _ machine: String) async throws -> PostgresStore {
        try await PostgresStore.open(url: url, clock: clock, replicas: dir.appendingPathComponent(machine))
    }

    @Test(
        "a second run catches up on what is new; a replaced log, a half-sent write or a running process' slot is not reused"
    )
    func keptAndChecked() async throws {
        let (url, first) = try await newCounty()
        try await push(first, village: "110105001001", site: "a", after: 0, count: 40)
        #expect(try await persons(first) == 40)
        let firstPath = await first.replica.path
        await first.close()

        // The next run: the same file, and only the 5 new entries applied.
        let second = try await open(url)
        try await push(second, village: "110105001001", site: "a", after: 40, count: 5)
        #expect(try await persons(second) == 45)
        #expect(await second.replica.path == firstPath)
        #expect(await second.replica.applied == 5)

        // A process running beside it takes another slot and builds its own.
        let beside = try await open(url)
        #expect(try await persons(beside) == 45)
        #expect(await beside.replica.path != firstPath)
        #expect(await beside.replica.applied > 45)
        await beside.close()

        // A county write (a second village on the roster) reaches PostgreSQL, and the replica that made it reads it.
        let grown = try CSVFile(
            data: Data(
                ("code,name,township_code,township_name\n110105001001,一村,110105001,一街道\n"
                    + "110105001002,二村,110105001,一街道\n").utf8), file: "v.csv")
        _ = try await second.writing { try $0.importVillages(grown) }
        let villages = { (store: PostgresStore) async throws -> Int in
            try await store.reading { db in
                try db.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM village WHERE deleted = 0")! }
            }
        }
        #expect(try await villages(second) == 2)
        #expect(try TestStore.psql(url, "SELECT count(*) FROM village WHERE deleted = 0") == [["2"]])
        await second.close()

        // The entry the replica last applied is not the database's any more (a restore, another database under the
        // same name): rebuilt from the whole log.
        _ = try TestStore.psql(url, "UPDATE change_log SET hlc = hlc + 1 WHERE seq = (SELECT max(seq) FROM change_log)")
        let third = try await open(url)
        #expect(try await persons(third) == 45)
        #expect(try await villages(third) == 2, "the rebuilt replica has the county's own write too")
        #expect(await third.replica.applied > 45)
        await third.close()

        // A write that may not have reached PostgreSQL (the process died between the replica and the database): the
        // flag it left makes the next run rebuild.
        let kept = try DatabaseQueue(path: firstPath!)
        try await kept.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('replica_writing', '1')")
            try db.execute(sql: "DELETE FROM person")
        }
        try kept.close()
        let fourth = try await open(url)
        #expect(try await persons(fourth) == 45, "a half-sent replica is never read")
        #expect(await fourth.replica.applied > 45)
        await fourth.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test("a log of several pages (5,000 entries each) is built whole on a new machine, every row as PostgreSQL has it")
    func severalPages() async throws {
        let (url, first) = try await newCounty()
        for after in stride(from: 0, to: 12_000, by: 1_000) {
            try await push(first, village: "110105001001", site: "a", after: after, count: 1_000)
        }
        await first.close()
        let entries = try logEntries(url)
        #expect(entries > 12_000)

        // Another machine: no replica kept, so the whole log is read, page after page.
        let elsewhere = try await onAnotherMachine(url, "elsewhere")
        #expect(try await persons(elsewhere) == 12_000)
        #expect(await elsewhere.replica.applied == Int(entries))
        #expect(try await names(elsewhere) == heldNames(url))
        await elsewhere.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test(
        "a process on a new machine starts from the replica a server shared and catches up from there; a damaged or foreign snapshot is not used"
    )
    func sharedSnapshot() async throws {
        let (url, first) = try await newCounty()
        for after in stride(from: 0, to: 3_000, by: 1_000) {
            try await push(first, village: "110105001001", site: "a", after: after, count: 1_000)
        }
        // In parts of 64 KB (8 MB in use), so that this small county's copy is many parts.
        let shared = try #require(await first.shareReplica(everyEntries: 1_000, partSize: 64 << 10))
        #expect(try TestStore.psql(url, "SELECT parts > 20 FROM replica_snapshot") == [["t"]])
        #expect(await first.shareReplica(everyEntries: 1_000) == nil, "nothing new to share")
        try await push(first, village: "110105001001", site: "a", after: 3_000, count: 50)
        // A copy that caught a county write on its way to PostgreSQL (its flag set) is not shared.
        let flagged = try DatabaseQueue(path: try #require(await first.replica.path))
        try await flagged.write {
            try $0.execute(sql: "INSERT INTO setting (key, value) VALUES ('replica_writing', '1')")
        }
        #expect(await first.shareReplica(everyEntries: 1) == nil)
        try await flagged.write { try $0.execute(sql: "DELETE FROM setting WHERE key = 'replica_writing'") }
        try flagged.close()
        #expect(try TestStore.psql(url, "SELECT seq FROM replica_snapshot") == [["\(shared)"]])
        await first.close()
        let entries = try logEntries(url)
        let held = try heldNames(url)

        // Another machine: the snapshot, then only the 50 entries logged after it.
        let elsewhere = try await onAnotherMachine(url, "elsewhere")
        #expect(try await names(elsewhere) == held)
        #expect(held.count == 3_050)
        #expect(await elsewhere.replica.applied == Int(entries - shared))
        // The county's persons, on disk: readable by this user only, the WAL as the file.
        let restored = try #require(await elsewhere.replica.path)
        for file in [restored, restored + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        await elsewhere.close()

        // A snapshot that does not match its checksum is never opened: built from the whole log.
        _ = try TestStore.psql(url, "UPDATE replica_snapshot SET sha256 = repeat('0', 64)")
        let damaged = try await onAnotherMachine(url, "damaged")
        #expect(try await names(damaged) == held)
        #expect(await damaged.replica.applied == Int(entries))
        await damaged.close()

        // Nor one whose log entry at its seq is not the database's any more (a restore, another database).
        let sharer = try await open(url)
        let again = try #require(await sharer.shareReplica(everyEntries: 1))
        await sharer.close()
        #expect(again == entries)
        #expect(try TestStore.psql(url, "SELECT count(*) FROM replica_snapshot") == [["1"]], "the older one dropped")
        _ = try TestStore.psql(url, "UPDATE change_log SET hlc = hlc + 1 WHERE seq = \(again)")
        let replaced = try await onAnotherMachine(url, "replaced")
        #expect(try await names(replaced) == held)
        #expect(await replaced.replica.applied == Int(entries))
        await replaced.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test("a kept replica far behind the newest shared snapshot is set aside for it; one close behind catches up")
    func keptFarBehind() async throws {
        let (url, first) = try await newCounty()
        try await push(first, village: "110105001001", site: "a", after: 0, count: 100)
        #expect(try await persons(first) == 100)
        let keptPath = try #require(await first.replica.path)
        await first.close()
        let keptEntries = try logEntries(url)
        // The kept file as this run left it, to roll back to below.
        let before = dir.appendingPathComponent("kept-before.sqlite").path
        try FileManager.default.copyItem(atPath: keptPath, toPath: before)

        // Meanwhile a server elsewhere takes 2,000 more and shares its replica.
        let server = try await onAnotherMachine(url, "server")
        for after in stride(from: 100, to: 2_100, by: 1_000) {
            try await push(server, village: "110105001001", site: "a", after: after, count: 1_000)
        }
        let shared = try #require(await server.shareReplica(everyEntries: 1))
        try await push(server, village: "110105001001", site: "a", after: 2_100, count: 10)
        await server.close()
        let entries = try logEntries(url)

        // 1,000 behind is close enough: the kept replica catches up.
        let near = try await open(url)
        await near.replica.setBehindSnapshot(10_000)
        #expect(try await persons(near) == 2_110)
        #expect(await near.replica.path == keptPath)
        #expect(await near.replica.applied == Int(entries - keptEntries))
        await near.close()

        // The same file 2,000 behind again (as the first run left it), with 1,000 as the limit: the snapshot takes its
        // place, and only what was logged after it is applied.
        ReplicaFile.remove(keptPath)
        try FileManager.default.copyItem(atPath: before, toPath: keptPath)
        let far = try await open(url)
        await far.replica.setBehindSnapshot(1_000)
        #expect(try await persons(far) == 2_110)
        #expect(await far.replica.path == keptPath)
        #expect(await far.replica.applied == Int(entries - shared))
        await far.close()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test("a server started on PostgreSQL builds its replica at once, in the background, and logs it ready")
    func builtAtStart() async throws {
        let server = try ServerHarness()
        try server.start()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && !server.log.contains("replica ready") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(server.log.contains("replica ready"), "\(server.log)")
        #expect(server.stop() == 0)
    }
}
