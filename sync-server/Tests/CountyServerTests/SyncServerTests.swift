import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

@Suite("sync-server with real village registries", .serialized)
struct SyncServerTests {
    @Test(
        "a county newer than the village (a column the village does not know): pushes still go up, the pull says to upgrade"
    )
    func newerCounty() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        // What a newer server version would hold: a change to a column this registry's schema lacks.
        try execute(
            county.db,
            """
            INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope)
            VALUES ('lead', 'lead-x', '{"nickname":"x","village":"110105001001"}', ?, 'county-new', NULL, '110105001001')
            """,
            arguments: [HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw.databaseValue])
        try intake(a, name: "张三", id: "420102199003071232")
        await #expect { try await SyncSession(registry: a, transport: county.transport(token)).run() } throws: {
            RegistryError.from($0).message(.en).contains("upgrade")
                && RegistryError.from($0).message(.zh).contains("升级")
        }
        #expect(try count(county.db, "SELECT count(*) FROM person") == 1)  // the village's own change went up first
        #expect(try await a.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM lead") } == 0)
    }

    @Test(
        "the county corrects, deletes and restores a village's person with `sync-server person`; the village gets it at its next sync"
    )
    func countyEdits() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        try intake(a, name: "张三", id: "420102199003071232")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()

        try county.command(["person", "correct", "420102199003071232", "--name", "张叁", "--phone", "13900139000"])
        #expect(throws: RegistryError.self) {
            try county.command(["person", "correct", "420102199003071232", "--phone", "123"])
        }
        // not deleted
        #expect(throws: RegistryError.self) { try county.command(["person", "restore", "420102199003071232"]) }
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        let person = try a.person("420102199003071232")
        #expect(person.name == "张叁" && person.phone == "13900139000")

        try county.command(["person", "delete", "420102199003071232", "--village", "110105001001", "--reason", "重复登记"])
        // The county's merge run lists the day's deletions with their reason.
        let merge = try county.command([
            "merge", "--date", "\(RegistryClock(now: { Date() }).today)", "--format", "json",
        ])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(merge.utf8)) as? [String: Any])
        let deletions = try #require(summary["deletions"] as? [[String: Any]])
        #expect(
            deletions.count == 1 && deletions.first?["reason"] as? String == "重复登记"
                && deletions.first?["by_county"] as? Bool == true)
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(try a.search("420102199003071232").isEmpty)
        #expect(try a.reportFigures(on: Day("2022-07-02")!).new_arrivals == 0)
        // the clerk knows better: restored in the village, and at the county after sync
        _ = try a.restore("420102199003071232")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(try count(county.db, "SELECT count(*) FROM person WHERE deleted = 0") == 1)
        #expect(try count(county.db, "SELECT count(*) FROM arrival WHERE deleted = 0") == 1)
    }

    @Test(
        "two villages sync: each pushes its rows, both receive the county's risk areas and roster, neither sees the other's people"
    )
    func twoVillages() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: "110105001001")
        let b = try makeVillage(county, code: "110105001002")
        try intake(a, name: "张三", id: "420102199003071232")
        try intake(b, name: "李四", id: "32010219751201003X")

        let reportA = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(reportA.pushed > 0 && reportA.rejected == 0)
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()

        let people = try rows(county.db, "SELECT name, village FROM person ORDER BY name").map {
            "\($0["name"] as String) \($0["village"] as String)"
        }
        #expect(people == ["张三 110105001001", "李四 110105001002"])
        #expect(try a.riskAreas().map(\.code) == ["420102"])
        #expect(try await b.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM village") } == 2)
        #expect(try b.search("张三").isEmpty)
        // Pulled risk areas classify the next arrival.
        try intake(a, name: "王五", id: "440306198808155615", arrived: "2022-07-03")
        #expect(try a.file("440306198808155615").current?.arrival.category == .highRisk)
        // The server's log line names the village and counts, never an id number, a phone or a token.
        let log = county.log
        #expect(log.contains("110105001001"))
        #expect(!log.contains("420102199003071232") && !log.contains("13800138000") && !log.contains(tokenA))
        #expect(county.stop() == 0)  // SIGTERM: clean shutdown
    }

    @Test(
        "a village token writing another village's rows: each change rejected with a reason, kept for the clerk, the queue flows"
    )
    func wrongVillage() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: "110105001001")
        // From a place no risk area covers: the pulled list classifies nobody again (which would push once more).
        try intake(a, name: "张三", id: "420102199003071232", from: "110101")
        // Through a health check that does not say whose the token is (as before servers said so), the client pushes,
        // and the server's own scope check must hold.
        let report = try await SyncSession(registry: a, transport: AnonymousHealthTransport(county.transport(tokenB)))
            .run()
        #expect(report.pushed == 0 && report.rejected > 0)
        let status = try SyncStatus.of(a)
        #expect(status.pending == 0)
        #expect(status.rejected.count == report.rejected)
        #expect(status.rejected.allSatisfy { $0.reason.contains("a village may write only its own rows") })
        #expect(try rows(county.db, "SELECT count(*) AS n FROM person")[0]["n"] as Int == 0)
    }

    @Test("a revoked or made-up token, or a token in the URL, is refused")
    func tokens() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(try county.command(["token", "revoke", "--village", "110105001001"]) == "已吊销 1 个令牌")
        await #expect(throws: RegistryError.self) {
            try await SyncSession(registry: a, transport: county.transport(token)).run()
        }
        let madeUp = try await county.transport("0" + token.dropFirst()).send(
            "GET", "/v1/sync/pull", query: ["after": "0"], body: nil)
        #expect(madeUp.status == 401)
        let inURL = try await HTTPTransport(base: county.url, token: "").send(
            "GET", "/v1/sync/pull", query: ["after": "0", "token": token], body: nil)
        #expect(inURL.status == 401)
        #expect(String(decoding: inURL.body, as: UTF8.self).contains("Authorization"))
        #expect(!county.log.contains(token))
        let stored = try rows(county.db, "SELECT hash FROM token").map { $0["hash"] as String }
        #expect(!stored.contains(token) && stored.allSatisfy { $0.count == 64 })
    }

    @Test("a replayed batch is a no-op; a gap is answered 409 with the expected number; a huge body 413")
    func replayGapAndLimits() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let transport = county.transport(token)
        let change = Change(
            table: "person", pk: "p1",
            columns: ColumnValues([
                "village": "110105001001".databaseValue, "name": "张三".databaseValue,
                "id_type": "resident_id".databaseValue,
                "id_number": "420102199003071232".databaseValue,
                "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
            ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw, origin: "site-x",
            originSeq: 1)
        let batch = try JSONEncoder().encode(Wire.PushRequest(site: "site-x", after: 0, through: 1, changes: [change]))
        for _ in 0..<2 {
            let (status, body) = try await transport.send("POST", "/v1/sync/push", query: [:], body: batch)
            #expect(status == 200)
            #expect(try JSONDecoder().decode(Wire.PushResponse.self, from: body).ackedThrough == 1)
        }
        #expect(try rows(county.db, "SELECT count(*) AS n FROM change_log WHERE origin = 'site-x'")[0]["n"] as Int == 1)
        var next = change
        next.originSeq = 6
        let gap = try JSONEncoder().encode(Wire.PushRequest(site: "site-x", after: 5, through: 6, changes: [next]))
        let (status, body) = try await transport.send("POST", "/v1/sync/push", query: [:], body: gap)
        #expect(status == 409)
        #expect(try JSONDecoder().decode(Wire.ErrorBody.self, from: body).expected == 1)
        let huge = Data(repeating: 0x20, count: 3 << 20)
        #expect(try await transport.send("POST", "/v1/sync/push", query: [:], body: huge).status == 413)
        #expect(
            try await transport.send("POST", "/v1/sync/push", query: [:], body: Data("{\"site\":".utf8)).status == 400)
        #expect(try await transport.send("GET", "/healthz", query: [:], body: nil).status == 200)
    }

    @Test("a server restored from a backup starts a new epoch: villages pull from scratch and lose nothing")
    func newEpoch() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        try intake(a, name: "张三", id: "420102199003071232")
        let first = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(first.pulled > 0)
        let before = try await a.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM risk_area ORDER BY id") }
        _ = try county.command(["restored"])
        let again = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(again.pulled == first.pulled)  // everything again, from sequence 0
        #expect(try await a.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM risk_area ORDER BY id") } == before)
    }

    @Test("a clock a year ahead: refused in plain words; once fixed, the pending changes are re-stamped and sent")
    func clockAhead() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let clock = Clock(Date().addingTimeInterval(365 * 86_400))
        let a = try makeVillage(county, code: "110105001001", clock: clock)
        // From a place no risk area covers: the pulled list classifies nobody again (which would push once more).
        try intake(a, name: "张三", id: "420102199003071232", from: "110101")
        await #expect { try await SyncSession(registry: a, transport: county.transport(token)).run() } throws: {
            RegistryError.from($0).message(.zh).contains("请先校正电脑的日期和时间")
        }
        // Sent anyway by a client that skips the check, the server refuses the far-future stamp itself.
        let future = Change(
            table: "person", pk: "p9", columns: ColumnValues(["village": "110105001001".databaseValue]),
            hlc: HLC(milliseconds: Int64(clock.now.timeIntervalSince1970 * 1000), counter: 0).raw,
            origin: "site-y", originSeq: 1)
        let (status, body) = try await county.transport(token).send(
            "POST", "/v1/sync/push", query: [:],
            body: try JSONEncoder().encode(Wire.PushRequest(site: "site-y", after: 0, through: 1, changes: [future])))
        #expect(status == 422)
        #expect(try JSONDecoder().decode(Wire.ErrorBody.self, from: body).messageZh.contains("校正电脑的日期和时间"))

        clock.now = Date()
        let report = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(report.restamped > 0 && report.pushed == report.restamped && report.rejected == 0)
        let newest = try rows(county.db, "SELECT max(hlc) AS h FROM change_log")[0]["h"] as Int64
        #expect(HLC(raw: newest).milliseconds < Int64(Date().addingTimeInterval(600).timeIntervalSince1970 * 1000))
        #expect(try rows(county.db, "SELECT count(*) AS n FROM person")[0]["n"] as Int == 1)
    }

    @Test("a lead: its village fills in the outcome; another village cannot touch it; the county sees the outcome")
    func leads() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        // The county writes a lead with its own site (leads import comes with the merge issue).
        try await addLead(county.db, id: "lead-1", village: "110105001001", name: "张三", idNumber: "420102199003071232")

        let a = try makeVillage(county, code: "110105001001")
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(try a.workList(on: Day("2022-07-05")!).leads.map(\.name) == ["张三"])
        try intake(a, name: "张三", id: "420102199003071232")
        let closed = try a.closeLead("lead-1", outcome: .found, on: Day("2022-07-05")!)
        #expect(closed.personId != nil)
        let report = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(report.rejected == 0)
        #expect(try rows(county.db, "SELECT outcome FROM lead WHERE id = 'lead-1'")[0]["outcome"] as String == "found")

        // Village B pushes an edit to A's lead: rejected, A's outcome stands.
        let edit = Change(
            table: "lead", pk: "lead-1", columns: ColumnValues(["outcome": "absent".databaseValue]),
            hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 9).raw, origin: "site-b",
            originSeq: 1)
        let (_, body) = try await county.transport(tokenB).send(
            "POST", "/v1/sync/push", query: [:],
            body: try JSONEncoder().encode(Wire.PushRequest(site: "site-b", after: 0, through: 1, changes: [edit])))
        #expect(try JSONDecoder().decode(Wire.PushResponse.self, from: body).rejected.count == 1)
        #expect(try rows(county.db, "SELECT outcome FROM lead WHERE id = 'lead-1'")[0]["outcome"] as String == "found")
    }
}

/// The real transport, with `/healthz` answered without the token's village: a client that cannot tell whose token
/// it holds, so that the server's per-change scope check is what refuses.
struct AnonymousHealthTransport: SyncTransport {
    let inner: HTTPTransport
    init(_ inner: HTTPTransport) { self.inner = inner }

    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    ) {
        let answer = try await inner.send(method, path, query: query, body: body)
        guard path == "/healthz", var health = try? JSONDecoder().decode(Wire.Health.self, from: answer.body) else {
            return answer
        }
        (health.village, health.villageName) = (nil, nil)
        return (answer.status, try JSONEncoder().encode(health))
    }
}
