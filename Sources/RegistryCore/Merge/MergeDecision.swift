/// The merge as pure code: given a batch of changes, what the site already holds of the rows they touch
/// (`KnownRows`) and who sent them, it returns the row writes, the log entries and the per-change rejections
/// (`MergePlan`), for a store to carry out in one transaction. Both stores (SQLite, PostgreSQL) and both directions (a
/// village pulling, the county applying a push) share it; property tests run it without a database.
public enum MergeDecision {
    /// Who pushed a batch to the county, whose rules then apply (`SyncScope`). A village pulling from its county
    /// applies what it is sent without a sender.
    public struct Sender: Sendable {
        /// The pushing device's site id: every change must come from it.
        public var site: String
        /// The village of the push's token; for a relay, the region of the server below.
        public var village: String
        /// A server below relaying its region's log (a county to its city): the changes are many sites', each carries
        /// its scope (`Prepared.scope`), and what a region may write was checked when the push was prepared.
        public var relays: Bool

        public init(site: String, village: String, relays: Bool = false) {
            self.site = site
            self.village = village
            self.relays = relays
        }
    }

    /// A change with what deciding and writing it take that needs no database, made before the write transaction
    /// (the county prepares a push on its event loops, so that the single writer only looks rows up and writes).
    public struct Prepared: Sendable {
        public let change: Change
        /// The change's columns but `id`, sorted: the winners when the row is new.
        public let columns: [String]
        /// The log entry's JSON when every column wins.
        public let logJSON: String
        /// Why the change breaks its columns' rules (checked only for a sender's changes), or a relay's rules.
        public let problem: Localized?
        /// For a relayed change, the scope (village or region) its row has at the sender.
        public let scope: String?

        /// `relayProblem`: what a relay's rules found wrong with the change (they need the receiver's level); `masked`:
        /// the relay may carry masked id numbers and phones (`SyncedRules.problem(in:masked:)`); `latestDay`: the
        /// receiver's today (with the skew it allows), after which nothing has happened yet
        /// (`SyncedRules.futureProblem`).
        public init(
            _ change: Change, checkRules: Bool = false, scope: String? = nil, relayProblem: Localized? = nil,
            masked: Bool = false, latestDay: Day? = nil
        ) {
            self.change = change
            columns = change.columns.values.keys.filter { $0 != "id" }.sorted()
            logJSON = ColumnValues.json(sortedNames: columns, values: change.columns.values)
            problem =
                relayProblem ?? (checkRules ? SyncedRules.problem(in: change, masked: masked) : nil)
                ?? latestDay.flatMap { SyncedRules.futureProblem(in: change, latest: $0) }
            self.scope = scope
        }
    }

    /// Decides `batch` in order: each change is rejected with a reason, superseded (nothing of it wins), or written
    /// (its winning columns, inserted as a new row or updated, and logged). A later change of the same row in the
    /// batch sees what an earlier one wrote.
    public static func decide(_ batch: [Prepared], known: KnownRows, sender: Sender?) -> MergePlan {
        var known = known
        var plan = MergePlan()
        // What a write did is recorded only for a row that a later change of the batch touches again: most batches
        // write each row once, and recording builds a dictionary of versions per row (a fifth of a push's apply).
        var touches: [String: Int] = [:]
        touches.reserveCapacity(batch.count)
        for item in batch { touches[item.change.pk, default: 0] += 1 }
        for (index, item) in batch.enumerated() {
            let change = item.change
            if let reason = problem(item, known: known, sender: sender) {
                plan.rejections.append(MergePlan.Rejection(index: index, originSeq: change.originSeq, reason: reason))
                continue
            }
            let row = known.row(change.table, change.pk)
            // A row without log entries (no owner) does not exist yet: every column of the change wins.
            let isNew = row.owner == nil
            let winners = isNew ? item.columns : Merge.winners(of: change, against: row.versions)
            if winners.isEmpty {
                plan.superseded += 1
                continue
            }
            let scope = row.owner ?? item.scope ?? change.columns.values["village"]?.stringValue ?? ""
            plan.writes.append(
                MergePlan.Write(
                    index: index, change: change, isNew: isNew, columns: winners,
                    logJSON: isNew
                        ? item.logJSON : ColumnValues.json(sortedNames: winners, values: change.columns.values),
                    scope: scope))
            if touches[change.pk, default: 0] > 1 {
                known.record(change.table, change.pk, columns: winners, version: change.version, owner: scope)
            }
            if change.table == Person.databaseTableName, winners.contains("deleted"),
                let deleted = change.columns.values["deleted"]
            {
                known.recordPerson(change.pk, deleted: deleted == 1)
            }
            plan.newest = max(plan.newest, HLC(raw: change.hlc))
        }
        return plan
    }

    /// Why `item` cannot be written, or nil.
    static func problem(_ item: Prepared, known: KnownRows, sender: Sender?) -> Localized? {
        let change = item.change
        let row = known.row(change.table, change.pk)
        // A sender is held to its scope and to the columns' rules first: those reasons name what to fix.
        if let sender, sender.relays, let reason = item.problem ?? relayOwnerProblem(item, owner: row.owner) {
            return reason
        }
        if let sender, !sender.relays,
            let reason = scopeProblem(change, owner: row.owner, sender: sender) ?? item.problem
                ?? deletionProblem(change, known: known) ?? personProblem(change, known: known, sender: sender)
        {
            return reason
        }
        // A row's first entry carries its id among the columns; the key is `pk`, and must agree.
        if let id = change.columns.values["id"], id != .string(change.pk) {
            return Localized(zh: "记录编号不一致", en: "the id column differs from the key")
        }
        guard let columns = SyncedRules.tables[change.table] else {
            return Localized(zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        if let unknown = item.columns.first(where: { columns[$0] == nil }) {
            return Localized(
                zh: "数据表 \(change.table) 没有可写的列 \(unknown)",
                en: "table \(change.table) has no writable column \(unknown)")
        }
        if row.owner == nil {
            // The id is taken by a row outside the scopes looked in: another village's.
            if row.foreign { return Localized(zh: "这个编号已被其他村的记录使用", en: "another village's row has this id") }
            let missing = (SyncedRules.required[change.table] ?? []).filter { change.columns.values[$0] == nil }
            if !missing.isEmpty {
                return Localized(
                    zh: "新记录不完整：缺少 \(change.table).\(missing.joined(separator: "、"))",
                    en: "a new row is incomplete: \(change.table) lacks \(missing.joined(separator: ", "))")
            }
        }
        return nil
    }

    /// Why a row `change` writes is about a person of another village (a test naming her, say: the county would
    /// then list another village's resident as positive); nil when its person is the sender's or not stored.
    static func personProblem(_ change: Change, known: KnownRows, sender: Sender) -> Localized? {
        guard let person = change.columns.values["person_id"]?.stringValue,
            let village = known.village(ofPerson: person), village != sender.village
        else { return nil }
        return Localized(
            zh: "\(change.table).person_id：是其他村登记的人员，只能记录本村人员的信息",
            en: "\(change.table).person_id: names a person of another village; a village writes only about its own")
    }

    /// Why `change` is outside what `sender` may write, or nil when it may; `owner` is the village of the row it
    /// changes (nil for a new row, or a row of another village, which is not looked up).
    public static func scopeProblem(_ change: Change, owner: String?, sender: Sender) -> Localized? {
        let village = sender.village
        if change.origin != sender.site {
            return Localized(zh: "只能上传本机产生的修改", en: "a site may push only its own changes")
        }
        guard let scope = SyncScope.of(change.table) else {
            return Localized(zh: "未知的数据表 \(change.table)", en: "unknown table \(change.table)")
        }
        let claimed = change.columns.values["village"]?.stringValue
        switch scope {
        case .county(let villageColumns) where !villageColumns.isEmpty:
            guard owner == village, claimed == nil || claimed == village,
                Set(change.columns.values.keys).isSubset(of: villageColumns)
            else {
                return Localized(
                    zh: "核查任务由县下发，村里只能填写核查结果", en: "leads belong to the county; a village may only fill in the outcome")
            }
            return nil
        case .county:
            return Localized(
                zh: "\(change.table) 由县统一发布，村里不能修改",
                en: "\(change.table) is published by the county; a village cannot change it")
        case .village:
            if let owner, owner != village {
                return Localized(zh: "不能修改其他村的记录", en: "this row belongs to another village")
            }
            // Rows are looked up among the village's own (and the county's), so another village's row is not found:
            // an edit of it looks like a new row without its village; one carrying the village reuses a taken id.
            if owner == nil && claimed == nil {
                return Localized(
                    zh: "本村没有这条记录；新记录须带村代码",
                    en: "no row of this village has this id, and a new row must carry its village")
            }
            if let claimed, claimed != village {
                return Localized(
                    zh: "只能上传本村（\(village)）的记录，不能写入 \(claimed)",
                    en: "a village may write only its own rows (\(village)), not \(claimed)")
            }
            return nil
        }
    }

    /// Why a relayed change may not touch its row: the row exists under another scope than the one the change says
    /// it has (rows never change scope, so the sender holds it elsewhere or is writing outside its own). A relay's
    /// deletions are not held to `deletionProblem`: the county held its villages to it, and a county's own edit may
    /// delete a person's rows before the person in its log.
    static func relayOwnerProblem(_ item: Prepared, owner: String?) -> Localized? {
        guard let owner, let scope = item.scope, owner != scope else { return nil }
        return Localized(zh: "这条记录属于 \(owner)，不属于 \(scope)", en: "this row belongs to \(owner), not \(scope)")
    }

    /// Why a village's deletion of a row is refused, or nil: the rows recorded about a person (trips, measures,
    /// events, tests, checks) are deleted only with the person (`SyncScope.village(deletedWithPerson:)`).
    static func deletionProblem(_ change: Change, known: KnownRows) -> Localized? {
        guard change.columns.values["deleted"] == 1, case .village(true, _) = SyncScope.of(change.table) else {
            return nil
        }
        if known.isPersonDeleted(of: change.table, change.pk) == true { return nil }
        return Localized(
            zh: "\(change.table) 只能随人员一起删除（删除人员须说明原因）",
            en: "a \(change.table) row is deleted only with its person (who is deleted with a reason)")
    }
}

/// What `MergeDecision` decided for a batch, for a store to carry out in order.
public struct MergePlan: Sendable {
    /// One change's winning columns: the row write and its log entry.
    public struct Write: Sendable {
        /// The change's place in the batch.
        public let index: Int
        public let change: Change
        /// Insert a new row (else update the existing one).
        public let isNew: Bool
        /// The winning columns, sorted; their values are the change's.
        public let columns: [String]
        /// The winning columns' values, in `columns`' order: looked up when deciding, which PostgreSQL's county does
        /// for a group's first run before it takes the log lock, and not again per column while it holds it.
        public let values: [ColumnValue]
        /// The log entry's columns, as JSON.
        public let logJSON: String
        /// The log entry's scope: the row's village (or the county, for its own rows).
        public let scope: String

        public init(index: Int, change: Change, isNew: Bool, columns: [String], logJSON: String, scope: String) {
            self.index = index
            self.change = change
            self.isNew = isNew
            self.columns = columns
            values = columns.map { change.columns.values[$0] ?? .null }
            self.logJSON = logJSON
            self.scope = scope
        }
    }

    /// A change refused, with the reason the sender is told.
    public struct Rejection: Sendable, Equatable {
        public let index: Int
        public let originSeq: Int64
        public let reason: Localized
    }

    /// Thrown by a store carrying out a plan when an insert finds its id taken by a row the plan's lookups did not
    /// see (another village's): the caller rolls the plan back and decides again with the ids probed.
    public struct IDTaken: Error {
        public let table: String
        public init(table: String) { self.table = table }
    }

    public var writes: [Write] = []
    public var rejections: [Rejection] = []
    /// How many changes lost on every column (already held, or older than what is held).
    public var superseded = 0
    /// The latest clock among the written changes (zero when none).
    public var newest = HLC.zero
}
