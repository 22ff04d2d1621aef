import Foundation
import RegistryCore

/// A village's sync by carried files, where there is no network: `write` makes the file a push would send, and
/// `apply` reads the county's answer. The cursors move exactly as over HTTP and only on the county's word: making a
/// file moves nothing (every file holds all that is not yet acknowledged, so a lost file loses nothing), an answer
/// moves the push cursor to what the county acknowledged and the pull cursor past the pages it carries, never back.
public struct CarriedSync: Sendable {
    let registry: Registry
    let key: CarriedKey
    /// The smallest `--max-bytes`: a batch must fit in a part.
    public static let smallestPart = 64 * 1024

    public init(registry: Registry, token: String) {
        self.registry = registry
        self.key = CarriedKey(token: token)
    }

    /// What `write` wrote.
    public struct Written: Sendable {
        public var files: [(path: String, bytes: Int)]
        public var changes: Int
    }

    /// Writes every pending change into `path` (or, past `maxBytes`, into numbered parts beside it: `name-1of3.ext`),
    /// sealed with the village's key, readable by its owner only (names, id numbers, phones). A file of the same name
    /// is replaced: a newer file holds everything an older one did that the county has not acknowledged.
    public func write(to path: String, maxBytes: Int? = nil) async throws -> Written {
        let (parts, changes) = try await sealed(maxBytes: maxBytes)
        var written = Written(files: [], changes: changes)
        for (index, data) in parts.enumerated() {
            let name = parts.count == 1 ? path : Self.partPath(path, index + 1, of: parts.count)
            try PrivateFile.write(data, to: name, overwrite: true)
            written.files.append((name, data.count))
        }
        return written
    }

    /// The sealed parts of a push file of every pending change, and how many changes they carry.
    public func sealed(maxBytes: Int? = nil) async throws -> (parts: [Data], changes: Int) {
        if let maxBytes, maxBytes < Self.smallestPart {
            throw RegistryError(
                nil, zh: "--max-bytes 至少为 \(Self.smallestPart)（64 KB）",
                en: "--max-bytes must be at least \(Self.smallestPart)"
            ).ending(.usage)
        }
        let settings = try registry.settings()
        let state = try registry.syncState()
        // Each batch as an HTTP push would send it, uncompressed within a part's size so that one always fits.
        let batchBytes = min(Wire.maxBatchBytes, maxBytes ?? Wire.maxBatchBytes)
        var batches: [Wire.PushRequest] = []
        var after = state.pushCursor
        while true {
            let next = try await registry.nextPushBatch(
                site: settings.site, after: after, maxChanges: Wire.maxBatchChanges, maxBytes: batchBytes,
                largest: Wire.maxBatchBytes, setAside: [])
            guard let through = (next.changes.map(\.originSeq) + next.withheld.map(\.seq)).max() else { break }
            batches.append(
                Wire.PushRequest(
                    site: settings.site, after: after, through: through, changes: next.changes,
                    withheld: next.withheld.map(\.seq)))
            after = through
        }
        let groups = try parts(of: batches, maxBytes: maxBytes)
        let set = UUID().uuidString.lowercased()
        let created = registry.clock.isoText(registry.clock.now())
        var parts: [Data] = []
        for (index, group) in groups.enumerated() {
            let header = CarriedFile.Header(
                kind: .push, village: settings.village, site: settings.site, createdAt: created, set: set,
                part: index + 1, parts: groups.count)
            let payload = try CarriedFile.encoder.encode(
                Carried.Push(batches: group, epoch: state.epoch, pullAfter: state.pullCursor))
            parts.append(try CarriedFile(header: header, payload: payload).sealed(key: key))
        }
        return (parts, batches.reduce(0) { $0 + $1.changes.count })
    }

    /// The batches grouped into parts of about `maxBytes` compressed (each batch's size measured sealed alone).
    func parts(of batches: [Wire.PushRequest], maxBytes: Int?) throws -> [[Wire.PushRequest]] {
        guard let maxBytes, batches.count > 1 else { return [batches] }
        var groups: [[Wire.PushRequest]] = [[]]
        var size = 0
        for batch in batches {
            let header = CarriedFile.Header(
                kind: .push, village: "", site: batch.site, createdAt: "", set: "")
            let alone = try CarriedFile(header: header, payload: try CarriedFile.encoder.encode(batch)).sealed(key: key)
                .count
            if size + alone > maxBytes, !groups[groups.count - 1].isEmpty {
                groups.append([])
                size = 0
            }
            groups[groups.count - 1].append(batch)
            size += alone
        }
        return groups
    }

    /// `dir/name-2of3.ext` for `dir/name.ext`.
    static func partPath(_ path: String, _ part: Int, of parts: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = url.deletingPathExtension().lastPathComponent
        let name = "\(base)-\(part)of\(parts)" + (ext.isEmpty ? "" : ".\(ext)")
        return path.contains("/") ? url.deletingLastPathComponent().appendingPathComponent(name).path : name
    }

    /// What `apply` did: the sync's report, and the gap the county found (the village's next file starts there).
    public struct Applied: Sendable {
        public var report: SyncSession.Report
        /// Batches the county already had (an earlier file, or a live sync).
        public var already: Int
        public var gap: Int64?
        /// Whether the county holds more than this answer carried.
        public var more: Bool
        /// Why the county stopped applying the file, if it did (the pages still came down).
        public var refusal: Wire.ErrorBody? = nil
    }

    /// Applies the county's answer in `path`: acknowledgements, then the pull pages, each page in its transaction.
    public func apply(answer path: String) async throws -> Applied {
        try await apply(answer: try CarriedFile.read(path), name: (path as NSString).lastPathComponent)
    }

    /// Applies an answer's bytes (`name`: how the clerk knows the file).
    public func apply(answer data: Data, name: String) async throws -> Applied {
        let (file, _) = try CarriedFile.open(data, name: name, keys: [key])
        let settings = try registry.settings()
        guard file.header.kind == .answer else {
            throw RegistryError(
                .file, zh: "\(name) 是本村交给县里的文件，不是县里的回复",
                en: "\(name) is a village's file for the county, not its answer")
        }
        guard file.header.village == settings.village, file.header.site == settings.site else {
            throw RegistryError(
                .file, zh: "\(name) 是给 \(file.header.village) 的回复，不是本登记库的",
                en: "\(name) answers \(file.header.village), not this registry")
        }
        let answer = try file.decoded(Carried.Answer.self, name: name)
        let site = settings.site
        var applied = Applied(
            report: SyncSession.Report(), already: 0, gap: nil, more: answer.more, refusal: answer.refusal)
        let pendingBefore = try await registry.pendingCount(site: site)
        let newest = try await registry.newestOwnChange(site: site)
        for ack in answer.acks {
            guard ack.response.ackedThrough <= newest else {
                throw RegistryError(
                    .file, zh: "\(name) 确认收到了本机没有写过的修改（\(ack.response.ackedThrough) > \(newest)），请联系县指挥部",
                    en: "\(name) acknowledges changes this computer never wrote; tell the county")
            }
            if ack.already { applied.already += 1 }
            try await registry.acknowledgeCarried(
                through: ack.response.ackedThrough,
                refused: ack.response.rejected.map { ($0.originSeq, "\($0.reasonZh) / \($0.reason)") },
                withheld: ack.withheld, at: ack.response.serverTime)
            if !ack.already { applied.report.rejected += ack.response.rejected.count + ack.withheld.count }
        }
        if let gap = answer.gap {
            let state = try registry.syncState()
            if gap < state.pushCursor, state.epoch != nil, state.epoch != answer.epoch, gap <= newest {
                // The county was restored from a backup (a new epoch) and lost what it had acknowledged: the next
                // file sends again from where it stands.
                try await registry.resumePush(at: gap)
                applied.gap = gap
            } else if state.pushCursor <= gap {
                // A part is missing at the county: the next file, from this registry's cursor, carries it.
                applied.gap = gap
            }
            // Otherwise the answer is older than what the county acknowledged since: the gap was filled.
        }
        applied.report.pushed = max(
            0, pendingBefore - (try await registry.pendingCount(site: site)) - applied.report.rejected)
        let state = try registry.syncState()
        if let epoch = state.epoch, epoch != answer.epoch, state.pullCursor > 0 {
            guard answer.pages.first.map({ $0.after == 0 }) ?? true else {
                throw RegistryError(
                    .file, zh: "\(name) 属于县服务器的另一个纪元，请重新生成同步文件",
                    en: "\(name) belongs to another epoch of the county; make a new file")
            }
            try await registry.restartPull(epoch: answer.epoch)
        }
        for page in answer.pages {
            let cursor = try registry.syncState().pullCursor
            guard page.after <= cursor else {
                throw RegistryError(
                    .file, zh: "\(name) 接在另一份还没有导入的回复之后（\(page.after) > \(cursor)），请先导入更早的回复文件",
                    en:
                        "\(name) follows an answer not applied yet (\(page.after) > \(cursor)); apply the earlier answer first"
                )
            }
            do {
                let effects = try await registry.applyPulled(
                    page.changes, next: page.next, epoch: answer.epoch, village: settings.village)
                applied.report.positives += effects.positives
                applied.report.reclassified += effects.reclassified
                applied.report.pulled += page.changes.count
            } catch let refused as Registry.PulledPageRefused {
                guard let unknown = refused.unknownName else { throw RegistryError(nil, refused.reason) }
                throw RegistryError(
                    nil, zh: "县服务器的数据版本比本机新（\(unknown)），请升级 registry 后再导入回复（已登记的数据不受影响）",
                    en:
                        "the county's data is newer than this registry (\(unknown)); upgrade registry, then apply the answer again"
                )
            }
        }
        if let hours = answer.leadFoundHours { try await registry.rememberLeadLimit(hours: hours) }
        try await registry.syncSucceeded()
        return applied
    }
}
