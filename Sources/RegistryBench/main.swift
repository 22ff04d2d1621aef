import Foundation
import GRDB
import RegistryCore

// registry-bench: the village side's benchmarks (DESIGN.md Targets). Thin: generates data and measures the
// library the way the CLI uses it. Run through scripts/bench.sh, which also times the built binaries end to end.
//   registry-bench capture N          change capture vs plain inserts of the same rows
//   registry-bench csv N FILE         write a CSV of N arrivals (for `registry import` and `sqlite3 .import`)
//   registry-bench areas FILE         write the risk-area list the generated arrivals refer to

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "capture":
    let n = Int(arguments.dropFirst().first ?? "") ?? 50_000
    let clock = RegistryClock.fixed(Date())
    let ids = IDGenerator.v7(clock: clock)
    let people = (0..<n).map { i in
        Person(
            id: ids.make(), village: "110105001001", name: "人员\(i)", idType: .residentID,
            idNumber: BenchData.residentID(i),
            phone: "138\(String(format: "%08d", i))", sex: .male, birthDate: Day("1990-01-01"), address: "一组",
            createdAt: "2022-11-05T09:00:00+08:00", deleted: false)
    }
    func database() throws -> DatabaseQueue {
        let path = NSTemporaryDirectory() + "capture-\(UUID().uuidString).sqlite"
        var config = Configuration()
        config.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: config)
        try Migrations.migrator.migrate(queue)
        return queue
    }
    // Two references: the rows' values bound to one cached prepared INSERT (the plainest SQLite insert; the
    // values are encoded before the clock starts), and GRDB's record insert (what an app using GRDB pays).
    let encoded = try people.map { try $0.orderedColumns() }
    let insertSQL =
        "INSERT INTO person (" + encoded[0].names.joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: encoded[0].names.count).joined(separator: ", ") + ")"
    // Best of three runs each, alternating, on fresh files: the machine is shared and noisy.
    var bare = Double.infinity
    var plain = Double.infinity
    var logged = Double.infinity
    for _ in 0..<3 {
        let c = try database()
        bare = min(
            bare,
            try seconds {
                try c.write { db in
                    let statement = try db.cachedStatement(sql: insertSQL)
                    for columns in encoded {
                        try statement.execute(binding: columns.values)
                    }
                }
            })
        let a = try database()
        plain = min(plain, try seconds { try a.write { db in for p in people { try p.insert(db) } } })
        let b = try database()
        logged = min(
            logged,
            try seconds {
                try b.write { db in
                    var recorder = try ChangeRecorder(db: db, site: "bench", clock: clock)
                    for p in people { try recorder.insert(p) }
                    try recorder.finish()
                }
            })
    }
    print(
        String(
            format:
                "change capture: %d person rows; insert + change log %.0f rows/s; prepared INSERT of the encoded values %.0f rows/s: ratio %.2fx (target <= 2.5x); GRDB record insert %.0f rows/s: ratio %.2fx",
            n, Double(n) / logged, Double(n) / bare, logged / bare, Double(n) / plain, logged / plain))
case "csv":
    let n = Int(arguments.dropFirst().first ?? "") ?? 100_000
    let file = arguments.dropFirst(2).first ?? "arrivals.csv"
    try BenchData.arrivalsCSV(count: n).write(toFile: file, atomically: true, encoding: .utf8)
case "places":
    // Places by name (issue 15): loading the gazetteer, then resolving N names as an import meets them: every
    // division's short name with its prefecture (石家庄藁城), its full name, its pinyin, and countries.
    let n = Int(arguments.dropFirst().first ?? "") ?? 10_000
    var gazetteer: Gazetteer!
    let load = seconds {
        gazetteer = Gazetteer.shared
        _ = gazetteer.place(code: "110000")
    }
    let names = BenchData.placeNames(gazetteer)
    var resolved = 0
    let time = seconds {
        for i in 0..<n { if case .place = gazetteer.resolve(names[i % names.count]) { resolved += 1 } }
    }
    print(
        String(
            format:
                "gazetteer: loaded in %.0f ms; %d names resolved in %.0f ms (%d unique, %.1f µs each; target: 10,000 in under 1 s)",
            load * 1000, n, time * 1000, resolved, time / Double(n) * 1e6))
case "areas":
    try BenchData.riskAreasCSV.write(
        toFile: arguments.dropFirst().first ?? "areas.csv", atomically: true, encoding: .utf8)
default:
    FileHandle.standardError.write(Data("usage: registry-bench capture N | csv N FILE | areas FILE | places N\n".utf8))
    exit(2)
}
