import GRDB

/// A person (一人一档): one row per person per village, however many times they come back.
public struct Person: SyncedRecord, Equatable {
    public static let databaseTableName = "person"

    public var id: String
    public var village: String
    public var name: String
    public var idType: IDType
    /// The document number; for a resident ID, the validated 18-character form.
    public var idNumber: String
    public var phone: String?
    public var sex: Sex?
    public var birthDate: Day?
    public var address: String?
    /// When the person was first registered (ISO 8601, village offset).
    public var createdAt: String
    public var deleted: Bool
    /// Why the person was deleted (required to delete; cleared by a restore).
    public var deletedReason: String?
    /// The household (户) the person belongs to: the record id of the person it was formed around; nil for a
    /// household of one (keyed by the person's own id). See `householdKey`.
    public var household: String?

    /// The key every member of the person's household shares.
    public var householdKey: String { household ?? id }

    enum CodingKeys: String, CodingKey {
        case id, village, name
        case idType = "id_type"
        case idNumber = "id_number"
        case phone, sex
        case birthDate = "birth_date"
        case address
        case createdAt = "created_at"
        case deleted
        case deletedReason = "deleted_reason"
        case household
    }

    public init(
        id: String, village: String, name: String, idType: IDType, idNumber: String, phone: String?, sex: Sex?,
        birthDate: Day?, address: String?, createdAt: String, deleted: Bool = false, deletedReason: String? = nil,
        household: String? = nil
    ) {
        self.id = id
        self.village = village
        self.name = name
        self.idType = idType
        self.idNumber = idNumber
        self.phone = phone
        self.sex = sex
        self.birthDate = birthDate
        self.address = address
        self.createdAt = createdAt
        self.deleted = deleted
        self.deletedReason = deletedReason
        self.household = household
    }
}

extension IDType: DatabaseValueConvertible {}
extension Sex: DatabaseValueConvertible {}
