import GRDB

/// One phase of a plan: a kind of measure over a span of days.
public struct Phase: Codable, Sendable, Hashable {
    public var kind: MeasureKind
    public var startsOn: Day
    public var endsOn: Day

    /// A phase from its parts.
    public init(kind: MeasureKind, startsOn: Day, endsOn: Day) {
        self.kind = kind
        self.startsOn = startsOn
        self.endsOn = endsOn
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case startsOn = "starts_on"
        case endsOn = "ends_on"
    }

    /// Whether `day` lies within the phase.
    public func contains(_ day: Day) -> Bool { startsOn <= day && day <= endsOn }
}

/// The plan put on an arrival: its phases and where it stands. Every change of plan also writes a
/// `MeasureEvent` with its reason and who ordered it.
public struct Measure: SyncedRecord, Equatable {
    public static let databaseTableName = "measure"

    public var id: String
    public var village: String
    public var personId: String
    public var arrivalId: String
    public var status: MeasureStatus
    public var phases: [Phase]
    /// The first day of the first phase (indexed, for the daily counts).
    public var startsOn: Day?
    /// The last day of the last phase (indexed, for "whose measure ends today").
    public var endsOn: Day?
    /// The day of release or transfer: the measure holds until the day before.
    public var releasedOn: Day?
    public var orderedBy: String?
    public var reason: String?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case arrivalId = "arrival_id"
        case status, phases
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case releasedOn = "released_on"
        case orderedBy = "ordered_by"
        case reason, deleted
    }

    /// The phase in force on `day`, if any: a released or transferred measure holds until the day before.
    /// Whether the person is still to be managed under this measure: open (not released or handed on) with a plan.
    /// A measure whose last day has passed without a release stays held (期满待解除) until it is released or
    /// extended, so that nobody drops off every list.
    public var isHeld: Bool { status.isOpen && endsOn != nil }

    public func phase(on day: Day) -> Phase? {
        Measure.phase(on: day, phases: phases, status: status, releasedOn: releasedOn)
    }

    public static func phase(on day: Day, phases: [Phase], status: MeasureStatus, releasedOn: Day?) -> Phase? {
        if let releasedOn, day >= releasedOn { return nil }
        if status == .none { return nil }
        return phases.first { $0.contains(day) }
    }

    /// Sets the phases and keeps the indexed first and last days in step with them.
    mutating func setPhases(_ newPhases: [Phase]) {
        phases = newPhases
        startsOn = newPhases.first?.startsOn
        endsOn = newPhases.last?.endsOn
    }
}

/// One change of a measure's plan, kept for the audit trail a county or a court asks for.
public struct MeasureEvent: SyncedRecord, Equatable {
    public static let databaseTableName = "measure_event"

    public enum Action: String, Choice {
        case planned, released, extended, transferred, escalated

        public var chinese: String {
            switch self {
            case .planned: "制定管控方案"
            case .released: "解除管控"
            case .extended: "延长管控"
            case .transferred: "转出"
            case .escalated: "阳性转运"
            }
        }
    }

    public var id: String
    public var village: String
    public var measureId: String
    public var action: Action
    /// The day the change takes effect.
    public var onDate: Day
    /// When it was recorded (ISO 8601, village offset).
    public var recordedAt: String
    /// Who ordered it.
    public var actor: String
    public var reason: String
    public var detail: String?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case measureId = "measure_id"
        case action
        case onDate = "on_date"
        case recordedAt = "recorded_at"
        case actor
        case reason, detail, deleted
    }
}

extension MeasureStatus: DatabaseValueConvertible {}
extension MeasureKind: DatabaseValueConvertible {}
extension MeasureEvent.Action: DatabaseValueConvertible {}

extension Array where Element == Phase {
    /// The phases as a measure event stores them for the record: `集中隔离 2022-07-02～2022-07-08；居家健康监测 …`.
    var detailText: String {
        map { "\($0.kind.label(.zh)) \($0.startsOn)～\($0.endsOn)" }.joined(separator: "；")
    }
}
