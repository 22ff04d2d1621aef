import Foundation
import RegistryCore

/// The county picture for a day (汇总): who reported, on time or late, who did not; the figures summed; people
/// registered in more than one village; leads overdue. What `sync-server merge`, `/v1/summary` and the
/// dashboard show.
public struct CountySummary: Encodable, Sendable {
    /// Why `day` cannot be summed: a day to come has no reports yet, and every village would read as missing. The
    /// dashboard's `?date=` and `sync-server merge --date` both ask it.
    public static func futureProblem(_ day: Day, today: Day) -> Localized? {
        day <= today ? nil : Localized(zh: "date 不能晚于今天（\(today)）", en: "date cannot be after today (\(today))")
    }

    /// One village's line.
    public struct VillageLine: Encodable, Sendable {
        public var village: String
        public var name: String
        public var township_code: String
        public var township_name: String
        /// on_time, late or missing.
        public var status: String
        public var revision: Int?
        public var submitted_at: String?
        /// When the first revision was submitted (what decides on time or late).
        public var first_submitted_at: String?
        /// When the standing revision reached the county.
        public var received_at: String?
        public var is_zero_report: Bool?
        public var figures: ReportFigures?
        /// When the county last heard from the village (a push, a pull or a file), county time; nil when never.
        public var last_contact: String? = nil
    }

    /// A village the county has not heard from for longer than `quiet_hours` (or ever).
    public struct QuietVillage: Encodable, Sendable {
        public var village: String
        public var name: String
        public var township_name: String
        public var last_contact: String?
        /// `http` or `file`.
        public var via: String?
    }

    /// A township's villages and subtotal, so that a township head can phone the late and missing ones.
    public struct Township: Encodable, Sendable {
        public var township_code: String
        public var township_name: String
        public var villages_expected: Int
        public var on_time: [String]
        public var late: [String]
        public var missing: [String]
        public var totals: ReportFigures
    }

    /// A resident ID registered in more than one village.
    public struct Duplicate: Encodable, Sendable {
        public var id_number: String
        public var villages: [String]
        /// The counties of those villages: more than one is what only a city or a province can see.
        public var counties: [String]
        public var registrations: [Registration]

        public struct Registration: Encodable, Sendable {
            public var village: String
            public var name: String
            public var registered_at: String
        }
    }

    /// A person deleted on the day, with the reason given: deleting is how an arrival could be hidden (瞒报).
    public struct Deletion: Encodable, Sendable {
        public var village: String
        public var name: String
        public var id_number: String
        public var reason: String?
        public var deleted_at: String
        /// Whether the county deleted it (else the village did).
        public var by_county: Bool
    }

    /// A lead not closed by its deadline.
    public struct LeadLine: Encodable, Sendable {
        public var lead_id: String
        public var village: String
        public var name: String
        public var deadline: String
        public var overdue: Bool
        /// Who sent it: county, city or province (the level of the server that wrote it first).
        public var sent_by: String
    }

    public var date: String
    public var deadline: String
    public var villages_expected: Int
    public var reports_received: Int
    public var on_time: [String]
    public var late: [String]
    public var missing: [String]
    public var totals: ReportFigures
    public var townships: [Township]
    public var villages: [VillageLine]
    public var duplicates: [Duplicate]
    public var open_leads: [LeadLine]
    public var deletions: [Deletion]
    /// Each positive whose result came in on the day, with everyone around them by village and where they stand.
    public var positives: [PositiveChain]
    /// At a city or a province: each region below (county, and at a province each city too), its villages' day.
    public var regions: [RegionLine] = []
    /// The county's orders to sweep of the last 14 days, each with its coverage by village and township.
    public var sweeps: [SweepCoverage] = []
    /// Villages not heard from for more than `quiet_hours` (by HTTP or a carried file), longest silent first.
    public var quiet: [QuietVillage] = []
    public var quiet_hours: Int = 24
    /// The clocks on leads and on positives: on time per stage by township and village, and what is overdue now
    /// (`StageClocks`).
    public var lead_clocks: StageClocks? = nil
    public var positive_clocks: StageClocks? = nil
}
