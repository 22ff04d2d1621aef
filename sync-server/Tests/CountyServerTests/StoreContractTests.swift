import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

@testable import CountyServer

/// One contract, both stores: what a village's push and pull answer through `CountyStore`, whichever store holds the
/// county (issue 36). Runs on a SQLite file always, and on PostgreSQL too when `SYNC_SERVER_TEST_POSTGRES` names a
/// cluster. The decisions are `PushProtocol`'s; this checks that each store reads and writes what it is told.
@Suite("Store contract: push and pull answer alike on SQLite and PostgreSQL", .serialized)
struct StoreContractTests {
    static let county = "110105"
    static let village = "110105001001"
    static let neighbour = "110105001002"

    /// The stores to run on: a SQLite file, and a PostgreSQL database when the tests have a cluster.
    static var kinds: [String] { TestStore.isPostgres ? ["sqlite", "postgres"] : ["sqlite"] }

    static func open(_ kind: String, in dir: URL) async throws -> any CountyStore {
        let clock = RegistryClock(now: { Date() })
        let store: any CountyStore =
            kind == "postgres"
            ? try await PostgresStore.open(url: try TestStore.newDatabase(in: dir), clock: clock, replicas: nil)
            : try CountyDatabase.open(path: dir.appendingPathComponent("county.sqlite").path, clock: clock)
        _ = try await store.initialize(county: county, name: "朝阳区")
        return store
    }

    static func checks(
        _ village: String, site: String, _ numbers: ClosedRange<Int64>,
        ms: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    ) -> [Change] {
        numbers.map { i in
            Change(
                table: "health_check", pk: "\(site)-\(i)",
                columns: ColumnValues([
                    "village": village.databaseValue, "person_id": "p".databaseValue,
                    "taken_at": "2022-07-02 08:00".databaseValue, "taken_on": "2022-07-02".databaseValue,
                    "temperature": 36.5.databaseValue, "flagged": 0.databaseValue,
                ]), hlc: HLC(milliseconds: ms, counter: Int(i)).raw, origin: site, originSeq: i)
        }
    }

    static func push(
        _ store: any CountyStore, _ holder: TokenHolder, site: String, after: Int64, through: Int64,
        _ changes: [Change]? = nil
    ) async throws -> Wire.PushResponse {
        let changes = changes ?? (after < through ? checks(holder.village, site: site, (after + 1)...through) : [])
        return try await store.push(
            Wire.PushRequest(site: site, after: after, through: through, changes: changes), village: holder.village,
            tokenID: holder.tokenID, maxSkew: 600)
    }

    static func refusal(_ body: () async throws -> Wire.PushResponse) async -> String {
        do {
            return "acked \(try await body().ackedThrough)"
        } catch let refusal as PushRefusal {
            switch refusal {
            case .gap(let expected): return "gap \(expected)"
            case .wrongVillage: return "wrong village"
            case .foreignSite: return "foreign site"
            default: return "\(refusal)"
            }
        } catch {
            return "\(error)"
        }
    }

    static func count(_ store: any CountyStore, _ sql: String) async throws -> Int {
        try await store.reading { db in try db.read { try Int.fetchOne($0, sql: sql) ?? 0 } }
    }

    @Test(
        "a push is applied once, replays and gaps answer with the cursor, a pull skips the puller's own changes",
        arguments: kinds)
    func pushAndPull(kind: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Self.open(kind, in: dir)
        let holder = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))

        #expect(
            await Self.refusal { try await Self.push(store, holder, site: "laptop", after: 0, through: 3) } == "acked 3"
        )
        #expect(
            await Self.refusal { try await Self.push(store, holder, site: "laptop", after: 0, through: 3) } == "acked 3"
        )
        #expect(
            await Self.refusal { try await Self.push(store, holder, site: "laptop", after: 1, through: 2) }
                == "acked 3",
            "an older batch never moves the cursor back")
        #expect(
            await Self.refusal { try await Self.push(store, holder, site: "laptop", after: 5, through: 6) } == "gap 3")
        #expect(
            await Self.refusal { try await Self.push(store, holder, site: "laptop", after: 3, through: 5) } == "acked 5"
        )
        #expect(try await Self.count(store, "SELECT count(*) FROM health_check") == 5, "nothing applied twice")

        let own = try await store.pull(village: Self.village, site: "laptop", after: 0, limit: 100)
        #expect(own.changes.isEmpty && own.next > 0, "the laptop's own changes are skipped, the cursor moves past them")
        let other = try await store.pull(village: Self.village, site: "desktop", after: 0, limit: 100)
        #expect(other.changes.count == 5 && other.next == own.next)
        let paged = try await store.pull(village: Self.village, site: "desktop", after: 0, limit: 2)
        #expect(paged.changes.count == 2 && paged.more)
        let neighbour = try await store.pull(village: Self.neighbour, site: "x", after: 0, limit: 100)
        #expect(neighbour.changes.isEmpty, "a village never pulls another's rows")
        await store.close()
    }

    @Test(
        "a site belongs to its village and its first token; a revoked token's site is taken over by the new one",
        arguments: kinds)
    func sitesAndTokens(kind: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Self.open(kind, in: dir)
        let first = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        let second = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        let neighbour = try #require(try await store.authenticate(try await store.issueToken(village: Self.neighbour)))
        let countySite = try await store.settings().site

        #expect(
            await Self.refusal { try await Self.push(store, first, site: "laptop", after: 0, through: 1) } == "acked 1")
        #expect(
            await Self.refusal { try await Self.push(store, neighbour, site: "laptop", after: 1, through: 2) }
                == "wrong village")
        #expect(
            await Self.refusal { try await Self.push(store, second, site: "laptop", after: 1, through: 2) }
                == "foreign site", "another token of the same village cannot push from a site bound to a live token")
        #expect(
            await Self.refusal { try await Self.push(store, neighbour, site: countySite, after: 0, through: 1) }
                == "foreign site")
        #expect(try await store.revokeTokens(village: Self.village, token: nil) >= 1)
        let third = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        #expect(
            await Self.refusal { try await Self.push(store, third, site: "laptop", after: 1, through: 2) } == "acked 2",
            "a new token takes over the site of a revoked one")
        #expect(try await Self.count(store, "SELECT count(*) FROM health_check") == 2)
        await store.close()
    }

    @Test("a village's daily report gets a receipt with the county's time, once per revision", arguments: kinds)
    func receipts(kind: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Self.open(kind, in: dir)
        let holder = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        var figures = ReportFigures()
        figures.new_arrivals = 1
        let report = Change(
            table: "daily_report", pk: "r1",
            columns: ColumnValues([
                "village": Self.village.databaseValue, "date": "2022-07-02".databaseValue, "revision": 1.databaseValue,
                "figures": String(decoding: try JSONEncoder().encode(figures), as: UTF8.self).databaseValue,
                "is_zero_report": 0.databaseValue, "reporter": "王".databaseValue, "remarks": "".databaseValue,
                "submitted_at": "2022-07-02T16:00:00+08:00".databaseValue,
                "first_submitted_at": "2022-07-02T16:00:00+08:00".databaseValue, "deleted": 0.databaseValue,
            ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw, origin: "laptop",
            originSeq: 1)
        let answer = try await Self.push(store, holder, site: "laptop", after: 0, through: 1, [report])
        #expect(answer.rejected.isEmpty, "\(answer.rejected)")
        #expect(try await Self.count(store, "SELECT count(*) FROM report_receipt WHERE report_id = 'r1'") == 1)
        _ = try await Self.push(store, holder, site: "laptop", after: 0, through: 1, [report])
        #expect(try await Self.count(store, "SELECT count(*) FROM report_receipt WHERE report_id = 'r1'") == 1)
        await store.close()
    }
}
