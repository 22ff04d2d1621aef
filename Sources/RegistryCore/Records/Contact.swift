import GRDB

/// A contact (密接) the clerk recorded: `personId` (registered in this village) was with the person holding
/// `idNumber` (registered here, in another village, or nowhere yet), as `relation`, last on `lastContactOn`.
///
/// A link reads both ways: it is found from the person it was recorded on and from the id number it names, so a
/// companion named at one intake is linked to the other when either turns positive, in whichever village.
/// Household members need no link: they share `Person.household`.
public struct Contact: SyncedRecord, Equatable {
    public static let databaseTableName = "contact"

    public var id: String
    public var village: String
    public var personId: String
    public var idNumber: String
    public var name: String?
    public var phone: String?
    public var relation: ContactRelation
    /// The last day they were together, when the clerk knows it; otherwise the relation's rule gives day 0.
    public var lastContactOn: Day?
    public var createdAt: String
    public var deleted: Bool
    public var deletedReason: String?

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case idNumber = "id_number"
        case name, phone, relation
        case lastContactOn = "last_contact_on"
        case createdAt = "created_at"
        case deleted
        case deletedReason = "deleted_reason"
    }

    public init(
        id: String, village: String, personId: String, idNumber: String, name: String?, phone: String?,
        relation: ContactRelation, lastContactOn: Day?, createdAt: String, deleted: Bool = false,
        deletedReason: String? = nil
    ) {
        self.id = id
        self.village = village
        self.personId = personId
        self.idNumber = idNumber
        self.name = name
        self.phone = phone
        self.relation = relation
        self.lastContactOn = lastContactOn
        self.createdAt = createdAt
        self.deleted = deleted
        self.deletedReason = deletedReason
    }
}

/// How two people were in contact.
public enum ContactRelation: String, Choice {
    case household, companion, colleague, other

    public var chinese: String {
        switch self {
        case .household: "同住"
        case .companion: "同行"
        case .colleague: "同事"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .household: [chinese, "同户", "家人", "共同居住"]
        case .companion: [chinese, "同行人", "同车", "同乘"]
        case .colleague: [chinese, "同学", "工友"]
        case .other: [chinese]
        }
    }
}

extension ContactRelation: DatabaseValueConvertible {}
