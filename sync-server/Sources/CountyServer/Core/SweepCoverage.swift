import Foundation
import RegistryCore

/// One county order to sweep (`sync-server sweep order`) and how far each village it reached has got: what the merge
/// run's JSON carries (`sweeps`) and the dashboard lists. JSON names are a fixed interface.
public struct SweepCoverage: Encodable, Sendable {
    public struct Village: Encodable, Sendable {
        public var village: String
        public var name: String
        public var township_code: String
        public var township_name: String
        /// Households in the village's register (0: none imported, so nothing can be swept).
        public var households_total: Int
        /// Households reached in the round that answers the order (0 before it starts).
        public var households_visited: Int
        /// When the village started its round for the order (local time), and closed it.
        public var started_at: String?
        public var closed_at: String?

        /// Every household reached (a village without a register never is).
        public var complete: Bool { households_total > 0 && households_visited >= households_total }
    }

    public struct Township: Encodable, Sendable {
        public var township_code: String
        public var township_name: String
        public var villages: Int
        public var villages_complete: Int
        public var households_total: Int
        public var households_visited: Int
    }

    public var batch: String
    public var reason: String
    /// The code the order was given for: a village, a township or the county.
    public var given_for: String
    /// Local `YYYY-MM-DD HH:MM`.
    public var due_at: String
    public var ordered_at: String
    /// Whether the due time has passed (as the county's clock reads it).
    public var past_due: Bool
    public var villages: [Village]
    public var townships: [Township]
    /// Villages below 100 % at or after the due time: what 需要处理 lists.
    public var behind: [String]

    init(
        batch: String, reason: String, givenFor: String, dueAt: String, orderedAt: String, now: String,
        villages: [Village]
    ) {
        self.batch = batch
        self.reason = reason
        given_for = givenFor
        due_at = dueAt
        ordered_at = orderedAt
        past_due = now >= dueAt
        self.villages = villages
        townships = Dictionary(grouping: villages, by: \.township_code).sorted { $0.key < $1.key }.map { code, group in
            Township(
                township_code: code, township_name: group[0].township_name, villages: group.count,
                villages_complete: group.filter(\.complete).count,
                households_total: group.map(\.households_total).reduce(0, +),
                households_visited: group.map(\.households_visited).reduce(0, +))
        }
        behind = past_due ? villages.filter { !$0.complete }.map(\.village) : []
    }
}
