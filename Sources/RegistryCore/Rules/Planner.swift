/// Turns a category, day 0 and the arrival date into the phases of a measure and the test days, by a policy.
public enum Planner {
    /// A plan: the phases still ahead on arrival and the days tests are due.
    public struct Plan: Sendable, Equatable {
        public var phases: [Phase]
        public var testDays: [Day]

        /// Whether the person is put under any measure.
        public var isNone: Bool { phases.isEmpty }

        /// How strict the plan is, to compare two (DESIGN.md): days of central quarantine first, then days under any
        /// measure, then tests.
        public var strictness: Strictness {
            func days(_ phase: Phase) -> Int { phase.endsOn.ordinal - phase.startsOn.ordinal + 1 }
            return Strictness(
                central: phases.filter { $0.kind == .centralQuarantine }.map(days).reduce(0, +),
                total: phases.map(days).reduce(0, +), tests: testDays.count)
        }
    }

    /// What makes one plan stricter than another, compared in order.
    public struct Strictness: Comparable, Sendable {
        public var central: Int
        public var total: Int
        public var tests: Int

        public static func < (a: Strictness, b: Strictness) -> Bool {
            (a.central, a.total, a.tests) < (b.central, b.total, b.tests)
        }
    }

    /// Plans by `rule` (nil: no measure).
    ///
    /// Day *n* is day 0 + *n*. Phases follow each other from day 1 (from day 0 for someone who arrives on day 0);
    /// only what lies on or after the arrival date is kept (填平补齐). Tests fall on the rule's days on or after
    /// arrival, plus one on the arrival date (落地检) when a test day was missed before arrival and none falls on
    /// the arrival date. When every phase is over there is no measure and no test.
    public static func plan(rule: Policy.Rule?, dayZero: Day, arrived: Day) -> Plan {
        guard let rule else { return Plan(phases: [], testDays: []) }
        var phases: [Phase] = []
        var elapsed = 0
        for (i, phaseRule) in rule.phases.enumerated() {
            var start = dayZero.adding(days: elapsed + 1)
            let end = dayZero.adding(days: elapsed + phaseRule.days)
            elapsed += phaseRule.days
            if i == 0 && arrived == dayZero { start = dayZero }
            if end < arrived { continue }
            phases.append(Phase(kind: phaseRule.kind, startsOn: max(start, arrived), endsOn: end))
        }
        if phases.isEmpty { return Plan(phases: [], testDays: []) }
        let listed = rule.testDays.map { dayZero.adding(days: $0) }
        var tests = listed.filter { $0 >= arrived }
        if listed.contains(where: { $0 < arrived }) && !listed.contains(arrived) {
            tests.insert(arrived, at: 0)
        }
        return Plan(phases: phases, testDays: tests)
    }
}
