import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// The security review's reproductions (issue 21): a village token used with hand-made requests against a real
/// server process. Each failed before the fix.
extension HostileInputTests {
    /// A hand-made push under a village token.
    struct Pusher {
        let county: ServerHarness
        let token: String
        var site = "site-h"

        func send(_ request: Wire.PushRequest) async throws -> (status: Int, ack: Wire.PushResponse?, body: String) {
            let (status, body) = try await county.transport(token).send(
                "POST", "/v1/sync/push", query: [:], body: try JSONEncoder().encode(request))
            return (
                status, try? JSONDecoder().decode(Wire.PushResponse.self, from: body),
                String(decoding: body, as: UTF8.self)
            )
        }

        /// Pushes `rows` (table, pk, columns) as changes 1…n after `after`.
        func push(_ rows: [(String, String, [String: DatabaseValue])], after: Int64 = 0) async throws
            -> Wire.PushResponse
        {
            let ms = Int64(Date().timeIntervalSince1970 * 1000)
            let changes = rows.enumerated().map { i, row in
                Change(
                    table: row.0, pk: row.1, columns: ColumnValues(row.2), hlc: HLC(milliseconds: ms, counter: i).raw,
                    origin: site, originSeq: after + Int64(i) + 1)
            }
            let result = try await send(
                Wire.PushRequest(site: site, after: after, through: after + Int64(rows.count), changes: changes))
            #expect(result.status == 200, "\(result.body)")
            return try #require(result.ack)
        }
    }

    static let village = "110105001001"

    static func person(_ extra: [String: DatabaseValue] = [:]) -> [String: DatabaseValue] {
        [
            "village": village.databaseValue, "name": "张三".databaseValue, "id_type": "resident_id".databaseValue,
            "id_number": "420102199003071232".databaseValue, "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
            "deleted": 0.databaseValue,
        ].merging(extra) { $1 }
    }

    static func report(_ figures: String, date: String = "2022-07-02") -> [String: DatabaseValue] {
        [
            "village": village.databaseValue, "date": date.databaseValue, "revision": 1.databaseValue,
            "figures": figures.databaseValue,
            "is_zero_report": 0.databaseValue, "reporter": "王".databaseValue, "remarks": "".databaseValue,
            "submitted_at": "2022-07-02T16:00:00+08:00".databaseValue,
            "first_submitted_at": "2022-07-02T16:00:00+08:00".databaseValue,
            "deleted": 0.databaseValue,
        ]
    }

    static func figures(newArrivals: Int64) -> String {
        var figures = ReportFigures()
        figures.new_arrivals = 1
        let text = String(decoding: try! JSONEncoder().encode(figures), as: UTF8.self)
        return text.replacingOccurrences(of: "\"new_arrivals\":1", with: "\"new_arrivals\":\(newArrivals)")
    }

    @Test(
        "report figures of Int64.max are refused on arrival; reports stored before the check are summed without a crash"
    )
    func overflowingFigures() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", Self.village])
        let countyToken = try county.command(["token", "issue", "--county"])
        let pusher = Pusher(county: county, token: token)
        let ack = try await pusher.push([
            ("daily_report", "r1", Self.report(Self.figures(newArrivals: Int64.max))),
            ("daily_report", "r2", Self.report(Self.figures(newArrivals: -1), date: "2022-07-03")),
            ("daily_report", "r3", Self.report("{\"new_arrivals\":\"5\"}", date: "2022-07-04")),
        ])
        #expect(ack.rejected.map(\.originSeq) == [1, 2, 3])
        #expect(ack.rejected[0].reason.contains("daily_report.figures"), "\(ack.rejected[0].reason)")
        #expect(try count(county.db, "SELECT count(*) FROM daily_report") == 0)

        // As a county server before this check stored them: two reports at Int64.max on one day.
        county.stop()
        for (id, village) in [("r1", "110105001001"), ("r2", "110105001002")] {
            try storedBeforeChecks(
                county.db, table: "daily_report", id: id,
                values: [
                    "village": .string(village), "date": "2022-07-02", "revision": 1,
                    "figures": .string(Self.figures(newArrivals: Int64.max)),
                    "is_zero_report": 0, "reporter": "王", "remarks": "", "submitted_at": "2022-07-02T16:00:00+08:00",
                    "first_submitted_at": "2022-07-02T16:00:00+08:00",
                ])
        }
        try county.start()
        let (status, page) = try await county.transport(countyToken).send(
            "GET", "/dashboard", query: ["date": "2022-07-02"], body: nil)
        #expect(status == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("9223372036854775807"))
        for format in ["table", "json", "csv"] {
            #expect(
                try county.command(["merge", "--date", "2022-07-02", "--format", format]).contains(
                    "9223372036854775807"))
        }
        #expect(try await county.transport(token).send("GET", "/healthz", query: [:], body: nil).status == 200)
    }

    @Test(
        "values of the wrong type or format are refused per change: a numeric village, a text deleted flag, a script as id number, a date that is not one"
    )
    func wrongTypesAndFormats() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let created = try await pusher.push([("person", "p1", Self.person())])
        #expect(created.rejected.isEmpty)
        let ack = try await pusher.push(
            [
                ("person", "p1", ["village": 110_105_001_002.databaseValue]),
                ("person", "p1", ["deleted": "1".databaseValue, "deleted_reason": "误登记".databaseValue]),
                ("person", "p2", Self.person(["id_number": "<script>alert(1)</script>".databaseValue])),
                (
                    "person", "p3",
                    Self.person([
                        "created_at": "not a date".databaseValue, "id_number": "11010519491231002X".databaseValue,
                    ])
                ),
                (
                    "person", "p4",
                    Self.person([
                        "name": String(repeating: "长", count: 1000).databaseValue,
                        "id_number": "11010519491231002X".databaseValue,
                    ])
                ),
                (
                    "person", "p5",
                    Self.person(["name": "\u{1B}[2J清屏".databaseValue, "id_number": "11010519491231002X".databaseValue])
                ),
                ("person", "p6", Self.person(["id_number": "420102199003071231".databaseValue])),  // wrong check digit
                (
                    "person", "p7",
                    Self.person(["phone": "1380013800".databaseValue, "id_number": "11010519491231002X".databaseValue])
                ),
                (
                    "health_check", "c1",
                    [
                        "village": Self.village.databaseValue, "person_id": "p1".databaseValue,
                        "taken_at": "2022-07-02 08:00".databaseValue,
                        "taken_on": "2022-07-02".databaseValue, "temperature": 99.9.databaseValue,
                        "flagged": 1.databaseValue,
                    ]
                ),
                (
                    "arrival", "a1",
                    [
                        "village": Self.village.databaseValue, "person_id": "p1".databaseValue,
                        "arrived_on": "2022-07-02".databaseValue,
                        "departed_on": "2022-07-01".databaseValue,
                        "stays": "[{\"code\":\"<b>\",\"name\":\"x\",\"to\":\"2022-07-01\"}]".databaseValue,
                        "source": "self_report".databaseValue, "category": "high_risk".databaseValue,
                        "day_zero": "2022-07-01".databaseValue,
                        "policy": "9th".databaseValue, "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
                    ]
                ),
            ], after: 1)
        #expect(ack.rejected.map(\.originSeq) == Array(2...11), "\(ack.rejected)")
        let reasons = ack.rejected.map(\.reason)
        #expect(reasons[0].contains("person.village: must be text"))
        #expect(reasons[1].contains("person.deleted: must be a whole number"))
        #expect(reasons[2].contains("person.id_number"))
        #expect(reasons[3].contains("person.created_at"))
        #expect(reasons[4].contains("longer than 64"))
        #expect(reasons[5].contains("control characters"))
        #expect(reasons[6].contains("resident ID"))
        #expect(reasons[7].contains("person.phone"))
        #expect(reasons[8].contains("health_check.temperature"))
        #expect(reasons[9].contains("arrival.stays"))
        #expect(try count(county.db, "SELECT count(*) FROM person WHERE village = '110105001001' AND deleted = 0") == 1)
        #expect(try count(county.db, "SELECT count(*) FROM person") == 1)
        #expect(
            try count(county.db, "SELECT count(*) FROM arrival") + count(county.db, "SELECT count(*) FROM health_check")
                == 0)
    }

    @Test("a deletion carries its reason; a trip or test is deleted only with its person")
    func deletionsSayWhy() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let test: [String: DatabaseValue] = [
            "village": Self.village.databaseValue, "person_id": "p1".databaseValue,
            "due_on": "2022-07-03".databaseValue,
            "result": "pending".databaseValue, "deleted": 0.databaseValue,
        ]
        #expect(try await pusher.push([("person", "p1", Self.person()), ("lab_test", "t1", test)]).rejected.isEmpty)
        let refused = try await pusher.push(
            [
                ("person", "p1", ["deleted": 1.databaseValue]),
                ("person", "p1", ["deleted": 1.databaseValue, "deleted_reason": "  ".databaseValue]),
                ("lab_test", "t1", ["deleted": 1.databaseValue]),
                (
                    "daily_report", "r1",
                    Self.report(Self.figures(newArrivals: 1)).merging(["deleted": 1.databaseValue]) { $1 }
                ),
            ], after: 2)
        #expect(refused.rejected.map(\.originSeq) == [3, 4, 5, 6], "\(refused.rejected)")
        #expect(refused.rejected[0].reason.contains("person.deleted_reason"))
        #expect(
            try count(county.db, "SELECT count(*) FROM person WHERE deleted = 1")
                + count(county.db, "SELECT count(*) FROM lab_test WHERE deleted = 1") == 0)
        // With the reason, and the test after its person: both deleted, and the county's list of deletions shows it.
        let accepted = try await pusher.push(
            [
                ("person", "p1", ["deleted": 1.databaseValue, "deleted_reason": "误登记".databaseValue]),
                ("lab_test", "t1", ["deleted": 1.databaseValue]),
            ], after: 6)
        #expect(accepted.rejected.isEmpty)
        let summary = try county.command([
            "merge", "--date", "\(RegistryClock(now: { Date() }).today)", "--format", "json",
        ])
        #expect(summary.contains("误登记"))
    }

    @Test(
        "a site is the first token's: the county's own site and another token's site are refused; a revoked token's site passes to the village's new token"
    )
    func sitesBelongToTokens() async throws {
        let county = try ServerHarness()
        try county.start()
        let first = try county.command(["token", "issue", "--village", Self.village])
        let second = try county.command(["token", "issue", "--village", Self.village])
        let pull = try await county.transport(first).send("GET", "/v1/sync/pull", query: ["after": "0"], body: nil)
        let countySite = try #require(
            try JSONDecoder().decode(Wire.PullResponse.self, from: pull.body).changes.first?.origin)
        // Claiming the county's site, so that a deletion would look like the county's.
        var asCounty = Pusher(county: county, token: first)
        asCounty.site = countySite
        let change = Change(
            table: "person", pk: "p1", columns: ColumnValues(Self.person()),
            hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw,
            origin: countySite, originSeq: 1)
        let claimed = try await asCounty.send(
            Wire.PushRequest(site: countySite, after: 0, through: 1, changes: [change]))
        #expect(claimed.status == 403 && claimed.body.contains("foreign_site"))
        // A site first seen under one token, then claimed under another of the same village.
        let mine = try await Pusher(county: county, token: first).push([("person", "p1", Self.person())])
        #expect(mine.rejected.isEmpty)
        var other = Pusher(county: county, token: second)
        other.site = "site-h"
        let stolen = try await other.send(Wire.PushRequest(site: "site-h", after: 1, through: 1, changes: []))
        #expect(stolen.status == 403)
        // The village's first token leaked and was revoked: its laptop goes on with the new token.
        try county.command(["token", "revoke", "--village", Self.village, "--token", first])
        #expect(try await other.send(Wire.PushRequest(site: "site-h", after: 1, through: 1, changes: [])).status == 200)
        #expect(
            try count(county.db, "SELECT count(*) FROM change_log WHERE origin = '\(countySite)' AND tbl = 'person'")
                == 0)
    }

    @Test(
        "numbering that does not hold together is refused: through beyond the changes, repeated or falling origin_seq, negative after"
    )
    func numbering() async throws {
        let county = try ServerHarness()
        try county.start()
        let pusher = Pusher(county: county, token: try county.command(["token", "issue", "--village", Self.village]))
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        func change(_ seq: Int64) -> Change {
            Change(
                table: "person", pk: "p\(seq)", columns: ColumnValues(Self.person()),
                hlc: HLC(milliseconds: ms, counter: Int(seq)).raw, origin: "site-h", originSeq: seq)
        }
        for request in [
            Wire.PushRequest(site: "site-h", after: 0, through: Int64.max, changes: []),
            Wire.PushRequest(site: "site-h", after: 0, through: 5, changes: [change(1)]),
            Wire.PushRequest(site: "site-h", after: 0, through: 2, changes: [change(2), change(2)]),
            Wire.PushRequest(site: "site-h", after: 0, through: 2, changes: [change(2), change(1)]),
            Wire.PushRequest(site: "site-h", after: -3, through: 1, changes: [change(1)]),
            Wire.PushRequest(site: "site-h", after: 1, through: 1, changes: [change(1)]),
            Wire.PushRequest(site: "<script>", after: 0, through: 1, changes: [change(1)]),
        ] {
            let result = try await pusher.send(request)
            #expect(result.status == 400, "\(request.after) \(request.through): \(result.body)")
        }
        #expect(try count(county.db, "SELECT count(*) FROM site_cursor") == 0)
        #expect(try count(county.db, "SELECT count(*) FROM person") == 0)
    }

    @Test(
        "a script stored before the checks is shown as text on the dashboard, whose answers forbid scripts and framing")
    func scriptInDashboard() async throws {
        let county = try ServerHarness()
        try county.start()
        let countyToken = try county.command(["token", "issue", "--county"])
        _ = county.stop()
        let script = "<script>alert(document.cookie)</script>"
        for (id, village) in [("p1", "110105001001"), ("p2", "110105001002")] {
            try storedBeforeChecks(
                county.db, table: "person", id: id,
                values: [
                    "village": .string(village), "name": "\"><img src=x onerror=alert(1)>", "id_type": "resident_id",
                    "id_number": .string(script),
                    "created_at": "2022-07-02T09:00:00+08:00",
                ])
        }
        try county.start()
        let day = "\(RegistryClock(now: { Date() }).today)"
        // In full (the masked page would cut the planted value short).
        let (status, body) = try await county.transport(countyToken).send(
            "GET", "/dashboard", query: ["date": day, "full": "1"], body: nil)
        #expect(status == 200)
        let html = String(decoding: body, as: UTF8.self)
        #expect(html.contains("多村重复登记（1）"))
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;"))
        for path in ["/dashboard", "/healthz", "/v1/summary"] {
            let head = try rawRequest(port: county.port, path: path).lowercased()
            #expect(head.contains("content-security-policy: default-src 'none'"), "\(path)")
            #expect(
                head.contains("x-frame-options: deny") && head.contains("x-content-type-options: nosniff"), "\(path)")
        }
    }

    @Test("templates never write a value unescaped (no triple braces, no ampersand tags)")
    func templatesEscape() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Sources/CountyServer/Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".mustache")
        }
        #expect(!names.isEmpty)
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
        }
    }

    @Test("the laptop refuses an acknowledgement beyond what it sent and keeps its queue")
    func forgedAcknowledgement() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", Self.village])
        let village = try makeVillage(county, code: Self.village)
        try intake(village, name: "张三", id: "420102199003071232")
        let pending = try SyncStatus.of(village).pending
        #expect(pending > 0)
        await #expect {
            try await SyncSession(registry: village, transport: ForgingTransport(county.transport(token))).run()
        } throws: {
            RegistryError.from($0).message(.en).contains("never sent")
        }
        #expect(try SyncStatus.of(village).pending == pending)
        // The real answer then goes through: nothing was lost.
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(try SyncStatus.of(village).pending == 0)
        #expect(try count(county.db, "SELECT count(*) FROM person") == 1)
    }
}

/// A county server (or a proxy in between) that acknowledges everything up to Int64.max: the real server's answer,
/// rewritten, as the review's forged empty push made the laptop believe.
struct ForgingTransport: SyncTransport {
    let inner: HTTPTransport
    init(_ inner: HTTPTransport) { self.inner = inner }

    func send(_ method: String, _ path: String, query: [String: String], body: Data?) async throws -> (
        status: Int, body: Data
    ) {
        if path == "/v1/sync/push" {
            let answer = Wire.PushResponse(
                ackedThrough: Int64.max, rejected: [], serverTime: ISO8601DateFormatter().string(from: Date()))
            return (200, try JSONEncoder().encode(answer))
        }
        return try await inner.send(method, path, query: query, body: body)
    }
}

extension HostileInputTests {
    @Test(
        "idle connections are closed after the header timeout, one /24 holds at most its share, a full server closes the oldest idle ones, and /healthz answers throughout"
    )
    func idleConnections() async throws {
        let county = try ServerHarness()
        try county.start(extra: [
            "--header-timeout", "2", "--max-connections-per-address", "100", "--max-connections", "150",
        ])
        // 300 connections that never send a byte, from another loopback /24 (127.0.2.2), as an attacker's; then 100
        // more from a third /24, which fill the server's 150.
        let sockets = (0..<300).map { _ in openIdleSocket(from: "127.0.2.2", port: county.port) }
        try await Task.sleep(for: .milliseconds(300))
        let more = (0..<100).map { _ in openIdleSocket(from: "127.0.3.2", port: county.port) }
        defer { for socket in sockets + more where socket >= 0 { close(socket) } }
        #expect((sockets + more).filter { $0 >= 0 }.count == 400)  // the kernel accepts them; the server closes
        try await Task.sleep(for: .milliseconds(500))
        #expect(
            sockets.filter { isClosedByPeer($0) }.count >= 250,
            "over the /24's 100 closed at once, and the 50 oldest of the rest to make room for the later ones")
        #expect(more.filter { isClosedByPeer($0) }.count == 0)
        #expect(try await county.transport("").send("GET", "/healthz", query: [:], body: nil).status == 200)
        try await Task.sleep(for: .seconds(3))
        #expect(
            (sockets + more).allSatisfy { isClosedByPeer($0) }, "an idle connection is closed after the header timeout")
        #expect(try await county.transport("").send("GET", "/healthz", query: [:], body: nil).status == 200)
    }
}

/// A TCP connection to 127.0.0.1:`port` from `source`, that sends nothing; -1 on failure.
func openIdleSocket(from source: String, port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, source, &local.sin_addr)
    var remote = sockaddr_in()
    remote.sin_family = sa_family_t(AF_INET)
    remote.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
    let ok =
        withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
        && withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    if !ok {
        close(fd)
        return -1
    }
    return fd
}

/// Whether the server has closed the connection (a read returns end of file at once).
func isClosedByPeer(_ fd: Int32) -> Bool {
    guard fd >= 0 else { return true }
    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, 0) > 0 else { return false }
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
}

extension HostileInputTests {
    @Test(
        "one oversized change never blocks the queue: set aside as rejected with a reason, the rest reaches the county")
    func oversizedChange() async throws {
        let county = try ServerHarness()
        // A server whose body limit is below the village's batch size: batches shrink on 413 until they fit.
        try county.start(extra: ["--max-body-bytes", "100000"])
        let token = try county.command(["token", "issue", "--village", Self.village])
        let village = try makeVillage(county, code: Self.village)
        for i in 0..<150 { try intake(village, name: "人员\(i)", id: residentID(i)) }
        // Two changes logged by an older registry that did not check lengths: one over the county's body limit, one
        // over any push's size; then more work after them.
        let site = try village.settings().site
        try await village.writer.write { db in
            for (size, pk) in [(150_000, "big-1"), (1_200_000, "big-2")] {
                try db.execute(
                    sql:
                        "INSERT INTO change_log (tbl, pk, columns, hlc, origin, scope) VALUES ('person', ?, ?, ?, ?, ?)",
                    arguments: [
                        pk, "{\"name\":\"\(String(repeating: "x", count: size))\"}",
                        HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw, site,
                        Self.village,
                    ])
            }
        }
        for i in 150..<160 { try intake(village, name: "人员\(i)", id: residentID(i)) }
        let report = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(report.rejected == 2)
        let status = try SyncStatus.of(village)
        #expect(status.pending == 0)
        #expect(Set(status.rejected.map(\.pk)) == ["big-1", "big-2"])
        #expect(status.rejected.allSatisfy { $0.reason.contains("too large") })
        #expect(try count(county.db, "SELECT count(*) FROM person") == 160)
    }
}

extension HostileInputTests {
    @Test("a county file migrated by a newer sync-server is refused unchanged, naming the schema")
    func newerCountySchema() throws {
        let county = try ServerHarness()
        // What a newer server records when it migrates: SQLite's GRDB table, PostgreSQL's schema_migration.
        let (table, column, name) =
            TestStore.isPostgres
            ? ("schema_migration", "name", "county-pg-v99") : ("grdb_migrations", "identifier", "county-v99")
        try execute(county.db, "INSERT INTO \(table) (\(column)) VALUES (?)", arguments: [name.databaseValue])
        #expect { try county.command(["merge"]) } throws: { "\($0)".contains(name) }
        #expect(throws: (any Error).self) { try county.start() }
        #expect(try count(county.db, "SELECT count(*) FROM \(table) WHERE \(column) = '\(name)'") == 1)
    }
}

/// A row as a county server before the push checks could have stored it: the row and its log entry (every write is
/// logged), written behind the server's back.
func storedBeforeChecks(_ db: String, table: String, id: String, values: [String: ColumnValue]) throws {
    let names = values.keys.sorted()
    try execute(
        db,
        "INSERT INTO \(table) (id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))",
        arguments: [id.databaseValue] + names.map { values[$0]!.databaseValue })
    try execute(
        db,
        "INSERT INTO change_log (tbl, pk, columns, hlc, origin, origin_seq, scope) VALUES (?, ?, ?, ?, 'legacy-site', ?, ?)",
        arguments: [
            table.databaseValue, id.databaseValue, ColumnValues(values).json.databaseValue,
            HLC(milliseconds: 1_656_700_000_000, counter: 0).raw.databaseValue,
            Int64.random(in: 1...1_000_000).databaseValue,
            values["village"]!.databaseValue,
        ])
}
