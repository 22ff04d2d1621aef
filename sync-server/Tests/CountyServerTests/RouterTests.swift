import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RegistryCore
import RegistrySync
import Testing

@testable import CountyServer

/// The router in process (HummingbirdTesting's router framework, no socket) over each store: the same routes and
/// answers on SQLite and, when the run has one, on PostgreSQL.
@Suite("Router over each store", .serialized)
struct RouterTests {
    /// The stores to test: SQLite in memory, and PostgreSQL in a new database when the run has a server.
    static func stores() async throws -> [any CountyStore] {
        let clock = RegistryClock(now: { Date() })
        var stores: [any CountyStore] = [try CountyDatabase.inMemory(clock: clock)]
        if TestStore.isPostgres {
            let dir = FileManager.default.temporaryDirectory
            stores.append(try await openStore(try TestStore.newDatabase(in: dir), clock: clock))
        }
        return stores
    }

    @Test("health, push, pull, summary, refusals: one behaviour whichever store is behind the router")
    func routes() async throws {
        for store in try await Self.stores() {
            do {
                try await exercise(store)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    func exercise(_ store: some CountyStore) async throws {
        _ = try await store.initialize(county: "110105", name: "朝阳区")
        let roster = try CSVFile(
            data: Data("code,name,township_code,township_name\n110105001001,一村,110105001,一街道\n".utf8), file: "v.csv")
        _ = try await store.writing { try $0.importVillages(roster) }
        let village = try await store.issueToken(village: "110105001001")
        let countyToken = try await store.issueToken(village: "110105")
        let app = Application(
            router: buildRouter(store: store, options: ServerOptions(), logger: Logger(label: "router-test")))
        let name = String(describing: type(of: store))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [.authorization: "Bearer \(village)"]) {
                response in
                #expect(response.status == .ok, "\(name)")
                let health = try JSONDecoder().decode(Wire.Health.self, from: Data(buffer: response.body))
                #expect(health.villageName == "一村", "\(name)")
            }
            let change = Change(
                table: "person", pk: "p-1",
                columns: ColumnValues([
                    "village": "110105001001", "name": "张三", "id_type": "resident_id",
                    "id_number": "420102199003071232",
                    "created_at": "2022-07-02T09:00:00+08:00", "deleted": 0,
                ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 60_000, counter: 0).raw,
                origin: "site-a", originSeq: 1)
            let push = try JSONEncoder().encode(
                Wire.PushRequest(site: "site-a", after: 0, through: 1, changes: [change]))
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: [.authorization: "Bearer \(village)"],
                body: ByteBuffer(bytes: push)
            ) { response in
                #expect(response.status == .ok, "\(name): \(String(buffer: response.body))")
                let ack = try JSONDecoder().decode(Wire.PushResponse.self, from: Data(buffer: response.body))
                #expect(ack.ackedThrough == 1 && ack.rejected.isEmpty, "\(name)")
            }
            // The same push again is a no-op; one that skips ahead is a gap.
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: [.authorization: "Bearer \(village)"],
                body: ByteBuffer(bytes: push)
            ) { #expect($0.status == .ok, "\(name)") }
            var later = change
            later.originSeq = 6
            let gap = try JSONEncoder().encode(Wire.PushRequest(site: "site-a", after: 5, through: 6, changes: [later]))
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: [.authorization: "Bearer \(village)"],
                body: ByteBuffer(bytes: gap)
            ) { #expect($0.status == .conflict, "\(name)") }
            try await client.execute(
                uri: "/v1/sync/pull?after=0&limit=100&site=site-b", method: .get,
                headers: [.authorization: "Bearer \(village)"]
            ) { response in
                let page = try JSONDecoder().decode(Wire.PullResponse.self, from: Data(buffer: response.body))
                #expect(page.changes.map(\.pk).contains("p-1"), "\(name)")
            }
            try await client.execute(uri: "/v1/summary", method: .get) {
                #expect($0.status == .unauthorized, "\(name)")
            }
            try await client.execute(uri: "/v1/summary", method: .get, headers: [.authorization: "Bearer \(village)"]) {
                #expect($0.status == .unauthorized, "\(name): a village token does not read the summary")
            }
            try await client.execute(
                uri: "/v1/summary", method: .get, headers: [.authorization: "Bearer \(countyToken)"]
            ) { response in
                #expect(response.status == .ok, "\(name)")
                #expect(String(buffer: response.body).contains("\"villages_expected\":1"), "\(name)")
            }
            try await client.execute(uri: "/v1/sync/push", method: .put) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST", "\(name)")
            }
        }
    }
}
