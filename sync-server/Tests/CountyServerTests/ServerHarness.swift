import Foundation
import RegistryCore
import RegistrySync

/// A real `sync-server` process on 127.0.0.1 over a county database in a temporary folder, set up as a county
/// officer would with the server's own commands.
final class ServerHarness: @unchecked Sendable {
    let dir: URL
    let db: String
    var process: Process?
    var port = 0
    let stderrFile: URL
    /// Extra environment for every command and the server (e.g. SYNC_SERVER_NOW to fix the county's clock).
    var environment: [String: String] = [:]

    static let binary: String = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("sync-server").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return dir.appendingPathComponent("sync-server").path
    }()

    /// `sqlite`: a SQLite file whichever store the run tests (a test of moving between stores).
    init(environment: [String: String] = [:], sqlite: Bool = false) throws {
        self.environment = environment
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("county-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = sqlite ? dir.appendingPathComponent("county.sqlite").path : try TestStore.newDatabase(in: dir)
        stderrFile = dir.appendingPathComponent("serve.log")
        try command(["init", "--county", "110105", "--name", "朝阳区"])
        try write(
            "villages.csv",
            "code,name,township_code,township_name\n110105001001,一村,110105001,一街道\n110105001002,二村,110105001,一街道\n")
        try command(["villages", "import", path("villages.csv")])
        try write("areas.csv", "code,name,level,in_force_from,lifted_on\n420102,武汉市江岸区,高,2022-06-20,\n")
        try command(["risk-areas", "import", path("areas.csv")])
    }

    /// A server for a region above the county (a city or a province), set up with `init --region`, no roster yet.
    init(region: String, level: String, name: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(level)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = try TestStore.newDatabase(in: dir)
        stderrFile = dir.appendingPathComponent("serve.log")
        try command(["init", "--region", region, "--level", level, "--name", name])
    }

    /// Runs a `sync-server` command that must be refused; returns its one-line message (stderr, in English).
    func refusal(_ arguments: [String]) throws -> String {
        do {
            try command(arguments + ["--lang", "en"])
        } catch let error as RegistryError {
            return String(error.message(.en).split(separator: " failed: ", maxSplits: 1).last ?? "").trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        throw RegistryError(nil, zh: "", en: "sync-server \(arguments) was not refused")
    }

    /// A second server process over the same county database (several processes behind a load balancer), not
    /// started yet.
    init(sharing other: ServerHarness, db: String? = nil) {
        environment = other.environment
        dir = other.dir
        self.db = db ?? other.db
        stderrFile = dir.appendingPathComponent("serve-\(UUID().uuidString.prefix(6)).log")
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    /// Runs a `sync-server` command and returns its stdout; throws on a non-zero exit.
    @discardableResult
    func command(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw RegistryError(nil, zh: "", en: "sync-server \(arguments) failed: \(result.err)")
        }
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a `sync-server` command whatever its exit: status, stdout, stderr.
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerHarness.binary)
        // copy names both stores itself; mask-key opens none
        process.arguments =
            arguments + (["copy", "mask-key", "--version"].contains(arguments.first) ? [] : ["--db", db])
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errData, as: UTF8.self)
        )
    }

    /// Starts `serve` on a free port and waits for its "listening on" line.
    func start(port requested: Int = 0, extra: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerHarness.binary)
        process.arguments = ["serve", "--db", db, "--port", String(requested)] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        self.process = process
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let line = seen.split(separator: "\n").first(where: { $0.hasPrefix("listening on") }),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                self.port = port
                return
            }
        }
        throw RegistryError(nil, zh: "", en: "sync-server did not start: \(seen)")
    }

    /// Stops the server with SIGTERM and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? 0 }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { _ = stop() }

    /// Sets the county's clock (`SYNC_SERVER_NOW`, ISO 8601) for its commands and its server: a running server is
    /// restarted on its port, as the villages' clocks must stay within minutes of it to sync.
    func setClock(_ now: String) throws {
        environment["SYNC_SERVER_NOW"] = now
        guard let process, process.isRunning else { return }
        stop()
        try start(port: port)
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    func transport(_ token: String) -> HTTPTransport {
        HTTPTransport(base: url, token: token, attempts: 2, sleep: { _ in })
    }

    var log: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }
}

/// "Now", changeable by a test (a computer's clock set wrong, then fixed).
final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ date: Date = Date()) { value = date }
    var now: Date {
        get {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        set {
            lock.lock()
            value = newValue
            lock.unlock()
        }
    }
}

/// A village registry on a file, as a clerk's laptop holds it.
func makeVillage(_ harness: ServerHarness, code: String, clock: Clock = Clock()) throws -> Registry {
    let registry = try Registry.open(
        path: harness.path("village-\(code)-\(UUID().uuidString.prefix(6)).sqlite"), now: { clock.now })
    _ = try registry.initialize(village: code, name: "村\(code.suffix(3))")
    return registry
}

func intake(_ registry: Registry, name: String, id: String, from: String = "420102", arrived: String = "2022-07-02")
    throws
{
    var form = IntakeForm()
    form.name = name
    form.idNumber = id
    form.phone = "13800138000"
    form.stays = [.init(code: from, name: "来源地", from: "", to: "2022-07-01")]
    form.arrived = arrived
    _ = try registry.intake(form)
}
