import GRDB

/// Someone responsible for a person under a measure (包保责任人): a village cadre, the village doctor, the grid worker,
/// the police officer. Printed on the notice; the work list can be printed per responsible person.
public struct Responsible: SyncedRecord, Equatable {
    public static let databaseTableName = "responsible"

    public var id: String
    public var village: String
    public var personId: String
    public var name: String
    public var role: ResponsibleRole
    public var phone: String?
    public var createdAt: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case personId = "person_id"
        case name, role, phone
        case createdAt = "created_at"
        case deleted
    }

    /// `王建国（村医，13800138000）`.
    public var label: String { "\(name)（\(role.chinese)\(phone.map { "，\($0)" } ?? "")）" }
}

/// The roles of 包保 in the seed's villages.
public enum ResponsibleRole: String, Choice {
    case cadre, doctor, grid, police, other

    public var chinese: String {
        switch self {
        case .cadre: "村干部"
        case .doctor: "村医"
        case .grid: "网格员"
        case .police: "民警"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .cadre: [chinese, "干部", "村支书", "支书", "村主任", "村委"]
        case .doctor: [chinese, "乡村医生", "医生"]
        case .grid: [chinese, "网格长"]
        case .police: [chinese, "警察", "派出所", "社区民警"]
        case .other: [chinese, "志愿者"]
        }
    }
}

extension ResponsibleRole: DatabaseValueConvertible {}
