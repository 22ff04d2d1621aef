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
    /// A county of `villages` villages with a token each (issued in process: 500 runs of the binary would take a
    /// minute) and one for the county's own reads, not yet serving.
    static func county(villages: Int) async throws -> (
        county: ServerHarness, codes: [String], tokens: [String], own: String
    ) {
        let county = try ServerHarness()
        var roster = "code,name,township_code,township_name\n"
        for v in 0..<villages {
            roster += String(
                format: "110105%03d%03d,村%d,110105%03d,乡%d\n", 100 + v / 100, v % 100 + 1, v, 100 + v / 100, v / 100)
        }
        try county.write("roster.csv", roster)
        try county.command(["villages", "import", county.path("roster.csv")])
        let codes = (0..<villages).map { String(format: "110105%03d%03d", 100 + $0 / 100, $0 % 100 + 1) }
        let store = try await openStore(county.db, clock: RegistryClock(now: { Date() }))
        var tokens: [String] = []
        for code in codes { tokens.append(try await store.issueToken(village: code)) }
        await store.close()
        return (county, codes, tokens, try county.command(["token", "issue", "--county"]))
    }

    /// A push of `count` temperature checks by `village`'s laptop `site`, its first.
    static func checks(village: String, site: String, count: Int64, ms: Int64) throws -> Data {
        let changes = StoreContractTests.checks(village, site: site, 1...count, ms: ms)
        return try JSONEncoder().encode(Wire.PushRequest(site: site, after: 0, through: count, changes: changes))
    }

    /// The county's `/metrics` text, and a value from it by the start of its line.
    static func metrics(_ url: URL, token: String) async throws -> String {
        let (_, data) = try await HTTPTransport(base: url, token: token).send("GET", "/metrics", query: [:], body: nil)
        return String(decoding: data, as: UTF8.self)
    }

    static func value(_ metrics: String, _ prefix: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            Double($0.split(separator: " ").last ?? "")
        }
    }

    @Test(
        "500 villages at once against a slowed writer: refused as busy while the queue is full, all finish, every push answered within 30 s, memory bounded"
    )
    func fiveHundredVillages() async throws {
        let villages = 500
        let perVillage = 20
        let (county, codes, tokens, own) = try await Self.county(villages: villages)

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
                    // The village's own transport: Retry-After honoured, with jitter; enough attempts to outlast the rush.
                    let transport = HTTPTransport(base: url, token: issued[v], attempts: 60)
                    return try await transport.send(
                        "POST", "/v1/sync/push", query: [:],
                        body: try Self.checks(village: codes[v], site: "site-\(v)", count: Int64(perVillage), ms: ms)
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
        let metrics = try await Self.metrics(county.url, token: own)
        func value(_ prefix: String) -> Double? { Self.value(metrics, prefix) }
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
        let (county, codes, tokens, own) = try await Self.county(villages: villages)
        // Room for about two pushes at once, and a writer that pauses 100 ms before each group commit.
        county.environment["SYNC_SERVER_WRITER_DELAY_MS"] = "100"
        try county.start(extra: ["--push-bytes-in-flight", "12000"])
        defer { county.stop() }
        let url = county.url
        let issued = tokens
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        func metric(_ name: String) async throws -> Double? {
            Self.value(try await Self.metrics(url, token: own), name + " ")
        }
        let pushes = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for v in 0..<villages {
                    group.addTask {
                        return try await HTTPTransport(base: url, token: issued[v], attempts: 1).send(
                            "POST", "/v1/sync/push", query: [:],
                            body: try Self.checks(village: codes[v], site: "g-\(v)", count: 20, ms: ms)
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
