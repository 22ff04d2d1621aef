import Foundation
import RegistryCore

/// Clocks on the county's work (issue 40): each item (a lead, a positive) has stages, each due some hours after the
/// item's start and done when the county saw it done (`FirstSeen`), by the county's clock, so that a laptop's wrong
/// clock or a day offline cannot make a late stage look on time. A stage is on time, late, overdue (not done and past
/// its limit now) or pending (not done, within its limit). Pure: the stores read the items and what was first seen;
/// this decides and counts, by township and village.
/// - Leads (协查): reaching the village (the first pull or answer file that carried it), the outcome back at the
///   county, and for a person found, a measure in place; hours from the lead's issue.
/// - Positives: the village acting (the person's measure escalated), and every registered contact under a measure;
///   hours from when the county saw the result (a village's push, or its own lab import).
public struct StageClocks: Codable, Sendable, Equatable {
    /// Each stage's limit, in hours (`receive_hours` …), as the settings stood.
    public var limits: [String: Int]
    /// The county's counts, per stage.
    public var stages: [StageCount]
    public var townships: [Group]
    public var villages: [Group]
    /// What is overdue now, the longest over first.
    public var overdue: [Overdue]

    public enum Stage: String, Codable, Sendable, CaseIterable {
        case received, outcome, measure, escalated, contacts

        /// What the officer reads.
        public var label: String {
            switch self {
            case .received: "下发到村"
            case .outcome: "核查结果回县"
            case .measure: "落实管控"
            case .escalated: "阳性升级管控"
            case .contacts: "密接全部管控"
            }
        }
    }

    public struct StageCount: Codable, Sendable, Equatable {
        public var stage: Stage
        public var on_time = 0
        public var late = 0
        public var overdue = 0
        public var pending = 0
        /// On time among those due (done, or past their limit); nil when none is due yet.
        public var share_on_time: Double? {
            let due = on_time + late + overdue
            return due == 0 ? nil : Double(on_time) / Double(due)
        }

        enum CodingKeys: String, CodingKey { case stage, on_time, late, overdue, pending, share_on_time }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(stage, forKey: .stage)
            try container.encode(on_time, forKey: .on_time)
            try container.encode(late, forKey: .late)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(pending, forKey: .pending)
            try container.encode(share_on_time.map { ($0 * 1000).rounded() / 1000 }, forKey: .share_on_time)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            stage = try container.decode(Stage.self, forKey: .stage)
            on_time = try container.decode(Int.self, forKey: .on_time)
            late = try container.decode(Int.self, forKey: .late)
            overdue = try container.decode(Int.self, forKey: .overdue)
            pending = try container.decode(Int.self, forKey: .pending)
        }

        init(stage: Stage) { self.stage = stage }
    }

    /// A township's or a village's counts.
    public struct Group: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var stages: [StageCount]
    }

    public struct Overdue: Codable, Sendable, Equatable {
        /// The lead's id, or the positive's lab test.
        public var id: String
        public var village: String
        public var village_name: String
        public var name: String
        public var stage: Stage
        /// When the stage was due (the county's time).
        public var due_at: String
        public var hours_over: Int
    }

    /// A lead as the clocks need it: when it was issued (its first entry in the county's log, stamped by the server
    /// that wrote it), its outcome and the person found.
    public struct Lead: Sendable, Equatable {
        public var id: String
        public var village: String
        public var name: String
        public var issued: Date
        public var outcome: String?
        public var person: String?
    }

    /// A positive as the clocks need it: the lab test, when the county saw the result (nil: not seen yet by the
    /// county's clock), the person, and the registered persons around them.
    public struct Positive: Sendable, Equatable {
        public var test: String
        public var village: String
        public var name: String
        public var person: String
        /// When the county wrote the result itself (its lab import), by its own clock.
        public var countyStamp: Date?
        public var contacts: [String]
    }

    /// A stage of one item: when it is due, and when the county saw it done.
    struct Clock {
        var stage: Stage
        var due: Date
        var done: Date?

        func state(now: Date) -> WritableKeyPath<StageCount, Int> {
            if let done { return done <= due ? \.on_time : \.late }
            return now > due ? \.overdue : \.pending
        }
    }

    /// One item's stages.
    struct Item {
        var id: String
        var village: String
        var name: String
        var clocks: [Clock]
    }

    typealias Villages = [String: (name: String, township: String, townshipName: String)]

    /// The clocks of `leads` at `now` (`limits`: receive_hours, found_hours, measure_hours).
    public static func leads(
        _ leads: [Lead], seen: [FirstSeen: [String: String]], limits: [String: Int], now: Date,
        villages: [String: (name: String, township: String, townshipName: String)]
    ) -> StageClocks {
        let at = seenTimes(seen)
        let items = leads.map { lead -> Item in
            let outcomeAt = at(.leadOutcome, lead.id)
            var clocks = [
                Clock(
                    stage: .received, due: hours(limits["receive_hours"], after: lead.issued),
                    done: at(.leadReceived, lead.id)),
                Clock(stage: .outcome, due: hours(limits["found_hours"], after: lead.issued), done: outcomeAt),
            ]
            if lead.outcome == LeadOutcome.found.rawValue {
                // A measure is due of a person found; one in force before the outcome came is in place when it did.
                let measured = at(.personMeasured, lead.person)
                clocks.append(
                    Clock(
                        stage: .measure, due: hours(limits["measure_hours"], after: lead.issued),
                        done: measured.map { m in outcomeAt.map { max($0, m) } ?? m }))
            }
            return Item(id: lead.id, village: lead.village, name: lead.name, clocks: clocks)
        }
        return counted(items, stages: [.received, .outcome, .measure], limits: limits, now: now, villages: villages)
    }

    /// The clocks of `positives` at `now` (`limits`: escalate_hours, contacts_hours), from when the county saw each
    /// result; one the county has not seen by its clock yet is not counted.
    public static func positives(
        _ positives: [Positive], seen: [FirstSeen: [String: String]], limits: [String: Int], now: Date,
        villages: [String: (name: String, township: String, townshipName: String)]
    ) -> StageClocks {
        let at = seenTimes(seen)
        let items = positives.compactMap { positive -> Item? in
            guard let result = at(.positiveResult, positive.test) ?? positive.countyStamp else { return nil }
            // Done when the county saw it, but never before the result: a measure already in force counts from it.
            func since(_ date: Date?) -> Date? { date.map { max($0, result) } }
            var clocks = [
                Clock(
                    stage: .escalated, due: hours(limits["escalate_hours"], after: result),
                    done: since(at(.personEscalated, positive.person)))
            ]
            if !positive.contacts.isEmpty {
                let measured = positive.contacts.map { at(.personMeasured, $0) }
                clocks.append(
                    Clock(
                        stage: .contacts, due: hours(limits["contacts_hours"], after: result),
                        done: measured.contains(nil) ? nil : since(measured.compactMap { $0 }.max())))
            }
            return Item(id: positive.test, village: positive.village, name: positive.name, clocks: clocks)
        }
        return counted(items, stages: [.escalated, .contacts], limits: limits, now: now, villages: villages)
    }

    static func hours(_ n: Int?, after date: Date) -> Date { date.addingTimeInterval(Double(n ?? 24) * 3600) }

    static func seenTimes(_ seen: [FirstSeen: [String: String]]) -> (FirstSeen, String?) -> Date? {
        let iso = ISO8601DateFormatter()
        return { kind, key in key.flatMap { seen[kind]?[$0] }.flatMap { iso.date(from: $0) } }
    }

    /// The items' stages counted by state, for the county, each township and each village of the roster
    /// (`villages`: code → name, township code and name), and what is overdue at `now`.
    static func counted(_ items: [Item], stages: [Stage], limits: [String: Int], now: Date, villages: Villages)
        -> StageClocks
    {
        let iso = ISO8601DateFormatter()
        let empty = stages.map(StageCount.init)
        var county = empty
        var townships: [String: [StageCount]] = [:]
        var byVillage: [String: [StageCount]] = [:]
        var overdue: [Overdue] = []
        for item in items {
            let place = villages[item.village]
            for clock in item.clocks {
                let state = clock.state(now: now)
                guard let index = stages.firstIndex(of: clock.stage) else { continue }
                county[index][keyPath: state] += 1
                townships[place?.township ?? "", default: empty][index][keyPath: state] += 1
                byVillage[item.village, default: empty][index][keyPath: state] += 1
                if state == \StageCount.overdue {
                    overdue.append(
                        Overdue(
                            id: item.id, village: item.village, village_name: place?.name ?? item.village,
                            name: item.name, stage: clock.stage, due_at: iso.string(from: clock.due),
                            hours_over: Int(now.timeIntervalSince(clock.due) / 3600)))
                }
            }
        }
        let townshipNames = Dictionary(
            villages.values.map { ($0.township, $0.townshipName) }, uniquingKeysWith: { a, _ in a })
        return StageClocks(
            limits: limits, stages: county,
            townships: townships.keys.sorted().map {
                Group(code: $0, name: townshipNames[$0] ?? $0, stages: townships[$0]!)
            },
            villages: byVillage.keys.sorted().map {
                Group(code: $0, name: villages[$0]?.name ?? $0, stages: byVillage[$0]!)
            },
            overdue: overdue.sorted { ($0.due_at, $0.id) < ($1.due_at, $1.id) })
    }
}
