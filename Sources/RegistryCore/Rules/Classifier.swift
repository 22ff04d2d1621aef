/// Decides an arrival's category and day 0 from its travel history and the risk areas.
public enum Classifier {
    /// The outcome: the category, day 0 and, when an area gave it, which stay and area.
    public struct Result: Sendable, Equatable {
        public var category: Category
        public var dayZero: Day
        /// The risk area that gave the category, if one did.
        public var area: RiskArea?
    }

    /// Classifies a trip.
    ///
    /// A stay counts against an area when its code is inside the area's code (a stay in the area) and the days
    /// overlap the days the area was in force; a stay elsewhere in the same county counts as
    /// `low_risk_same_county`. The riskiest category wins; day 0 is the last day of the stay that gave it, or
    /// the day before the area was lifted if that is earlier (no exposure after the area was lifted).
    public static func classify(stays: [Stay], departed: Day, areas: [RiskArea]) -> Result {
        var best = Result(category: .lowRisk, dayZero: departed, area: nil)
        for stay in stays {
            let to = stay.to
            let from = stay.from ?? stay.to
            // A stay abroad (an ISO 3166 country code) makes the trip an inbound one (入境), day 0 its departure.
            if stay.code.count == 3 {
                if Category.inbound.rank < best.category.rank || (best.category == .inbound && to > best.dayZero) {
                    best = Result(category: .inbound, dayZero: to, area: nil)
                }
                continue
            }
            for area in areas where !area.deleted {
                if let lifted = area.liftedOn, from >= lifted { continue }
                if to < area.inForceFrom { continue }
                let category: Category
                if stay.code.hasPrefix(area.code) {
                    category = area.level.category
                } else if stay.code.prefix(6) == area.code.prefix(6) {
                    category = .lowRiskSameCounty
                } else {
                    continue
                }
                let lastExposed = area.liftedOn.map { min(to, $0.adding(days: -1)) } ?? to
                if category.rank < best.category.rank || (category == best.category && lastExposed > best.dayZero) {
                    best = Result(category: category, dayZero: lastExposed, area: area)
                }
            }
        }
        return best
    }

    /// The category and plan of a trip under `policy`: the travel history's, or the clerk's override (close contact,
    /// secondary contact, inbound; day 0 the `departed` date) when its plan is at least as strict. What a clerk is
    /// told from outside adds to the travel history and never lowers it (DESIGN.md, *Classification*): a high-risk
    /// arrival entered as 次密接 keeps the high-risk plan.
    public static func decide(
        stays: [Stay], departed: Day, arrived: Day, override: Category?, areas: [RiskArea],
        policy: Policy
    ) -> (result: Result, plan: Planner.Plan) {
        let history = classify(stays: stays, departed: departed, areas: areas)
        let historyPlan = Planner.plan(
            rule: policy.rule(for: history.category), dayZero: history.dayZero, arrived: arrived)
        guard let override else { return (history, historyPlan) }
        let told = Result(category: override, dayZero: departed, area: nil)
        let toldPlan = Planner.plan(rule: policy.rule(for: override), dayZero: departed, arrived: arrived)
        return historyPlan.strictness > toldPlan.strictness ? (history, historyPlan) : (told, toldPlan)
    }
}
