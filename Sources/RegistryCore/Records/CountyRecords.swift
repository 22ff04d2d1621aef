import GRDB

/// A risk area the county publishes (or a clerk imports): a code, a level and the days it was in force.
public struct RiskArea: SyncedRecord, Equatable {
    public static let databaseTableName = "risk_area"

    public var id: String
    public var village: String
    public var code: String
    public var name: String
    public var level: RiskLevel
    public var inForceFrom: Day
    /// The first day it no longer holds; nil while in force.
    public var liftedOn: Day?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, code, name, level
        case inForceFrom = "in_force_from"
        case liftedOn = "lifted_on"
        case deleted
    }

    /// The stable id of an area as `owner` publishes it: the same code and start give the same row on every site
    /// below it. A region's (a county's, a city's) list is its own: two counties publishing the same area publish two
    /// rows, which both reach the city and the province without one taking the other's id (the levels found that).
    /// A village's own list keeps the id without its owner, as before.
    public static func stableID(code: String, inForceFrom: Day, owner: String) -> String {
        owner.count == 6
            ? IDGenerator.stable("risk_area|\(owner)|\(code)|\(inForceFrom)")
            : legacyID(code: code, inForceFrom: inForceFrom)
    }

    /// The id every area had before regions' ids carried the region: a county's rows published then keep it, and its
    /// imports find them by it (`RiskAreaImport.apply`).
    public static func legacyID(code: String, inForceFrom: Day) -> String {
        IDGenerator.stable("risk_area|\(code)|\(inForceFrom)")
    }
}

/// A policy version as published (the national tables, or a county's own), stored as its JSON document.
public struct PolicyRecord: SyncedRecord, Equatable {
    public static let databaseTableName = "policy"

    public var id: String
    public var village: String
    public var version: String
    public var effectiveFrom: Day
    /// The policy document, in the format of schema/policies/*.json.
    public var body: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, version
        case effectiveFrom = "effective_from"
        case body, deleted
    }
}

/// A person the county asks a village to verify (核查任务), with a deadline and the village's outcome.
public struct Lead: SyncedRecord, Equatable {
    public static let databaseTableName = "lead"

    public var id: String
    public var village: String
    public var name: String
    public var idNumber: String?
    public var phone: String?
    public var fromCode: String?
    public var fromName: String?
    public var reason: String?
    public var deadline: Day
    public var outcome: LeadOutcome?
    public var outcomeOn: Day?
    /// The registered person, when found.
    public var personId: String?
    public var deleted: Bool
    /// For a contact of a positive elsewhere (raised by the county): the last day of contact, day 0 of the plan that
    /// closing the lead as found puts on the person.
    public var lastContactOn: Day?
    /// nil or county_lead: the county's; self_report: a returnee's own declaration, with what they declared below.
    public var source: LeadSource?
    public var departedOn: Day?
    public var arrivedOn: Day?
    public var address: String?
    public var transport: String?
    /// When the returnee sent the declaration (a timestamp).
    public var declaredAt: String?

    enum CodingKeys: String, CodingKey {
        case id, village, name
        case idNumber = "id_number"
        case phone
        case fromCode = "from_code"
        case fromName = "from_name"
        case reason, deadline, outcome
        case outcomeOn = "outcome_on"
        case personId = "person_id"
        case deleted
        case lastContactOn = "last_contact_on"
        case source
        case departedOn = "departed_on"
        case arrivedOn = "arrived_on"
        case address, transport
        case declaredAt = "declared_at"
    }

    public init(
        id: String, village: String, name: String, idNumber: String?, phone: String?, fromCode: String?,
        fromName: String?, reason: String?, deadline: Day, outcome: LeadOutcome? = nil, outcomeOn: Day? = nil,
        personId: String? = nil, deleted: Bool = false, lastContactOn: Day? = nil
    ) {
        self.id = id
        self.village = village
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.fromCode = fromCode
        self.fromName = fromName
        self.reason = reason
        self.deadline = deadline
        self.outcome = outcome
        self.outcomeOn = outcomeOn
        self.personId = personId
        self.deleted = deleted
        self.lastContactOn = lastContactOn
    }
}

/// A village on the county's roster: who is expected to report every day.
public struct VillageEntry: SyncedRecord, Equatable {
    public static let databaseTableName = "village"

    public var id: String
    public var village: String
    public var code: String
    public var name: String
    public var townshipCode: String
    public var townshipName: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, code, name
        case townshipCode = "township_code"
        case townshipName = "township_name"
        case deleted
    }

    public init(
        id: String, village: String, code: String, name: String, townshipCode: String, townshipName: String,
        deleted: Bool = false
    ) {
        self.id = id
        self.village = village
        self.code = code
        self.name = name
        self.townshipCode = townshipCode
        self.townshipName = townshipName
        self.deleted = deleted
    }
}

/// A submitted daily report (日报告): the figures frozen at submission, one row per village and date whose
/// revision counts up with each submission, so that there are never two reports for one date.
public struct DailyReport: SyncedRecord, Equatable {
    public static let databaseTableName = "daily_report"

    public var id: String
    public var village: String
    public var date: Day
    public var revision: Int
    /// The figures as JSON (`ReportFigures`).
    public var figures: String
    public var isZeroReport: Bool
    public var reporter: String
    public var remarks: String
    /// The submission time of this revision on the submitting device (ISO 8601 with offset).
    public var submittedAt: String
    /// The time of the first submission for the date: what timeliness is judged on, so that a correction sent
    /// in the evening does not make an on-time report late.
    public var firstSubmittedAt: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, date, revision, figures
        case isZeroReport = "is_zero_report"
        case reporter, remarks
        case submittedAt = "submitted_at"
        case firstSubmittedAt = "first_submitted_at"
        case deleted
    }

    /// The stable id of a village's report for a date.
    public static func stableID(village: String, date: Day) -> String {
        IDGenerator.stable("daily_report|\(village)|\(date)")
    }
}

extension RiskLevel: DatabaseValueConvertible {}
extension LeadOutcome: DatabaseValueConvertible {}
