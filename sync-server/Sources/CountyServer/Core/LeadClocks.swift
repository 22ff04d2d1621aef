import Foundation
import RegistryCore

/// The clocks on leads (协查, issue 40): for each lead, each stage against its limit from the lead's issue, by the
/// county's clock where the county saw the stage done (`FirstSeen`): reaching its village (the first pull or answer
/// file that carried it), its outcome back at the county, and for a person found, a measure in place. A stage is on
/// time, late, overdue (not done and past its limit now) or pending (not done, within its limit). Pure: the stores
/// read the leads and what was first seen; this decides.
public struct LeadClocks: Codable, Sendable, Equatable {
    public var limits: Limits
    /// The county's counts, per stage.
    public var stages: [StageCount]
    public var townships: [Group]
    public var villages: [Group]
    /// What is overdue now, the longest over first.
    public var overdue: [Overdue]

    public struct Limits: Codable, Sendable, Equatable {
        public var receive_hours: Int
        public var found_hours: Int
        public var measure_hours: Int
    }

    public enum Stage: String, Codable, Sendable, CaseIterable {
        case received, outcome, measure

        /// What the officer reads.
        public var label: String {
            switch self {
            case .received: "下发到村"
            case .outcome: "核查结果回县"
            case .measure: "落实管控"
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
        public var lead_id: String
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

    /// A stage of one lead: when it is due, and when the county saw it done.
    struct Clock {
        var stage: Stage
        var due: Date
        var done: Date?

        func state(now: Date) -> WritableKeyPath<StageCount, Int> {
            if let done { return done <= due ? \.on_time : \.late }
            return now > due ? \.overdue : \.pending
        }
    }

    /// The clocks of `leads` at `now`, grouped by the roster's villages (`villages`: code → name, township code and
    /// name); `seen` is what the county first saw, by kind and key (ISO 8601 times).
    public static func evaluate(
        _ leads: [Lead], seen: [FirstSeen: [String: String]], limits: Limits, now: Date,
        villages: [String: (name: String, township: String, townshipName: String)]
    ) -> LeadClocks {
        let iso = ISO8601DateFormatter()
        func at(_ kind: FirstSeen, _ key: String?) -> Date? {
            key.flatMap { seen[kind]?[$0] }.flatMap { iso.date(from: $0) }
        }
        func hours(_ n: Int, after date: Date) -> Date { date.addingTimeInterval(Double(n) * 3600) }
        var county = Stage.allCases.map(StageCount.init)
        var townships: [String: [StageCount]] = [:]
        var byVillage: [String: [StageCount]] = [:]
        var overdue: [Overdue] = []
        for lead in leads {
            let outcomeAt = at(.leadOutcome, lead.id)
            var clocks = [
                Clock(
                    stage: .received, due: hours(limits.receive_hours, after: lead.issued),
                    done: at(.leadReceived, lead.id)),
                Clock(stage: .outcome, due: hours(limits.found_hours, after: lead.issued), done: outcomeAt),
            ]
            if lead.outcome == LeadOutcome.found.rawValue {
                // A measure is due of a person found; one in force before the outcome came is in place when it did.
                let measured = at(.personMeasured, lead.person)
                clocks.append(
                    Clock(
                        stage: .measure, due: hours(limits.measure_hours, after: lead.issued),
                        done: measured.map { m in outcomeAt.map { max($0, m) } ?? m }))
            }
            let place = villages[lead.village]
            for clock in clocks {
                let state = clock.state(now: now)
                let index = Stage.allCases.firstIndex(of: clock.stage)!
                county[index][keyPath: state] += 1
                townships[place?.township ?? "", default: Stage.allCases.map(StageCount.init)][index][keyPath: state] +=
                    1
                byVillage[lead.village, default: Stage.allCases.map(StageCount.init)][index][keyPath: state] += 1
                if state == \StageCount.overdue {
                    overdue.append(
                        Overdue(
                            lead_id: lead.id, village: lead.village, village_name: place?.name ?? lead.village,
                            name: lead.name, stage: clock.stage, due_at: iso.string(from: clock.due),
                            hours_over: Int(now.timeIntervalSince(clock.due) / 3600)))
                }
            }
        }
        let townshipNames = Dictionary(
            villages.values.map { ($0.township, $0.townshipName) }, uniquingKeysWith: { a, _ in a })
        return LeadClocks(
            limits: limits, stages: county,
            townships: townships.keys.sorted().map {
                Group(code: $0, name: townshipNames[$0] ?? $0, stages: townships[$0]!)
            },
            villages: byVillage.keys.sorted().map {
                Group(code: $0, name: villages[$0]?.name ?? $0, stages: byVillage[$0]!)
            },
            overdue: overdue.sorted { ($0.due_at, $0.lead_id) < ($1.due_at, $1.lead_id) })
    }
}
