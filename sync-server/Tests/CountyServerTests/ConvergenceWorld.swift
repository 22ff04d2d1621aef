import CountyServer
import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync

/// The county and its villages for the randomized convergence test: a real server process, village registries
/// on files (two laptops in one village, one in another), the county officer's own edits, and a seeded
/// generator choosing every operation, fault and sync. With `levels`, the three-level run: a province (110000)
/// over a city (110100) over the county (110105), and a second county (110228, one laptop) directly under the
/// province; the counties and the city relay up at random moments, over the same bad connections. Time is fixed and moves 10 ms a step, so that a seed
/// replays the same run (site ids are fresh UUIDs, so only exact clock ties may break differently).
final class ConvergenceWorld: @unchecked Sendable {
    /// One village laptop.
    final class Site {
        let name: String
        let village: String
        let path: String
        let token: String
        let clock: Clock
        var offset: TimeInterval
        var registry: Registry
        var pushes: [Data] = []
        let pool: [String]
        /// Its county: the server processes it syncs with, the officer's store, the code.
        let county: County

        init(
            name: String, village: String, path: String, token: String, clock: Clock, offset: TimeInterval,
            pool: [String], county: County
        ) throws {
            self.county = county
            self.name = name
            self.village = village
            self.path = path
            self.token = token
            self.clock = clock
            self.offset = offset
            self.pool = pool
            registry = try Registry.open(path: path, now: { [clock] in clock.now })
            _ = try registry.initialize(village: village, name: "村\(village.suffix(3))")
        }

        /// As after the process was killed between two steps: everything committed is on disk, nothing else.
        func reopen() throws { registry = try Registry.open(path: path, now: { [clock] in clock.now }) }
    }

    /// A server of the run with the store the test reads it through (a county's officer also edits through it).
    final class County {
        let code: String
        let servers: [ServerHarness]
        let store: any CountyStore
        init(code: String, servers: [ServerHarness], store: any CountyStore) {
            self.code = code
            self.servers = servers
            self.store = store
        }
    }

    /// A server that relays up (a county, the city), its store, and the server above's harness and token.
    final class Relayer {
        let name: String
        let below: County
        let above: ServerHarness
        let token: String
        var pushes: [Data] = []
        init(name: String, below: County, above: ServerHarness, token: String) {
            self.name = name
            self.below = below
            self.above = above
            self.token = token
        }
    }

    static let start = ISO8601DateFormatter().date(from: "2022-07-10T01:00:00Z")!  // 09:00 in the villages
    let seed: UInt64
    var random: SeededRandom
    let server: ServerHarness
    /// Every server process: on PostgreSQL two over the one database (behind a load balancer), each sync going to
    /// either at random; on SQLite the one.
    var servers: [ServerHarness]
    let countyClock = Clock(start)
    /// The county officer's own edits, through the store as `sync-server` commands make them.
    var county: any CountyStore
    var sites: [Site] = []
    /// The counties (the first is `county`); with levels, the city and the province too, and who relays to whom.
    var counties: [County] = []
    var uppers: [County] = []
    var relayers: [Relayer] = []
    let levels: Bool
    var step = 0
    /// What happened, for the failure message.
    var history: [String] = []
    var counts: [String: Int] = [:]
    var serverErrors: [String] = []

    init(seed: UInt64, levels: Bool = false) async throws {
        self.seed = seed
        self.levels = levels
        random = SeededRandom(seed: seed)
        let now = ["SYNC_SERVER_NOW": ISO8601DateFormatter().string(from: Self.start)]
        server = try ServerHarness(environment: now)
        try server.start()
        servers = [server]
        if TestStore.isPostgres {
            let second = ServerHarness(sharing: server)
            try second.start()
            servers.append(second)
        }
        county = try await openStore(server.db, clock: RegistryClock(now: { [countyClock] in countyClock.now }))
        let first = County(code: "110105", servers: servers, store: county)
        counties = [first]
        let a = try server.command(["token", "issue", "--village", "110105001001"])
        let b = try server.command(["token", "issue", "--village", "110105001002"])
        let poolA = (0..<16).map(residentID)
        let poolB = (100..<116).map(residentID)
        for (name, village, token, pool) in [
            ("A1", "110105001001", a, poolA), ("A2", "110105001001", a, poolA + [residentID(200)]),
            ("B", "110105001002", b, poolB),
        ] {
            sites.append(
                try Site(
                    name: name, village: village, path: server.path("\(name).sqlite"), token: token,
                    clock: Clock(Self.start), offset: Double(Int(random.next() % 5)) - 2, pool: pool, county: first))
        }
        if levels { try await addLevels(first, environment: now) }
        tick()
    }

    /// The province, the city and the second county, set up with the servers' own commands, and their links.
    private func addLevels(_ first: County, environment: [String: String]) async throws {
        func upper(_ code: String, _ level: String, _ name: String, roster: String) async throws -> County {
            let harness = try ServerHarness(region: code, level: level, name: name)
            try harness.write("regions.csv", "code,name,parent_code\n" + roster)
            try harness.command(["regions", "import", harness.path("regions.csv")])
            // On the run's fixed time like the counties: a server above whose clock ran years ahead would win every
            // column it wrote (a separate matter from convergence).
            harness.environment = environment
            try harness.start()
            return County(
                code: code, servers: [harness],
                store: try await openStore(harness.db, clock: RegistryClock(now: { [countyClock] in countyClock.now })))
        }
        let province = try await upper(
            "110000", "province", "北京市", roster: "110100,市辖区,110000\n110105,朝阳区,110100\n110228,密云县,110000\n")
        let city = try await upper("110100", "city", "市辖区", roster: "110105,朝阳区,110100\n")
        let second = try ServerHarness(region: "110228", level: "county", name: "密云县")
        second.environment = environment
        try second.write("villages.csv", "code,name,township_code,township_name\n110228001001,一村,110228001,一镇\n")
        try second.command(["villages", "import", second.path("villages.csv")])
        try second.write("areas.csv", "code,name,level,in_force_from,lifted_on\n420102,武汉市江岸区,高,2022-06-20,\n")
        try second.command(["risk-areas", "import", second.path("areas.csv")])
        try second.start()
        let miyun = County(
            code: "110228", servers: [second],
            store: try await openStore(second.db, clock: RegistryClock(now: { [countyClock] in countyClock.now })))
        counties.append(miyun)
        uppers = [city, province]
        let c = try second.command(["token", "issue", "--village", "110228001001"])
        sites.append(
            try Site(
                name: "C", village: "110228001001", path: server.path("C.sqlite"), token: c, clock: Clock(Self.start),
                offset: Double(Int(random.next() % 5)) - 2, pool: (300..<316).map(residentID), county: miyun))
        for (name, below, above, region) in [
            ("朝阳区→市", first, city, "110105"), ("密云县→省", miyun, province, "110228"), ("市→省", city, province, "110100"),
        ] {
            let token = try above.servers[0].command(["token", "issue", "--region", region])
            try await below.store.setUpstream(Upstream(url: above.servers[0].url.absoluteString, token: token))
            relayers.append(Relayer(name: name, below: below, above: above.servers[0], token: token))
        }
    }

    func int(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    var now: Date { Self.start.addingTimeInterval(Double(step) * 0.01) }

    /// Moves every clock on by one step (each laptop at its own offset, which may jump back).
    func tick() {
        step += 1
        countyClock.now = now
        for site in sites { site.clock.now = now.addingTimeInterval(site.offset) }
    }

    func day(_ n: Int) -> Day { Day("2022-07-0\(n)")! }

    func openLeads(_ site: Site) throws -> [String] {
        try site.registry.writer.read {
            try String.fetchAll($0, sql: "SELECT id FROM lead WHERE outcome IS NULL ORDER BY id")
        }
    }

    func ids(_ site: Site, deleted: Bool) throws -> [String] {
        try site.registry.writer.read {
            try String.fetchAll($0, sql: "SELECT id FROM person WHERE deleted = ? ORDER BY id", arguments: [deleted])
        }
    }

    /// One random step. Refusals of the domain (a release of a released measure…) are normal and write nothing.
    func randomStep() async throws {
        tick()
        if levels, int(100) < 10 {
            try await relayStep()
            return
        }
        let site = pick(sites)
        let roll = int(100)
        let live = try ids(site, deleted: false)
        var label = ""
        do {
            switch roll {
            case 0..<20:
                label = "intake"
                let arrived = 1 + int(9)
                var form = IntakeForm()
                form.name = pick(["张三", "李四", "王五", "赵六"])
                form.idNumber = pick(site.pool)
                form.phone = pick(["13800138000", "13900139000", ""])
                form.stays = [
                    .init(
                        code: pick(["420102", "420102", "110105", "310115"]), name: "来源地", from: "",
                        to: "2022-07-0\(max(1, arrived - int(3)))")
                ]
                form.arrived = "2022-07-0\(arrived)"
                form.category = int(8) == 0 ? "close_contact" : ""
                _ = try site.registry.intake(form)
            case 20..<28 where !live.isEmpty:
                label = "check"
                _ = try site.registry.check(
                    pick(live), temperature: pick([36.4, 36.8, 37.5, 38.2]), symptoms: int(4) == 0 ? ["干咳"] : [],
                    at: "2022-07-0\(1 + int(9)) \(pick(["08", "16"])):\(10 + int(40))")
            case 28..<35 where !live.isEmpty:
                label = "test"
                _ = try site.registry.recordTest(
                    pick(live), sampled: day(1 + int(9)), result: pick([.negative, .negative, .positive, .pending]),
                    resultOn: nil, lab: nil)
            case 35..<40 where !live.isEmpty:
                label = "measure"
                switch int(3) {
                case 0:
                    _ = try site.registry.release(
                        pick(live), on: day(1 + int(9)), reason: "解除", force: true, actor: nil)
                case 1: _ = try site.registry.extend(pick(live), days: 3, reason: "延长", on: day(1 + int(9)), actor: nil)
                default: _ = try site.registry.transfer(pick(live), reason: "转运", on: day(1 + int(9)), actor: nil)
                }
            case 40..<48 where !live.isEmpty:
                label = "correct"
                _ = try site.registry.correct(pick(live), correction())
            case 48..<51 where !live.isEmpty:
                label = "delete"
                _ = try site.registry.delete(pick(live), reason: pick(["误登记", "重复登记"]))
            case 51..<54:
                label = "restore"
                let deleted = try ids(site, deleted: true)
                if !deleted.isEmpty { _ = try site.registry.restore(pick(deleted)) }
            case 54..<64:
                label = "county edit"
                let county = site.county.store
                let people = try await countyPeople(county)
                if !people.isEmpty {
                    let (id, deleted) = pick(people)
                    switch int(5) {
                    case 0:
                        _ = try await county.writing {
                            try $0.setPersonDeleted(id, village: nil, !deleted, reason: "县核实为重复登记")
                        }
                    default:
                        let correction = correction()
                        if !deleted {
                            _ = try await county.writing { try $0.correctPerson(id, village: nil, correction) }
                        }
                    }
                }
            case 64..<69:
                label = "report"
                _ = try site.registry.submitReport(
                    on: day(1 + int(9)), reporter: pick(["王", "李"]), remarks: int(2) == 0 ? nil : "复核")
            case 69..<71:
                label = "lead"
                let target = pick(sites)
                let csv =
                    "village,name,id_number,deadline,reason\n\(target.village),待核查,\(pick(target.pool)),2022-07-12,协查\(int(3))\n"
                let file = try CSVFile(data: Data(csv.utf8), file: "leads.csv")
                // With levels, a third of the leads come from the city (for its county's villages) or the province.
                if levels, int(3) == 0 {
                    let upper = target.county.code == "110105" && int(2) == 0 ? uppers[0] : uppers[1]
                    label = "lead from \(upper.code)"
                    _ = try await upper.store.writing { try $0.importLeads(file, counties: ["110105", "110228"]) }
                } else {
                    _ = try await target.county.store.writing { try $0.importLeads(file) }
                }
            case 71..<74:
                label = "close lead"
                let open = try openLeads(site)
                if !open.isEmpty {
                    _ = try site.registry.closeLead(pick(open), outcome: pick([.absent, .unreachable]), on: day(9))
                }
            case 74..<92:
                label = "sync"
                await sync(site)
            case 92..<94:
                label = "killed sync"
                try killedSync(site)
            case 94..<97:
                label = "reopen"
                try site.reopen()
            case 97:
                label = "server killed"
                try restartServer()
            case 98:
                label = "clock back"
                site.offset -= Double(1 + int(5))  // a reboot set the laptop's clock back a few seconds
            default:
                label = "idle"
            }
        } catch let error as RegistryError {
            label += " refused: \(error.message(.en))"
            counts["refused", default: 0] += 1
        }
        counts[label.components(separatedBy: " refused").first ?? label, default: 0] += 1
        history.append("\(step) \(site.name) \(label)")
    }

    func countyPeople(_ county: any CountyStore) async throws -> [(String, Bool)] {
        try await county.reading { database in
            try database.read {
                try Row.fetchAll($0, sql: "SELECT id, deleted FROM person ORDER BY id").map {
                    ($0["id"], $0["deleted"])
                }
            }
        }
    }

    /// One of the server processes of a site's county, at random.
    func anyServer(_ site: Site) -> ServerHarness {
        site.county.servers.count == 1 ? site.county.servers[0] : pick(site.county.servers)
    }

    /// A relay up at a random moment: in process over the bad connection, or the IT officer's `upstream sync` killed.
    func relayStep() async throws {
        let relayer = pick(relayers)
        if int(5) == 0 {
            try killedRun(ServerHarness.binary, ["upstream", "sync", "--db", relayer.below.servers[0].db])
            history.append("\(step) \(relayer.name) killed relay")
            counts["killed relay", default: 0] += 1
            return
        }
        let transport = ChaosTransport(
            relayer.above.transport(relayer.token), seed: random.next(), earlierPushes: relayer.pushes)
        _ = try? await RelaySession(store: relayer.below.store, transport: transport).run()
        relayer.pushes = Array(transport.sentPushes.suffix(20))
        serverErrors += transport.serverErrors.map { "\(relayer.name) step \(step): \($0)" }
        history.append("\(step) \(relayer.name) relay")
        counts["relay", default: 0] += 1
    }

    func correction() -> PersonCorrection {
        switch int(3) {
        case 0: return PersonCorrection(name: pick(["张三", "张叁", "李四"]))
        case 1: return PersonCorrection(phone: pick(["13700137000", "13600136000", ""]))
        default: return PersonCorrection(address: pick(["一组", "二组 5 号", ""]))
        }
    }

    /// A sync over the chaotic connection; it may fail half way, which must never cost anything.
    func sync(_ site: Site) async {
        let transport = ChaosTransport(
            anyServer(site).transport(site.token), seed: random.next(), earlierPushes: site.pushes)
        _ = try? await SyncSession(registry: site.registry, transport: transport).run()
        site.pushes = Array(transport.sentPushes.suffix(20))
        serverErrors += transport.serverErrors.map { "\(site.name) step \(step): \($0)" }
    }

    /// The clerk's real `registry sync` process, killed at a random moment.
    func killedSync(_ site: Site) throws {
        let now = ISO8601DateFormatter().string(from: site.clock.now)
        try killedRun(
            registryBinary, ["sync", "--server", anyServer(site).url.absoluteString, "--token", site.token],
            environment: ["REGISTRY_DB": site.path, "REGISTRY_NOW": now])
    }

    /// Runs `binary` and kills it with SIGKILL at a random moment in its first quarter second.
    func killedRun(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: Double(int(250)) / 1000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A server (a county's, or with levels the city's or the province's) killed with SIGKILL between requests and
    /// started again at the same address.
    func restartServer() throws {
        let all = (counties + uppers).flatMap(\.servers)
        let victim = all.count == 1 ? all[0] : pick(all)
        if let process = victim.process {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try victim.start(port: victim.port)
    }

    /// Syncs every laptop over a good connection until all have everything: one round pushes all, the next
    /// pulls what the others pushed.
    func settle() async throws {
        // Up and down take rounds: a lead the province sent reaches the city at the city's relay, the county at the
        // county's next one, the village at its next sync.
        for round in 0..<(levels ? 3 : 1) {
            for _ in 0..<2 {
                for site in sites {
                    tick()
                    _ = try await SyncSession(registry: site.registry, transport: anyServer(site).transport(site.token))
                        .run()
                }
            }
            if round == 2 { break }
            // Then up and down: the counties first, the city after them.
            for relayer in relayers {
                _ = try await RelaySession(
                    store: relayer.below.store, transport: relayer.above.transport(relayer.token)
                ).run()
            }
        }
    }
}
