import Foundation
import GRDB
import RegistryCore

/// One sync of a village registry with the county: check the clock, push own changes in batches, then pull
/// what the county has for the village. Safe to stop at any point: cursors move only after the server's
/// acknowledgement (push) or in the same transaction as the pulled rows (pull), so a rerun resumes.
public struct SyncSession: Sendable {
    let registry: Registry
    let transport: any SyncTransport
    /// Called when the county first accepts this sync's requests (its first acknowledgement or page): where the CLI
    /// and the pages remember the server, token and CA file given, so that a mistyped address or a refused token
    /// never replaces what worked, and a sync killed after the county answered still counts as having worked.
    public var onAccepted: (@Sendable () async throws -> Void)?

    /// What a sync did.
    public struct Report: Sendable, Equatable {
        public var pushed = 0
        public var rejected = 0
        public var pulled = 0
        /// Pending changes whose clock was far ahead and were re-stamped after the computer's clock was fixed.
        public var restamped = 0
        /// Persons whose positive result came from the county (its lab import) in this pull: their measures were
        /// escalated and the people around them moved here.
        public var positives: [String] = []
        /// Persons classified again because risk areas came down new, raised or in force earlier (信息返流).
        public var reclassified: [Reclassification] = []

        /// What the clerk reads after a sync: the counts.
        public func summary(_ language: Language) -> String {
            language == .zh
                ? "同步完成：上传 \(pushed) 条，被拒 \(rejected) 条，下载 \(pulled) 条"
                    + (restamped > 0 ? "，重新盖时间戳 \(restamped) 条" : "")
                : "Synced: \(pushed) pushed, \(rejected) rejected, \(pulled) pulled"
                    + (restamped > 0 ? ", \(restamped) re-stamped" : "")
        }

        /// A positive result from the county, to be shown apart from the counts and before them; nil when none came.
        public func alert(_ language: Language) -> String? {
            var lines: [String] = []
            if !positives.isEmpty {
                lines.append(
                    language == .zh
                        ? "县检测结果阳性：\(positives.joined(separator: "、"))。已升级管控，身边人员已转入密接管理，请立即处置"
                        : "Positive results from the county: \(positives.joined(separator: ", ")). Measures escalated, the people around them moved to the contact plan; act now"
                )
            }
            if let line = Reclassification.alert(reclassified, language) { lines.append(line) }
            return lines.isEmpty ? nil : lines.joined(separator: "\n")
        }

        /// The alert (if any) on its own line, then the counts: what the command line prints.
        public func text(_ language: Language) -> String {
            alert(language).map { $0 + "\n" + summary(language) } ?? summary(language)
        }
    }

    /// Progress for a terminal: phase and counts.
    public enum Progress: Sendable {
        case pushing(done: Int, total: Int)
        case pulling(done: Int)
    }

    public init(registry: Registry, transport: any SyncTransport) {
        self.registry = registry
        self.transport = transport
    }

    /// Runs a push then a pull.
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        let settings = try registry.settings()
        let health: Wire.Health = try await get("/healthz", query: [:])
        if let owner = health.village, owner != settings.village {
            let name = health.villageName.map { "（\($0)）" } ?? ""
            throw RegistryError(
                nil,
                zh: "这个令牌属于 \(owner)\(name)，本登记库是 \(settings.village)（\(settings.villageName)）；请向县指挥部索取本村的令牌（未上传任何数据）",
                en:
                    "this token belongs to \(owner)\(health.villageName.map { " (\($0))" } ?? ""), this registry is \(settings.village) (\(settings.villageName)); ask the county for this village's token (nothing was sent)"
            )
        }
        report.restamped = try await checkClock(health, site: settings.site)
        if let hours = health.leadFoundHours { try await registry.rememberLeadLimit(hours: hours) }
        // A new epoch: the county was restored from a backup, which may predate changes it had acknowledged.
        let knownEpoch = try registry.syncState().epoch
        let restored = knownEpoch != nil && knownEpoch != health.epoch
        try await push(site: settings.site, report: &report, probe: restored, progress: progress)
        try await pull(site: settings.site, village: settings.village, report: &report, progress: progress)
        // What the pull set off here (persons classified again, a positive escalated and its contacts moved) goes up
        // in the same sync: the county's dashboard counts them now, not after the village's next sync.
        if !report.reclassified.isEmpty || !report.positives.isEmpty {
            try await push(site: settings.site, report: &report, progress: progress)
        }
        try await registry.syncSucceeded()
        return report
    }

    /// Refuses to sync with a computer clock far from the server's; re-stamps pending changes stamped in the
    /// future (by a clock that was wrong and has been fixed), so that they are sent rather than lost.
    func checkClock(_ health: Wire.Health, site: String) async throws -> Int {
        guard let serverTime = StoredTime.date(health.time) else { return 0 }
        let now = registry.clock.now()
        let skew = Double(health.maxSkewSeconds)
        let offset = now.timeIntervalSince(serverTime)
        if abs(offset) > skew {
            let minutes = Int(abs(offset) / 60)
            throw RegistryError(
                nil, zh: "本机时间比县服务器\(offset > 0 ? "快" : "慢") \(minutes) 分钟，请先校正电脑的日期和时间再同步（已登记的数据不会丢失）",
                en:
                    "this computer's clock is \(minutes) minutes \(offset > 0 ? "ahead of" : "behind") the county server; fix the computer's date and time, then sync again (nothing is lost)"
            )
        }
        let limit = Int64((serverTime.timeIntervalSince1970 + skew) * 1000)
        return try await registry.acceptServerTime(serverTime, limit: HLC(milliseconds: limit, counter: 0), site: site)
    }

    /// Pushes the pending changes. With `probe` (the county was restored), an empty push first asks the county
    /// where this site's changes stand there: a backup older than the last acknowledgement answers with a gap, and
    /// the changes it lost are sent again from there.
    func push(site: String, report: inout Report, probe: Bool = false, progress: @Sendable (Progress) -> Void)
        async throws
    {
        let total = try await registry.pendingCount(site: site)
        var gaps = 0
        // Shrunk when the server answers 413 (its body limit below ours); a change refused alone is set aside.
        var maxChanges = Wire.maxBatchChanges
        var maxBytes = Wire.maxBatchBytes
        var tooLarge: Set<Int64> = []
        var probe = probe
        var accepted = false
        while true {
            let next = try await registry.nextPushBatch(
                site: site, maxChanges: maxChanges, maxBytes: maxBytes, largest: Wire.maxBatchBytes,
                setAside: tooLarge)
            let (cursor, batch, withheld, newest) = (next.cursor, next.changes, next.withheld, next.newest)
            guard let through = (batch.map(\.originSeq) + withheld.map(\.seq)).max() ?? (probe ? cursor : nil) else {
                return
            }
            probe = false
            let request = Wire.PushRequest(
                site: site, after: cursor, through: through, changes: batch, withheld: withheld.map(\.seq))
            let (status, body) = try await transport.send(
                "POST", "/v1/sync/push", query: [:], body: try JSONEncoder().encode(request))
            switch status {
            case 200:
                let ack = try decode(Wire.PushResponse.self, body)
                if !accepted, let onAccepted {
                    accepted = true
                    try await onAccepted()
                }
                // An acknowledgement of more than was sent would mark changes as delivered that the county never got.
                guard ack.ackedThrough <= through else {
                    throw RegistryError(
                        nil, zh: "县服务器确认收到了本机没有发送的修改（\(ack.ackedThrough) > \(through)），本机不会把它们标为已上传，请联系县指挥部",
                        en:
                            "the county server acknowledged changes this computer never sent (\(ack.ackedThrough) > \(through)); they stay queued; tell the county"
                    )
                }
                try await registry.acknowledge(
                    next, through: ack.ackedThrough,
                    refused: ack.rejected.map { ($0.originSeq, "\($0.reasonZh) / \($0.reason)") }, at: ack.serverTime)
                let settled = batch.filter { $0.originSeq <= ack.ackedThrough }.count
                report.pushed += settled - ack.rejected.count
                report.rejected += ack.rejected.count + withheld.filter { $0.seq <= ack.ackedThrough }.count
                progress(.pushing(done: report.pushed + report.rejected, total: total))
            case 413 where batch.count > 1:
                maxChanges = max(1, batch.count / 2)
                maxBytes = max(1, maxBytes / 2)
            case 413 where batch.count == 1:
                tooLarge.insert(batch[0].originSeq)
            case 409:
                // The server holds a different cursor for this site (a lost acknowledgement, or a restored
                // server): continue from where it is, but never past what this computer has written.
                let gap = try decode(Wire.ErrorBody.self, body)
                gaps += 1
                guard let expected = gap.expected, gaps <= 3 else { throw serverError(status, body) }
                guard expected <= newest else {
                    throw RegistryError(
                        nil, zh: "县服务器声称已收到本机没有写过的修改（\(expected) > \(newest)），请联系县指挥部",
                        en:
                            "the county server claims changes this computer never wrote (\(expected) > \(newest)); tell the county"
                    )
                }
                try await registry.resumePush(at: expected)
            default:
                throw serverError(status, body)
            }
        }
    }

    func pull(site: String, village: String, report: inout Report, progress: @Sendable (Progress) -> Void) async throws
    {
        var restarts = 0
        var accepted = false
        while true {
            let state = try registry.syncState()
            let page: Wire.PullResponse = try await get(
                "/v1/sync/pull", query: ["after": String(state.pullCursor), "limit": "1000", "site": site])
            if !accepted, let onAccepted {
                accepted = true
                try await onAccepted()
            }
            if let epoch = state.epoch, epoch != page.epoch, state.pullCursor > 0 {
                // The server was restored from a backup: its sequence numbers mean something else now. Pull
                // from scratch; merging is idempotent, so rows already held are untouched.
                restarts += 1
                guard restarts <= 1 else {
                    throw RegistryError(nil, zh: "县服务器纪元反复变化", en: "the server epoch keeps changing")
                }
                try await registry.restartPull(epoch: page.epoch)
                continue
            }
            let effects: Registry.PullEffects
            do {
                // The county sends this village's rows and its own (a county's code starts the village's).
                effects = try await registry.applyPulled(
                    page.changes, next: page.next, epoch: page.epoch, village: village)
            } catch let refused as Registry.PulledPageRefused {
                // A newer county may send a table or column this registry does not know yet: say so plainly rather
                // than "no writable column". Nothing of the page was applied; the next sync after an upgrade resumes
                // from the same cursor.
                guard let name = refused.unknownName else { throw RegistryError(nil, refused.reason) }
                throw RegistryError(
                    nil, zh: "县服务器的数据版本比本机新（\(name)），请升级 registry 后再同步（已登记的数据不受影响，本机修改已上传）",
                    en:
                        "the county server's data is newer than this registry (\(name)); upgrade registry, then sync again (nothing is lost; this computer's changes were sent)"
                )
            }
            report.positives += effects.positives
            report.reclassified += effects.reclassified
            report.pulled += page.changes.count
            progress(.pulling(done: report.pulled))
            if !page.more { return }
        }
    }

    func get<T: Decodable>(_ path: String, query: [String: String]) async throws -> T {
        let (status, body) = try await transport.send("GET", path, query: query, body: nil)
        guard status == 200 else { throw serverError(status, body) }
        return try decode(T.self, body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw RegistryError(
                nil, zh: "县服务器的回答无法识别（版本不符？）", en: "the county server's answer cannot be read (version mismatch?)")
        }
    }

    func serverError(_ status: Int, _ body: Data) -> RegistryError {
        Self.serverError(status, body)
    }

    /// The server's refusal in the clerk's words (its own message where it sent one), ending the command with the
    /// status that says what to do: 77 for a refused token, 75 for a busy server.
    public static func serverError(_ status: Int, _ body: Data) -> RegistryError {
        let exit: ExitStatus =
            switch status {
            case 401, 403: .unauthorized
            case 429, 503: .temporary
            default: .refused
            }
        if let error = try? JSONDecoder().decode(Wire.ErrorBody.self, from: body) {
            return RegistryError(nil, zh: error.messageZh, en: error.message).ending(exit)
        }
        switch status {
        case 401, 403:
            return RegistryError(
                nil, zh: "县服务器拒绝了令牌（已吊销或输错？请向县指挥部索取新令牌）",
                en: "the county server refused the token (revoked or mistyped? ask the county for a new one)"
            ).ending(exit)
        case 429, 503:
            return RegistryError(
                nil, zh: "县服务器繁忙，数据没有丢失，请稍后再同步", en: "the county server is busy; nothing is lost, sync again later"
            ).ending(exit)
        default:
            return RegistryError(nil, zh: "县服务器返回错误 \(status)", en: "the county server answered \(status)")
        }
    }
}
