import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

@Suite("Hostile and malformed input to the server", .serialized)
struct HostileInputTests {
    @Test("malformed bodies are answered 4xx, the server stays healthy and nothing is written")
    func malformedBodies() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let transport = county.transport(token)
        let before = try count(county.db, "SELECT count(*) FROM change_log")
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let bodies: [Data] = [
            Data("{\"site\":\"s\",\"after\":0,\"thr".utf8),  // truncated
            Data("{\"site\":1,\"after\":\"zero\",\"through\":[],\"changes\":{}}".utf8),  // wrong types
            Data(deep.utf8),  // deep nesting
            Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),  // invalid UTF-8
            Data(
                "{\"site\":\"s\",\"after\":0,\"through\":1,\"changes\":[{\"table\":\"person\",\"pk\":\"x\",\"columns\":{\"name\":[1,2]},\"hlc\":1,\"origin\":\"s\",\"origin_seq\":1}]}"
                    .utf8),
            Data(),
        ]
        for body in bodies {
            let (status, _) = try await transport.send("POST", "/v1/sync/push", query: [:], body: body)
            #expect((400..<500).contains(status), "status \(status)")
        }
        #expect(try await transport.send("GET", "/healthz", query: [:], body: nil).status == 200)
        #expect(try count(county.db, "SELECT count(*) FROM change_log") == before)
    }

    @Test("another method on a known path is answered 405 with Allow; an unknown path 404")
    func methodNotAllowed() throws {
        let county = try ServerHarness()
        try county.start()
        for (method, path, allow) in [
            ("PUT", "/v1/sync/push", "POST"), ("GET", "/v1/sync/push", "POST"), ("DELETE", "/v1/sync/pull", "GET"),
            ("POST", "/healthz", "GET"), ("PATCH", "/dashboard", "GET"),
        ] {
            let head = try rawRequest(port: county.port, method: method, path: path)
            #expect(head.hasPrefix("HTTP/1.1 405"), "\(method) \(path): \(head.prefix(40))")
            #expect(head.lowercased().contains("allow: \(allow.lowercased())"), "\(method) \(path)")
        }
        #expect(try rawRequest(port: county.port, path: "/v1/nothing").hasPrefix("HTTP/1.1 404"))
    }

    @Test("unknown tables and columns and SQL in strings: rejected per change or stored as plain text, never run")
    func namesAndSQL() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        func change(_ seq: Int64, _ table: String, _ columns: [String: DatabaseValue]) -> Change {
            Change(
                table: table, pk: "row-\(seq)", columns: ColumnValues(columns),
                hlc: HLC(milliseconds: ms, counter: Int(seq)).raw,
                origin: "site-h", originSeq: seq)
        }
        let person: [String: DatabaseValue] = [
            "village": "110105001001".databaseValue, "id_type": "resident_id".databaseValue,
            "id_number": "420102199003071232".databaseValue, "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
        ]
        let changes = [
            change(1, "sqlite_master", ["village": "110105001001".databaseValue]),
            change(2, "token", ["village": "110105001001".databaseValue]),
            change(
                3, "person",
                person.merging([
                    "name": "x".databaseValue, "name) VALUES ('y'); DROP TABLE person; --": "z".databaseValue,
                ]) { $1 }),
            change(4, "person", person.merging(["name": "'); DROP TABLE person; --".databaseValue]) { $1 }),
            change(5, "risk_area", ["village": "110105001001".databaseValue, "code": "110105".databaseValue]),
        ]
        let (status, body) = try await county.transport(token).send(
            "POST", "/v1/sync/push", query: [:],
            body: try JSONEncoder().encode(Wire.PushRequest(site: "site-h", after: 0, through: 5, changes: changes)))
        #expect(status == 200)
        let ack = try JSONDecoder().decode(Wire.PushResponse.self, from: body)
        #expect(ack.rejected.map(\.originSeq) == [1, 2, 3, 5])
        #expect(try count(county.db, "SELECT count(*) FROM person WHERE name = '''); DROP TABLE person; --'") == 1)
        #expect(try count(county.db, "SELECT count(*) FROM token") == 1)
    }

    @Test(
        "a village aiming at another village's row, by an edit or by reusing its id: rejected with a reason, the row untouched"
    )
    func otherVillagesRow() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        let person: [String: DatabaseValue] = [
            "id": "p-a".databaseValue, "village": "110105001001".databaseValue, "name": "张三".databaseValue,
            "id_type": "resident_id".databaseValue, "id_number": "420102199003071232".databaseValue,
            "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
        ]
        func push(_ token: String, _ site: String, _ changes: [Change]) async throws -> Wire.PushResponse {
            let (status, body) = try await county.transport(token).send(
                "POST", "/v1/sync/push", query: [:],
                body: try JSONEncoder().encode(
                    Wire.PushRequest(site: site, after: 0, through: Int64(changes.count), changes: changes)))
            #expect(status == 200)
            return try JSONDecoder().decode(Wire.PushResponse.self, from: body)
        }
        let created = try await push(
            tokenA, "site-a",
            [
                Change(
                    table: "person", pk: "p-a", columns: ColumnValues(person),
                    hlc: HLC(milliseconds: ms, counter: 0).raw, origin: "site-a", originSeq: 1)
            ])
        #expect(created.rejected.isEmpty)
        let later = HLC(milliseconds: ms, counter: 5).raw
        let ack = try await push(
            tokenB, "site-b",
            [
                Change(
                    table: "person", pk: "p-a", columns: ColumnValues(["name": "李四".databaseValue]), hlc: later,
                    origin: "site-b", originSeq: 1),
                Change(
                    table: "person", pk: "p-a",
                    columns: ColumnValues(
                        person.merging(["village": "110105001002".databaseValue, "name": "李四".databaseValue]) { $1 }),
                    hlc: later, origin: "site-b", originSeq: 2),
            ])
        #expect(ack.rejected.map(\.originSeq) == [1, 2])
        #expect(
            ack.rejected[0].reason.contains("no row of this village has this id, and a new row must carry its village"))
        #expect(ack.rejected[1].reason.contains("another village's row has this id"))
        #expect(
            try count(
                county.db, "SELECT count(*) FROM person WHERE id = 'p-a' AND name = '张三' AND village = '110105001001'")
                == 1)
        #expect(try count(county.db, "SELECT count(*) FROM change_log WHERE origin = 'site-b'") == 0)
    }

    @Test(
        "fifty villages pushing at once, five of them with a gap: each push answered on its own (pushes share group commits), and the county database file is readable by its owner only"
    )
    func concurrentPushes() async throws {
        let county = try ServerHarness()
        var roster = "code,name,township_code,township_name\n"
        for v in 0..<50 { roster += String(format: "110105003%03d,村%d,110105003,三街道\n", v + 1, v) }
        try county.write("roster50.csv", roster)
        try county.command(["villages", "import", county.path("roster50.csv")])
        try county.start()
        let tokens = try (0..<50).map {
            try county.command(["token", "issue", "--village", String(format: "110105003%03d", $0 + 1)])
        }
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for v in 0..<50 {
                group.addTask {
                    let village = String(format: "110105003%03d", v + 1)
                    // Every tenth village claims to have pushed 5 changes already: a gap, refused alone.
                    let after: Int64 = v % 10 == 9 ? 5 : 0
                    let changes = ((after + 1)...20).map { i in
                        Change(
                            table: "health_check", pk: "c-\(v)-\(i)",
                            columns: ColumnValues([
                                "village": village.databaseValue, "person_id": "p".databaseValue,
                                "taken_at": "2022-07-02 08:00".databaseValue,
                                "taken_on": "2022-07-02".databaseValue, "temperature": 36.5.databaseValue,
                                "flagged": 0.databaseValue,
                            ]), hlc: HLC(milliseconds: ms, counter: Int(i)).raw, origin: "site-\(v)", originSeq: i)
                    }
                    return try await county.transport(tokens[v]).send(
                        "POST", "/v1/sync/push", query: [:],
                        body: try JSONEncoder().encode(
                            Wire.PushRequest(site: "site-\(v)", after: after, through: 20, changes: changes))
                    ).status
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(
            statuses.count == 50 && statuses.filter { $0 == 200 }.count == 45
                && statuses.filter { $0 == 409 }.count == 5)
        #expect(try count(county.db, "SELECT count(*) FROM health_check") == 900)
        #expect(try count(county.db, "SELECT count(*) FROM health_check WHERE id LIKE 'c-9-%'") == 0)
        #expect(try count(county.db, "SELECT count(*) FROM site_cursor") == 45)
        if !TestStore.isPostgres {
            let mode = try FileManager.default.attributesOfItem(atPath: county.db)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o077 } == 0)
        }
    }
}

@Suite("Clocks", .serialized)
struct ClockTests {
    @Test("a village clock a year behind is refused in plain words before anything is sent")
    func yearBehind() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001", clock: Clock(Date().addingTimeInterval(-365 * 86_400)))
        try intake(a, name: "张三", id: "420102199003071232", arrived: "2022-07-02")
        await #expect { try await SyncSession(registry: a, transport: county.transport(token)).run() } throws: {
            RegistryError.from($0).message(.zh).contains("慢") && RegistryError.from($0).message(.en).contains("behind")
        }
        #expect(try count(county.db, "SELECT count(*) FROM person") == 0)
        #expect(try SyncStatus.of(a).pending > 0)  // kept, to be sent once the clock is right
    }

    @Test("a clock set back after a sync cannot submit a report that looks on time")
    func setBackAfterSync() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let clock = Clock()
        let a = try makeVillage(county, code: "110105001001", clock: clock)
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        clock.now = clock.now.addingTimeInterval(-3 * 3600)  // offline, the clock is set back three hours
        #expect { try a.submitReport(on: a.clock.today, reporter: "王", remarks: nil) } throws: {
            RegistryError.from($0).field == .time
        }
        clock.now = clock.now.addingTimeInterval(3 * 3600)
        #expect(try a.submitReport(on: a.clock.today, reporter: "王", remarks: nil).revision == 1)
    }
}
