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
    /// the day before the area was lifted if that is earlier (no exposure after the area was lifted). A clerk's
    /// override wins over all of that, with day 0 the `departed` date.
    public static func classify(stays: [Stay], departed: Day, override: Category?, areas: [RiskArea]) -> Result {
        if let override { return Result(category: override, dayZero: departed, area: nil) }
        var best = Result(category: .lowRisk, dayZero: departed, area: nil)
        for stay in stays {
            let to = stay.to, from = stay.from ?? stay.to
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
}
