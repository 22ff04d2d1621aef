import GRDB

/// A household of the village's register (户籍/常住户台账), with or without returnees: where it lives, who heads it,
/// how many live there, its grid (网格/村民小组). Its `id` is the key `Person.household` holds, so a household that
/// formed around a returnee and the register's row at that address are one record.
public struct Household: SyncedRecord, Equatable {
    public static let databaseTableName = "household"

    public var id: String
    public var village: String
    public var address: String
    public var headName: String?
    public var headIdNumber: String?
    public var phone: String?
    /// How many live there (人口), when the register says.
    public var members: Int?
    public var grid: String?
    public var notes: String?
    public var createdAt: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, address
        case headName = "head_name"
        case headIdNumber = "head_id_number"
        case phone, members, grid, notes
        case createdAt = "created_at"
        case deleted
    }

    public init(
        id: String, village: String, address: String, headName: String?, headIdNumber: String?, phone: String?,
        members: Int?, grid: String?, notes: String?, createdAt: String, deleted: Bool = false
    ) {
        self.id = id
        self.village = village
        self.address = address
        self.headName = headName
        self.headIdNumber = headIdNumber
        self.phone = phone
        self.members = members
        self.grid = grid
        self.notes = notes
        self.createdAt = createdAt
        self.deleted = deleted
    }
}

/// A sweep round (排查轮次): every household of the register to be visited, by `dueAt` (local `YYYY-MM-DD HH:MM`).
public struct SweepRound: SyncedRecord, Equatable {
    public static let databaseTableName = "sweep_round"

    public var id: String
    public var village: String
    public var reason: String
    public var dueAt: String?
    public var startedAt: String
    /// The county's order it answers, if any.
    public var orderId: String?
    public var closedAt: String?
    /// Why households left open were let go, when the round closed with gaps.
    public var closeReason: String?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, reason
        case dueAt = "due_at"
        case startedAt = "started_at"
        case orderId = "order_id"
        case closedAt = "closed_at"
        case closeReason = "close_reason"
        case deleted
    }
}

/// One visit to one household in a round.
public struct SweepVisit: SyncedRecord, Equatable {
    public static let databaseTableName = "sweep_visit"

    public var id: String
    public var village: String
    public var roundId: String
    public var householdId: String
    public var result: SweepResult
    /// Returnees found at the door.
    public var returnees: Int?
    public var note: String?
    /// Local time, `YYYY-MM-DD HH:MM`.
    public var visitedAt: String
    public var visitor: String?
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village
        case roundId = "round_id"
        case householdId = "household_id"
        case result, returnees, note
        case visitedAt = "visited_at"
        case visitor, deleted
    }
}

/// What a visit found. Nobody home leaves the household open: it is listed again until someone is seen.
public enum SweepResult: String, Choice {
    case seen
    case nobodyHome = "nobody_home"
    case refused, moved

    public var chinese: String {
        switch self {
        case .seen: "已见到"
        case .nobodyHome: "无人在家"
        case .refused: "拒绝配合"
        case .moved: "已搬走"
        }
    }

    public var aliases: [String] {
        switch self {
        case .seen: [chinese, "见到", "已排查", "正常"]
        case .nobodyHome: [chinese, "无人", "不在家", "家中无人"]
        case .refused: [chinese, "拒绝", "拒绝排查"]
        case .moved: [chinese, "搬走", "已迁出", "空户"]
        }
    }

    /// Whether the household counts as reached in its round.
    public var reaches: Bool { self != .nobodyHome }
}

extension SweepResult: DatabaseValueConvertible {}

/// A county's order to sweep (排查令) for one village: a township's or the county's order is one row per village,
/// sharing `batch`. Published by the county; the village answers with a round (`SweepRound.orderId`).
public struct SweepOrder: SyncedRecord, Equatable {
    public static let databaseTableName = "sweep_order"

    public var id: String
    public var village: String
    /// The order this row is part of (one per `sync-server sweep order`).
    public var batch: String
    /// The code the order was given for: the village, its township, or the county.
    public var givenFor: String
    public var reason: String
    /// Local `YYYY-MM-DD HH:MM`.
    public var dueAt: String
    public var orderedAt: String
    public var deleted: Bool

    enum CodingKeys: String, CodingKey {
        case id, village, batch
        case givenFor = "given_for"
        case reason
        case dueAt = "due_at"
        case orderedAt = "ordered_at"
        case deleted
    }

    public init(
        id: String, village: String, batch: String, givenFor: String, reason: String, dueAt: String, orderedAt: String,
        deleted: Bool = false
    ) {
        self.id = id
        self.village = village
        self.batch = batch
        self.givenFor = givenFor
        self.reason = reason
        self.dueAt = dueAt
        self.orderedAt = orderedAt
        self.deleted = deleted
    }
}
