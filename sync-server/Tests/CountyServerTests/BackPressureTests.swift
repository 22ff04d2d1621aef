import CountyServer
import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

/// 17:00: every village pushes at once. A server whose writer is behind answers 503 with `Retry-After` instead of
/// queueing without bound; the clients wait as asked, with jitter, and all finish.
@Suite("Back-pressure", .serialized)
struct BackPressureTests {
    @Test(
        "500 villages at once against a slowed writer: refused as busy while the queue is full, all finish, every push answered within 30 s, memory bounded"
    )
    func fiveHundredVillages() async throws {
        let villages = 500
        let perVillage = 20
        let county = try ServerHarness()
        var roster = "code,name,township_code,township_name\n"
        for v in 0..<villages {
            roster += String(
                format: "110105%03d%03d,村%d,110105%03d,乡%d\n", 100 + v / 100, v % 100 + 1, v, 100 + v / 100, v / 100)
        }
        try county.write("roster500.csv", roster)
        try county.command(["villages", "import", county.path("roster500.csv")])
        let codes = (0..<villages).map { String(format: "110105%03d%03d", 100 + $0 / 100, $0 % 100 + 1) }
        // Tokens issued in process (500 runs of the binary would take a minute).
        let store = try await openStore(county.db, clock: RegistryClock(now: { Date() }))
        var tokens: [String] = []
        for code in codes { tokens.append(try await store.issueToken(village: code)) }
        await store.close()
        let own = try county.command(["token", "issue", "--county"])

        // A writer that pauses 50 ms before each group commit, and a queue of at most 400 changes (20 pushes).
        county.environment["SYNC_SERVER_WRITER_DELAY_MS"] = "50"
        county.environment["SYNC_SERVER_QUEUE_LIMIT"] = "400"
        try county.start(extra: ["--max-connections-per-address", "2000"])
        defer { county.stop() }

        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        let url = county.url
        let issued = tokens
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for v in 0..<villages {
                group.addTask {
                    let changes = (1...Int64(perVillage)).map { i in
                        Change(
                            table: "health_check", pk: "c-\(v)-\(i)",
                            columns: ColumnValues([
                                "village": codes[v].databaseValue, "person_id": "p".databaseValue,
                                "taken_at": "2022-07-02 08:00".databaseValue,
                                "taken_on": "2022-07-02".databaseValue, "temperature": 36.5.databaseValue,
                                "flagged": 0.databaseValue,
                            ]), hlc: HLC(milliseconds: ms, counter: Int(i)).raw, origin: "site-\(v)", originSeq: i)
                    }
                    // The village's own transport: Retry-After honoured, with jitter; enough attempts to outlast the rush.
                    let transport = HTTPTransport(base: url, token: issued[v], attempts: 60)
                    return try await transport.send(
                        "POST", "/v1/sync/push", query: [:],
                        body: try JSONEncoder().encode(
                            Wire.PushRequest(site: "site-\(v)", after: 0, through: Int64(perVillage), changes: changes))
                    ).status
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(
            statuses.count == villages && statuses.allSatisfy { $0 == 200 },
            "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        #expect(try count(county.db, "SELECT count(*) FROM health_check") == villages * perVillage)

        // What /metrics saw: pushes refused as busy, none answered after more than 30 s (on SQLite all within 10 s; on
        // PostgreSQL 500 connections also wait for the pool's connections to check their tokens), the queue empty again.
        let (_, data) = try await HTTPTransport(base: county.url, token: own).send(
            "GET", "/metrics", query: [:], body: nil)
        let metrics = String(decoding: data, as: UTF8.self)
        func value(_ prefix: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
                Double($0.split(separator: " ").last ?? "")
            }
        }
        let busy = value("sync_pushes_refused_total{reason=\"busy\"}") ?? 0
        #expect(busy > 0, "the queue never filled: \(metrics.prefix(2000))")
        let route = "http_route=\"/v1/sync/push\",http_request_method=\"POST\",http_response_status_code=\"200\""
        let answered = value("http_server_request_duration_count{\(route)}")
        #expect(
            answered == Double(villages)
                && value("http_server_request_duration_bucket{\(route),le=\"30.0\"}") == answered)
        #expect(value("sync_changes_applied_total{kind=\"village\"}") == Double(villages * perVillage))
        #expect(value("sync_writer_queue_changes") == 0)
        #expect(value("sync_push_bytes_held") == 0 && value("sync_pushes_waiting") == 0, "the gate gave all back")
        #expect(!metrics.contains("420102") && !metrics.contains(tokens[0]))

        // The server's peak memory stays small: the queue, not the rush, bounds it.
        if let pid = county.process?.processIdentifier,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        {
            #expect(kb < 400_000, "peak resident memory \(kb) kB")
        }
    }

    @Test("pushes beyond the gate's bytes wait unread and are then applied, none refused; the gate gives all back")
    func gateHoldsBack() async throws {
        let villages = 60
        let county = try ServerHarness()
        var roster = "code,name,township_code,township_name\n"
        for v in 0..<villages { roster += String(format: "110105100%03d,村%d,110105100,乡\n", v + 1, v) }
        try county.write("roster60.csv", roster)
        try county.command(["villages", "import", county.path("roster60.csv")])
        let codes = (0..<villages).map { String(format: "110105100%03d", $0 + 1) }
        let store = try await openStore(county.db, clock: RegistryClock(now: { Date() }))
        var tokens: [String] = []
        for code in codes { tokens.append(try await store.issueToken(village: code)) }
        await store.close()
        let own = try county.command(["token", "issue", "--county"])
        // Room for about two pushes at once, and a writer that pauses 100 ms before each group commit.
        county.environment["SYNC_SERVER_WRITER_DELAY_MS"] = "100"
        try county.start(extra: ["--push-bytes-in-flight", "12000"])
        defer { county.stop() }
        let url = county.url
        let issued = tokens
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        func metric(_ name: String) async throws -> Double? {
            let (_, data) = try await HTTPTransport(base: url, token: own).send(
                "GET", "/metrics", query: [:], body: nil)
            return String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        let pushes = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for v in 0..<villages {
                    group.addTask {
                        let changes = (1...Int64(20)).map { i in
                            Change(
                                table: "health_check", pk: "g-\(v)-\(i)",
                                columns: ColumnValues([
                                    "village": codes[v].databaseValue, "person_id": "p".databaseValue,
                                    "taken_at": "2022-07-02 08:00".databaseValue,
                                    "taken_on": "2022-07-02".databaseValue, "temperature": 36.5.databaseValue,
                                    "flagged": 0.databaseValue,
                                ]), hlc: HLC(milliseconds: ms, counter: Int(i)).raw, origin: "g-\(v)",
                                originSeq: i)
                        }
                        return try await HTTPTransport(base: url, token: issued[v], attempts: 1).send(
                            "POST", "/v1/sync/push", query: [:],
                            body: try JSONEncoder().encode(
                                Wire.PushRequest(site: "g-\(v)", after: 0, through: 20, changes: changes))
                        ).status
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
        }
        var sawWaiting = false
        for _ in 0..<200 where !sawWaiting {
            sawWaiting = try await (metric("sync_pushes_waiting") ?? 0) > 0
            try await Task.sleep(for: .milliseconds(20))
        }
        let statuses = try await pushes.value
        #expect(sawWaiting, "no push ever waited at the gate")
        #expect(statuses.count == villages && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(try count(county.db, "SELECT count(*) FROM health_check") == villages * 20)
        #expect(try await metric("sync_push_bytes_held") == 0)
        #expect(try await metric("sync_pushes_waiting") == 0)
    }
}
