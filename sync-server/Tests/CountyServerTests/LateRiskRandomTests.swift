import Foundation
@testable import RegistryCore
import RegistrySync
import Testing

/// Risk areas published late, at random (issue 35): random arrivals and random publications (new areas, areas raised,
/// areas in force earlier than before, areas lifted) on random days reach three registries of the same village in
/// three ways — one import per day, each row imported on its own, pulled from a real county server — and each ends
/// as a small model says: on each publication day the rules are applied with the areas known by then, the day
/// learned taking the arrival's place for 填平补齐, and the stricter plan is kept.
@Suite("Late risk areas, randomized against a model", .serialized)
struct LateRiskRandomTests {
    static let places: [(code: String, name: String)] = [
        ("310115", "上海市浦东新区"), ("310101", "上海市黄浦区"), ("320102", "南京市玄武区"), ("110101", "北京市东城区"),
        ("420102", "武汉市江岸区"),
    ]

    struct Arrival {
        let name, idNumber, code: String
        let stayFrom, departed, arrived: Day
        let closeContact: Bool
    }

    /// What a person's file holds in the end, as compared: category, status, phases, tests still to take.
    struct Outcome: Equatable, CustomStringConvertible {
        var category: Category
        var status: MeasureStatus
        var phases: [Phase]
        var testDays: [Day]
        var description: String {
            "\(category.rawValue) \(status.rawValue) \(phases.map { "\($0.kind.rawValue) \($0.startsOn)…\($0.endsOn)" }) tests \(testDays)"
        }
    }

    /// The model: what the issue says, day by day, with no database.
    struct Model {
        var areas: [String: RiskArea] = [:]
        var people: [String: (arrival: Arrival, outcome: Outcome)] = [:]
        let book = PolicyBook()

        mutating func intake(_ a: Arrival) {
            let stays = [Stay(code: a.code, name: "", from: a.stayFrom, to: a.departed)]
            let (result, plan) = Classifier.decide(
                stays: stays, departed: a.departed, arrived: a.arrived,
                override: a.closeContact ? .closeContact : nil, areas: Array(areas.values),
                policy: book.inForce(on: a.arrived))
            people[a.idNumber] = (
                a,
                Outcome(
                    category: result.category, status: plan.isNone ? .none : .active, phases: plan.phases,
                    testDays: plan.testDays)
            )
        }

        mutating func publish(_ rows: [RiskArea], on day: Day) {
            let before = Array(areas.values)
            for row in rows { areas[row.id] = row }
            let tightened = Set(RiskAreaChange.tightened(before: before, after: Array(areas.values)).map(\.id))
            for (id, (a, was)) in people {
                let stays = [Stay(code: a.code, name: "", from: a.stayFrom, to: a.departed)]
                let history = Classifier.classify(stays: stays, departed: a.departed, areas: Array(areas.values))
                guard let area = history.area, tightened.contains(area.id) else { continue }
                let learned = max(day, a.arrived)
                let plan = Planner.plan(
                    rule: book.inForce(on: a.arrived).rule(for: history.category), dayZero: history.dayZero,
                    arrived: learned)
                let riskier = history.category.rank < was.category.rank
                var now = was
                if plan.isNone {
                    if riskier { now.category = history.category }
                    people[id]!.outcome = now
                    continue
                }
                let left = Planner.Plan(
                    phases: was.phases.compactMap {
                        $0.endsOn < learned
                            ? nil : Phase(kind: $0.kind, startsOn: max($0.startsOn, learned), endsOn: $0.endsOn)
                    },
                    testDays: was.testDays.filter { $0 >= learned })
                guard plan.strictness > left.strictness else { continue }
                let past = was.phases.compactMap {
                    $0.startsOn >= learned
                        ? nil
                        : Phase(kind: $0.kind, startsOn: $0.startsOn, endsOn: min($0.endsOn, learned.adding(days: -1)))
                }
                now.phases = past + plan.phases
                now.testDays = Array(Set(was.testDays.filter { $0 < learned } + plan.testDays)).sorted()
                now.status = .active
                if riskier { now.category = history.category }
                people[id]!.outcome = now
            }
        }
    }

    func outcome(_ registry: Registry, _ idNumber: String) throws -> Outcome {
        let trip = try #require(try registry.file(idNumber).current)
        return Outcome(
            category: trip.arrival.category, status: trip.measure.status, phases: trip.measure.phases,
            testDays: trip.tests.filter { $0.sampledOn == nil && !$0.deleted }.compactMap(\.dueOn).sorted())
    }

    func csv(_ rows: [RiskArea]) -> String {
        "code,name,level,in_force_from,lifted_on\n"
            + rows.map {
                "\($0.code),\($0.name),\($0.level == .high ? "高" : "中"),\($0.inForceFrom),\($0.liftedOn.map { "\($0)" } ?? "")\n"
            }
            .joined()
    }

    func importAreas(_ registry: Registry, _ rows: [RiskArea]) throws {
        _ = try registry.importRiskAreas(try CSVFile(data: Data(csv(rows).utf8), file: "areas.csv"))
    }

    @Test("random arrivals and publications: one import a day, one row at a time, and by sync all end as the model")
    func randomized() async throws {
        for seed in UInt64(1)...3 { try await run(seed: seed) }
    }

    func run(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let first = Day("2022-10-20")!
        let days = 24
        func at(_ day: Day, _ hour: Int) -> Date { RegistryClock.fixed(Date()).instant(day, hour: hour, minute: 0) }

        // The county, its roster and its standing list (江岸 high since 06-20), and one village thrice.
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-10-20T08:00:00+08:00"])
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let clock = Clock(at(first, 8))
        let perDay = try makeVillage(county, code: "110105001001", clock: clock)
        let perRow = try makeVillage(county, code: "110105001001", clock: clock)
        let synced = try makeVillage(county, code: "110105001001", clock: clock)
        let standing = RiskArea(
            id: "", village: "", code: "420102", name: "武汉市江岸区", level: .high, inForceFrom: Day("2022-06-20")!,
            liftedOn: nil, deleted: false)
        try importAreas(perDay, [standing])
        try importAreas(perRow, [standing])
        _ = try await SyncSession(registry: synced, transport: county.transport(token)).run()
        var model = Model()
        model.publish([withID(standing)], on: first)

        // Arrivals: 12 people, one stay each, some told as close contacts.
        var arrivals: [Int: [Arrival]] = [:]
        for n in 0..<12 {
            let place = Self.places[Int(random.next() % UInt64(Self.places.count))]
            let arrived = first.adding(days: Int(random.next() % UInt64(days - 4)) + 1)
            let departed = arrived.adding(days: -Int(random.next() % 3))
            let stayFrom = departed.adding(days: -Int(random.next() % 6))
            arrivals[arrived.ordinal - first.ordinal, default: []].append(
                Arrival(
                    name: "人员\(n)", idNumber: residentID(n + Int(seed) * 100), code: place.code, stayFrom: stayFrom,
                    departed: departed, arrived: arrived, closeContact: random.next() % 6 == 0))
        }
        var published: [String: RiskArea] = [:]
        for offset in 0..<days {
            let day = first.adding(days: offset)
            clock.now = at(day, 9)
            for a in arrivals[offset] ?? [] {
                var form = IntakeForm()
                form.name = a.name
                form.idNumber = a.idNumber
                form.phone = "13800138000"
                form.stays = [.init(code: a.code, name: "", from: "\(a.stayFrom)", to: "\(a.departed)")]
                form.arrived = "\(a.arrived)"
                form.category = a.closeContact ? "密接" : ""
                for registry in [perDay, perRow, synced] { _ = try registry.intake(form) }
                model.intake(a)
            }
            // On about one day in three, a list: 1 to 3 rows, each new, raised, earlier, or lifted.
            guard offset > 0, random.next() % 3 == 0 else { continue }
            var rows: [String: RiskArea] = [:]
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let place = Self.places[Int(random.next() % 4)]
                let known = published.values.filter { $0.code == place.code }.sorted { $0.inForceFrom < $1.inForceFrom }
                var row = RiskArea(
                    id: "", village: "", code: place.code, name: place.name,
                    level: random.next() % 2 == 0 ? .high : .mid,
                    inForceFrom: day.adding(days: -Int(random.next() % 9)), liftedOn: nil, deleted: false)
                switch random.next() % 4 {
                case 0 where !known.isEmpty:
                    // Raised to high.
                    row = known.last!
                    row.level = .high
                case 1 where known.contains(where: { $0.liftedOn == nil && $0.inForceFrom < day }):
                    // Lifted, on a day between its first and today.
                    row = known.last { $0.liftedOn == nil && $0.inForceFrom < day }!
                    let span = day.ordinal - row.inForceFrom.ordinal
                    row.liftedOn = row.inForceFrom.adding(days: 1 + Int(random.next() % UInt64(span)))
                default: break
                }
                let key = "\(row.code)|\(row.inForceFrom)"
                guard rows[key] == nil else { continue }
                rows[key] = row
            }
            let list = rows.values.sorted { ($0.code, $0.inForceFrom) < ($1.code, $1.inForceFrom) }
            for row in list { published["\(row.code)|\(row.inForceFrom)"] = row }
            clock.now = at(day, 15)
            try importAreas(perDay, list)
            var shuffled = list
            shuffled.shuffle(using: &random)
            for row in shuffled { try importAreas(perRow, [row]) }
            try county.setClock("\(day)T15:00:00+08:00")
            try county.write("areas.csv", csv(list))
            try county.command(["risk-areas", "import", county.path("areas.csv")])
            _ = try await SyncSession(registry: synced, transport: county.transport(token)).run()
            model.publish(list.map(withID), on: day)
        }

        for (idNumber, expected) in model.people.sorted(by: { $0.key < $1.key }) {
            let a = expected.arrival
            let context = "seed \(seed): \(a.name) \(a.code) \(a.stayFrom)…\(a.departed) arrived \(a.arrived)"
            #expect(try outcome(perDay, idNumber) == expected.outcome, "one import a day, \(context)")
            #expect(try outcome(perRow, idNumber) == expected.outcome, "a row at a time, \(context)")
            #expect(try outcome(synced, idNumber) == expected.outcome, "by sync, \(context)")
        }
    }

    /// The id a village gives a row of its own list (the model keys areas as the registries do).
    func withID(_ row: RiskArea) -> RiskArea {
        var row = row
        row.id = RiskArea.stableID(code: row.code, inForceFrom: row.inForceFrom, owner: "110105001001")
        return row
    }
}
