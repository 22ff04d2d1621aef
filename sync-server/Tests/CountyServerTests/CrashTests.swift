import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

/// The village's `registry` binary, built by the root package (scripts/test.sh builds it first).
let registryBinary: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..")
        .standardized
    return root.appendingPathComponent(".build/debug/registry").path
}()

/// Runs `registry` with the database and fixed now; returns the process (not waited for) so a test can kill it.
func startRegistry(_ db: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: registryBinary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(["REGISTRY_DB": db]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

func runRegistry(_ db: String, _ arguments: [String]) throws -> Int32 {
    let process = try startRegistry(db, arguments)
    process.waitUntilExit()
    return process.terminationStatus
}

/// A valid resident ID for serial `n` (independent GB 11643 computation).
func residentID(_ n: Int) -> String {
    let body =
        "42010219" + String(format: "%02d", 50 + n % 40) + String(format: "%02d%02d", 1 + n / 40 % 12, 1 + n / 480 % 28)
        + String(format: "%03d", n / 13_440 % 1000)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
    return body + String(Array("10X98765432")[sum % 11])
}

@Suite("Crashes: a killed process loses nothing and doubles nothing", .serialized)
struct CrashTests {
    @Test("registry import killed with SIGKILL: the registry is as before or fully after, and a rerun completes it")
    func killedImport() throws {
        let county = try ServerHarness()
        let db = county.path("village.sqlite")
        #expect(try runRegistry(db, ["init", "--village", "110105001001", "--name", "一村"]) == 0)
        var csv = "姓名,身份证号,来源地代码,离开日期,到达日期\n"
        for i in 0..<3000 { csv += "人员\(i),\(residentID(i)),420102,2022-07-01,2022-07-02\n" }
        try county.write("arrivals.csv", csv)
        for delay in [0.05, 0.3, 0.8] {
            let process = try startRegistry(db, ["import", county.path("arrivals.csv")])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let people = try count(db, "SELECT count(*) FROM person")
            #expect(people == 0 || people == 3000, "after a kill at \(delay) s: \(people) people")
            #expect(try count(db, "SELECT count(*) FROM change_log WHERE tbl = 'person'") == people)
        }
        #expect(try runRegistry(db, ["import", county.path("arrivals.csv")]) == 0)
        #expect(try count(db, "SELECT count(*) FROM person") == 3000)
        #expect(try count(db, "SELECT count(*) FROM arrival") == 3000)
    }

    @Test("registry sync killed at random moments, then one clean sync: the county holds every row exactly once")
    func killedSync() throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let db = try villageWithArrivals(county, 2500)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let process = try startRegistry(db, ["sync", "--server", county.url.absoluteString, "--token", token])
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6, using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // With the server and token again: a sync killed before the county first answered remembers nothing.
        let again = ["sync", "--server", county.url.absoluteString, "--token", token]
        #expect(try runRegistry(db, again) == 0)
        #expect(try count(county.db, "SELECT count(*) FROM person") == 2500)
        // Nothing doubled: each village change is in the county's log at most once.
        #expect(
            try count(
                county.db,
                "SELECT count(*) FROM (SELECT origin, origin_seq FROM change_log WHERE origin_seq IS NOT NULL GROUP BY origin, origin_seq HAVING count(*) > 1) AS d"
            ) == 0)
        #expect(
            try count(
                db, "SELECT count(*) FROM change_log WHERE origin <> (SELECT value FROM setting WHERE key = 'site')")
                == (try count(county.db, "SELECT count(*) FROM change_log WHERE scope = '110105'")))
        #expect(try runRegistry(db, ["sync"]) == 0, "remembered once the county answered")
        #expect(try count(county.db, "SELECT count(*) FROM person") == 2500)
    }

    @Test("the server killed during pushes and restarted: one more sync, nothing lost, cursors right")
    func killedServer() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let db = try villageWithArrivals(county, 2500)
        let sync = try startRegistry(db, ["sync", "--server", county.url.absoluteString, "--token", token])
        try await Task.sleep(nanoseconds: 300_000_000)
        if let server = county.process {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        sync.waitUntilExit()
        let port = county.port
        try county.start(port: port)  // same address, as after a reboot
        #expect(try runRegistry(db, ["sync", "--server", county.url.absoluteString, "--token", token]) == 0)
        #expect(try count(county.db, "SELECT count(*) FROM person") == 2500)
        #expect(
            try count(
                county.db,
                "SELECT count(*) FROM (SELECT origin, origin_seq FROM change_log WHERE origin_seq IS NOT NULL GROUP BY origin, origin_seq HAVING count(*) > 1) AS d"
            ) == 0)
    }
}

/// A village registry file (through the `registry` binary) holding `count` imported arrivals.
func villageWithArrivals(_ county: ServerHarness, _ count: Int) throws -> String {
    let db = county.path("village.sqlite")
    #expect(try runRegistry(db, ["init", "--village", "110105001001", "--name", "一村"]) == 0)
    var csv = "姓名,身份证号,来源地代码,离开日期,到达日期\n"
    for i in 0..<count { csv += "人员\(i),\(residentID(i)),420102,2022-07-01,2022-07-02\n" }
    try county.write("arrivals.csv", csv)
    #expect(try runRegistry(db, ["import", county.path("arrivals.csv")]) == 0)
    return db
}
