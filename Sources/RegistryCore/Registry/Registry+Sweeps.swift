import Foundation
import GRDB

/// Where the open sweep round stands (`registry sweep status`). JSON names are a fixed interface.
public struct SweepStatus: Sendable, Encodable {
    public struct Round: Sendable, Encodable {
        public var id: String
        public var reason: String
        public var due: String?
        public var started_at: String
    }

    public struct Grid: Sendable, Encodable {
        public var grid: String
        public var total: Int
        public var visited: Int
    }

    public struct Open: Sendable, Encodable {
        public var household: String
        public var address: String
        public var head_name: String?
        public var grid: String?
        /// How many times nobody was home in this round.
        public var nobody_home: Int
    }

    public var round: Round
    public var households_total: Int
    public var households_visited: Int
    public var households_open: Int
    public var by_grid: [Grid]
    public var open: [Open]
    /// Returnees the visits found at the door (to register with `intake --household`).
    public var returnees_found: Int
}

extension Registry {
    /// Opens a sweep round (排查轮次); refused while another is open. `due`: local `YYYY-MM-DD HH:MM`. The round
    /// answers the county's oldest order not yet answered, if there is one, whose reason and due time it takes when
    /// none are given.
    public func startSweep(reason: String?, due: String?) throws -> SweepRound {
        let given = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let given { try SyncedRules.refuse(SweepRound.databaseTableName, "reason", given, field: .reason) }
        let givenDue = try due.map { try Self.localMinute($0, field: .due) }
        let (started, _) = try localTime(nil)
        return try write { db, recorder, settings in
            let order = try Registry.unansweredOrders(db).first
            guard let reason = given ?? order?.reason else { throw RegistryError.missing(.reason) }
            let due = givenDue ?? order?.dueAt
            let orderId = order?.id
            if let open = try Registry.openRound(db) {
                throw RegistryError(
                    nil, zh: "已有进行中的排查轮次（\(open.reason)，\(open.startedAt) 开始）：先 registry sweep close",
                    en: "a sweep round is already open (\(open.reason), started \(open.startedAt)): close it first")
            }
            guard try Household.filter(Household.Columns.deleted == false).fetchCount(db) > 0 else {
                throw RegistryError(
                    nil, zh: "户籍台账为空：先用 registry households import 导入全村住户",
                    en: "the household register is empty: import it first with registry households import")
            }
            let round = SweepRound(
                id: ids.make(), village: settings.village, reason: reason, dueAt: due, startedAt: started,
                orderId: orderId, closedAt: nil, closeReason: nil, deleted: false)
            try recorder.insert(round)
            return round
        }
    }

    /// Records one visit of the open round to the household `query` names (`resolveHousehold`).
    public func recordVisit(
        _ query: String, result: String, returnees: Int? = nil, note: String? = nil, at: String? = nil,
        visitor: String? = nil
    ) throws -> (visit: SweepVisit, household: Household) {
        let result = try Validate.choice(result, field: .sweepResult, as: SweepResult.self)
        if let returnees, !(0...999).contains(returnees) {
            throw RegistryError(.members, zh: "返乡人数应为 0–999", en: "returnees must be 0–999")
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let note { try SyncedRules.refuse(SweepVisit.databaseTableName, "note", note, field: .remarks) }
        // Who went: as given, else the clerk the registry remembers (the daily report's 填报人).
        let visitor = try visitor?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty ?? reporter()
        if let visitor { try SyncedRules.refuse(SweepVisit.databaseTableName, "visitor", visitor, field: .visitor) }
        let (visitedAt, _) = try localTime(at)
        return try write { db, recorder, settings in
            guard let round = try Registry.openRound(db) else { throw Registry.noOpenRound }
            let household = try Registry.resolveHousehold(db, query)
            let visit = SweepVisit(
                id: ids.make(), village: settings.village, roundId: round.id, householdId: household.id,
                result: result, returnees: returnees, note: note, visitedAt: visitedAt, visitor: visitor,
                deleted: false)
            try recorder.insert(visit)
            return (visit, household)
        }
    }

    /// The county's orders to sweep not yet answered by a round, oldest first.
    public func sweepOrders() throws -> [SweepOrder] {
        try read { db, _ in try Registry.unansweredOrders(db) }
    }

    /// The open round's coverage, or nil when no round is open.
    public func sweepStatus() throws -> SweepStatus? {
        try read { db, _ in try Registry.sweepStatus(db) }
    }

    static func sweepStatus(_ db: Database) throws -> SweepStatus? {
        guard let round = try openRound(db) else { return nil }
        let households = try Household.filter(Household.Columns.deleted == false).order(
            Household.Columns.grid, Household.Columns.address
        )
        .fetchAll(db)
        var reached = Set<String>()
        var nobodyHome: [String: Int] = [:]
        var returnees = 0
        for visit in try SweepVisit.filter(
            SweepVisit.Columns.roundId == round.id && SweepVisit.Columns.deleted == false
        ).fetchAll(db) {
            returnees += visit.returnees ?? 0
            if visit.result.reaches {
                reached.insert(visit.householdId)
            } else {
                nobodyHome[visit.householdId, default: 0] += 1
            }
        }
        var grids: [String: (total: Int, visited: Int)] = [:]
        var open: [SweepStatus.Open] = []
        for household in households {
            let grid = household.grid ?? ""
            grids[grid, default: (0, 0)].total += 1
            if reached.contains(household.id) {
                grids[grid, default: (0, 0)].visited += 1
            } else {
                open.append(
                    SweepStatus.Open(
                        household: household.id, address: household.address, head_name: household.headName,
                        grid: household.grid, nobody_home: nobodyHome[household.id] ?? 0))
            }
        }
        let visited = households.count - open.count
        return SweepStatus(
            round: SweepStatus.Round(id: round.id, reason: round.reason, due: round.dueAt, started_at: round.startedAt),
            households_total: households.count, households_visited: visited, households_open: open.count,
            by_grid: grids.keys.sorted().map {
                SweepStatus.Grid(grid: $0, total: grids[$0]!.total, visited: grids[$0]!.visited)
            },
            open: open, returnees_found: returnees)
    }

    /// Closes the open round. Refused while households are open, unless `reason` says why the gaps stand.
    public func closeSweep(reason: String?) throws -> (round: SweepRound, open: Int) {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let reason { try SyncedRules.refuse(SweepRound.databaseTableName, "close_reason", reason, field: .reason) }
        let (now, _) = try localTime(nil)
        return try write { db, recorder, _ in
            guard let status = try Registry.sweepStatus(db), let round = try Registry.openRound(db) else {
                throw Registry.noOpenRound
            }
            if status.households_open > 0 && reason == nil {
                let list = status.open.prefix(5).map(\.address).joined(separator: "、")
                throw RegistryError(
                    .reason,
                    zh:
                        "还有 \(status.households_open) 户未排查（\(list)\(status.households_open > 5 ? "等" : "")）：排查完再结束，或用 --reason 说明原因",
                    en:
                        "\(status.households_open) households not reached yet (\(list)): visit them, or give --reason for the gaps"
                )
            }
            var closed = round
            closed.closedAt = now
            closed.closeReason = reason
            try recorder.update(closed, from: round)
            return (closed, status.households_open)
        }
    }

    /// The county's orders to sweep that no round answers yet, oldest first.
    static func unansweredOrders(_ db: Database) throws -> [SweepOrder] {
        try SweepOrder.fetchAll(
            db,
            sql: """
                SELECT * FROM sweep_order o WHERE o.deleted = 0
                AND NOT EXISTS (SELECT 1 FROM sweep_round r WHERE r.order_id = o.id AND r.deleted = 0)
                ORDER BY o.ordered_at, o.id
                """)
    }

    /// What the work list shows of sweeps: the county's orders to answer and the open round's coverage.
    static func sweepWork(_ db: Database) throws -> WorkList.Sweep? {
        let orders = try unansweredOrders(db)
        let status = try sweepStatus(db)
        guard !orders.isEmpty || status != nil else { return nil }
        return WorkList.Sweep(
            orders: orders.map { .init(reason: $0.reason, due_at: $0.dueAt, ordered_at: $0.orderedAt) },
            round: status.map {
                .init(
                    reason: $0.round.reason, due: $0.round.due, households_total: $0.households_total,
                    households_visited: $0.households_visited, households_open: $0.households_open)
            })
    }

    /// The open round (the latest one started, if not closed).
    static func openRound(_ db: Database) throws -> SweepRound? {
        try SweepRound.filter(SweepRound.Columns.deleted == false && SweepRound.Columns.closedAt == nil)
            .order(SweepRound.Columns.startedAt.desc, SweepRound.Columns.id.desc).fetchOne(db)
    }

    /// The open round's households total and reached (0, 0 without one): the daily report's figures.
    static func sweepCoverage(_ db: Database) throws -> (total: Int, visited: Int) {
        guard let status = try sweepStatus(db) else { return (0, 0) }
        return (status.households_total, status.households_visited)
    }

    static let noOpenRound = RegistryError(
        nil, zh: "没有进行中的排查轮次：先 registry sweep start --reason 原因", en: "no sweep round is open: start one first")

    /// A local time `YYYY-MM-DD HH:MM` as typed.
    static func localMinute(_ text: String, field: Field) throws -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard ColumnRule.localTime.problem(.string(text)) == nil else {
            throw RegistryError(field, zh: "“\(text)”应为 YYYY-MM-DD HH:MM", en: "\"\(text)\" must be YYYY-MM-DD HH:MM")
        }
        return text
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
