import GRDB

/// One stay in a trip's travel history (旅居史): where, and from when to when.
public struct Stay: Codable, Sendable, Hashable {
    /// The area code of the place (6, 9 or 12 digits).
    public var code: String
    /// The place's name as the clerk wrote it.
    public var name: String
    /// The first day there, when known.
    public var from: Day?
    /// The last day there (the departure from it).
    public var to: Day

    /// A stay from its parts.
    public init(code: String, name: String, from: Day?, to: Day) {
        self.code = code
        self.name = name
        self.from = from
        self.to = to
    }

    /// The place as people read it: `湖北省武汉市江岸区（420102）`: the name written, else the gazetteer's, else the
    /// code alone.
    public var place: String {
        let known = name.isEmpty ? Gazetteer.shared.name(ofCode: code) ?? "" : name
        return known.isEmpty ? code : "\(known)（\(code)）"
    }
}

/// One trip back to the village (一人可多次): its travel history, how the registry classified it, and under
/// which policy version.
public struct Arrival: SyncedRecord, Equatable {
    public static let databaseTableName = "arrival"

    public var id: String
    public var village: String
    public var personId: String
    public var arrivedOn: Day
    /// The departure from the riskiest area as the clerk entered it (for contacts, the last exposure).
    public var departedOn: Day
    public var stays: [Stay]
    public var transport: String?
    public var healthCode: HealthCode?
    public var vaccineDoses: Int?
    public var source: ArrivalSource
    /// What the clerk was told from outside (close contact, secondary contact, inbound), which wins.
    public var categoryOverride: Category?
    /// The category the rules gave.
    public var category: Category
    /// Day 0 of the measure: the last day of the stay that gave the category, or the departure date.
    public var dayZero: Day
    /// The policy version the plan was made under.
    public var policy: String
    public var leadId: String?
    public var createdAt: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case arrivedOn = "arrived_on"
        case departedOn = "departed_on"
        case stays
        case transport
        case healthCode = "health_code"
        case vaccineDoses = "vaccine_doses"
        case source
        case categoryOverride = "category_override"
        case category
        case dayZero = "day_zero"
        case policy
        case leadId = "lead_id"
        case createdAt = "created_at"
        case deleted
    }
}

extension Category: DatabaseValueConvertible {}
extension HealthCode: DatabaseValueConvertible {}
extension ArrivalSource: DatabaseValueConvertible {}
