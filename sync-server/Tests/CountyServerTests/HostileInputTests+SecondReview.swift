import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// The second security review's reproductions (issue 34) that concern what one village token can push, against a
/// real server process. Each failed before its fix.
extension HostileInputTests {
    static func test(_ person: String, sampled: String, result: String = "positive") -> [String: DatabaseValue] {
        [
            "village": village.databaseValue, "person_id": person.databaseValue, "due_on": DatabaseValue.null,
            "sampled_on": sampled.databaseValue, "result": result.databaseValue, "result_on": sampled.databaseValue,
            "lab": DatabaseValue.null, "deleted": 0.databaseValue, "measure_id": DatabaseValue.null,
        ]
    }

    @Test(
        "a sample day after today is refused, naming the column (a positive 'sampled' in 2099 would stay current for ever); today's is taken"
    )
    func futureSampleDays() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let today = RegistryClock(now: { Date() }).today
        let ack = try await pusher.push([
            ("person", "p-future", Self.person()),
            ("lab_test", "t-future", Self.test("p-future", sampled: "2099-12-31")),
            ("lab_test", "t-today", Self.test("p-future", sampled: "\(today)")),
            (
                "health_check", "c-future",
                [
                    "village": Self.village.databaseValue, "person_id": "p-future".databaseValue,
                    "taken_at": "2099-12-31 08:00".databaseValue, "taken_on": "2099-12-31".databaseValue,
                    "temperature": 36.5.databaseValue, "symptoms": "".databaseValue, "flagged": 0.databaseValue,
                    "deleted": 0.databaseValue,
                ]
            ),
        ])
        #expect(ack.rejected.map(\.originSeq) == [2, 4], "\(ack.rejected)")
        #expect(ack.rejected.first?.reason.contains("lab_test.sampled_on") == true, "\(ack.rejected)")
        #expect(ack.rejected.first?.reason.contains("2099-12-31") == true)
        #expect(ack.rejected.last?.reason.contains("health_check.taken_on") == true, "\(ack.rejected)")
        #expect(try count(county.db, "SELECT count(*) FROM lab_test") == 1)
    }

    @Test(
        "a row about another village's person is refused: a test naming her id cannot make the county list her as positive"
    )
    func anotherVillagesPerson() async throws {
        let county = try ServerHarness()
        try county.start()
        let other = try county.command(["token", "issue", "--village", "110105001002"])
        // Village 2 registers 李四 through its own laptop.
        let second = try makeVillage(county, code: "110105001002")
        try intake(second, name: "李四", id: "11010519491231002X")
        _ = try await SyncSession(registry: second, transport: county.transport(other)).run()
        let victim = try #require(try await second.writer.read { try Person.fetchOne($0) }?.id)

        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let today = RegistryClock(now: { Date() }).today
        let ack = try await pusher.push([("lab_test", "t-forged", Self.test(victim, sampled: "\(today)"))])
        #expect(
            ack.rejected.count == 1 && ack.rejected[0].reason.contains("person of another village"), "\(ack.rejected)")
        #expect(try count(county.db, "SELECT count(*) FROM lab_test WHERE result = 'positive'") == 0)
        let merge = try county.command(["merge", "--format", "json"])
        #expect(!merge.contains("11010519491231002X"), "the county lists nobody as positive")
    }

    @Test(
        "a contact named before they registered anywhere gets a lead in the village that registers them later: the push traces around what it carried"
    )
    func registeredLater() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", Self.village])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: Self.village)
        let b = try makeVillage(county, code: "110105001002")
        let today = a.clock.today
        var form = IntakeForm()
        form.name = "张三"
        form.idNumber = "420102199003071232"
        form.stays = [.init(code: "110101", name: "北京市东城区", from: "", to: "\(today.adding(days: -2))")]
        form.arrived = "\(today.adding(days: -1))"
        form.companions = ["110101199001011237"]
        _ = try a.intake(form)
        _ = try a.recordTest("张三", sampled: today, result: .positive, resultOn: nil, lab: nil)
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        #expect(try count(county.db, "SELECT count(*) FROM lead WHERE village = '110105001002'") == 0)
        // B registers 王五 afterwards: that push alone raises his lead there.
        try intake(b, name: "王五", id: "110101199001011237", from: "110101", arrived: "\(today.adding(days: -1))")
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        #expect(try count(county.db, "SELECT count(*) FROM lead WHERE village = '110105001002'") == 1)
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        #expect(try b.workList(on: today).leads.map(\.reason) == ["密接（待县核实）：一村报告 与 张* 同行"])
    }

    @Test("one positive's links are followed into at most 50 leads: a village cannot fan out work without bound")
    func linksCapped() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let today = RegistryClock(now: { Date() }).today
        var rows: [(String, String, [String: DatabaseValue])] = [
            ("person", "p-pos", Self.person()), ("lab_test", "t-pos", Self.test("p-pos", sampled: "\(today)")),
        ]
        for n in 0..<80 {
            rows.append(
                (
                    "contact", "k-\(n)",
                    [
                        "village": Self.village.databaseValue, "person_id": "p-pos".databaseValue,
                        "id_number": residentID(n).databaseValue, "relation": "colleague".databaseValue,
                        "created_at": "2022-07-02T09:00:00+08:00".databaseValue, "deleted": 0.databaseValue,
                    ]
                ))
        }
        let ack = try await pusher.push(rows)
        #expect(ack.rejected.isEmpty, "\(ack.rejected)")
        #expect(try count(county.db, "SELECT count(*) FROM lead") == ContactRules.maxLinksPerPositive)
    }

    @Test("a pushed name with a bidirectional override is refused, naming the column")
    func bidiPushed() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let ack = try await pusher.push([("person", "p-bidi", Self.person(["name": "张\u{202E}三".databaseValue]))])
        #expect(ack.rejected.count == 1 && ack.rejected[0].reason.contains("person.name"), "\(ack.rejected)")
    }

    @Test("the user name typed at the dashboard's login cannot forge a log line or send an escape sequence")
    func logInjection() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--county"])
        // Over a plain socket: URLSession waits for ever on a 401 that carries a challenge.
        let user = "wang\n[FORGED] persons shown unmasked\u{1B}[2J"
        let head = try rawRequest(
            port: county.port, path: "/dashboard?full=1",
            headers: ["Authorization: Basic " + Data("\(user):\(token)".utf8).base64EncodedString()])
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head.prefix(200))")
        let log = county.log
        #expect(log.contains("persons shown unmasked") && log.contains("wang"), "\(log.suffix(800))")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("[FORGED]") }, "\(log.suffix(800))")
        #expect(!log.contains("\u{1B}"))
    }
}
