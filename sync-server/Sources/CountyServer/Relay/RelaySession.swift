import Foundation
import RegistryCore
import RegistrySync

/// One relay run: this server's log entries after its cursor go up to the server above in batches, each acknowledged
/// before the cursor moves (in this server's settings), so that a crash or a dropped connection resends from where
/// the server above stands, and its cursor for this server skips what it already has: every entry arrives once.
public struct RelaySession: Sendable {
    let store: any CountyStore
    let transport: any SyncTransport

    /// The counts of a run.
    public struct Report: Sendable, Equatable {
        public var sent = 0
        public var rejected = 0
        public var batches = 0
        public var cursor: Int64 = 0
        /// Entries pulled down from the server above, and how many of them were new here.
        public var received = 0
        public var written = 0
    }

    public init(store: any CountyStore, transport: any SyncTransport) {
        self.store = store
        self.transport = transport
    }

    /// A session to the server `upstream` names, over HTTP with its token; `attempts` per request (a scheduled relay
    /// tries once: its next turn is the retry).
    public static func to(_ upstream: Upstream, store: any CountyStore, attempts: Int = 5) throws -> RelaySession {
        guard let url = URL(string: upstream.url) else {
            throw RegistryError(nil, zh: "上级服务器网址无效", en: "the upper server's URL is not valid")
        }
        return RelaySession(
            store: store,
            transport: HTTPTransport(
                base: url, token: upstream.token, attempts: attempts,
                caFile: upstream.caFile, insecureHTTP: upstream.insecureHTTP))
    }

    /// Sends everything pending, batch by batch, until the server above holds it all.
    public func run(batch: Int = RelayWire.maxEntries) async throws -> Report {
        guard var upstream = try await store.upstream() else {
            throw RegistryError(
                nil, zh: "尚未连接上级服务器：先运行 sync-server upstream set --server 网址 --token 令牌",
                en: "no upper server is set: run sync-server upstream set --server URL --token TOKEN first")
        }
        let settings = try await store.settings()
        let mask = try upstream.mask
        var report = Report(cursor: upstream.cursor)
        var rewinds = 0
        while true {
            let page = try await store.relayPage(after: upstream.cursor, limit: batch, maxBytes: Wire.maxBatchBytes)
            let entries = mask.map { mask in page.map(mask.mask) } ?? page
            guard let last = entries.last else { break }
            let reports = Set(entries.filter { $0.change.table == DailyReport.databaseTableName }.map(\.change.pk))
            let request = RelayWire.PushRequest(
                site: settings.site, epoch: settings.epoch, after: upstream.cursor, through: last.seq,
                entries: entries, receipts: try await store.receipts(of: reports.sorted()))
            let (status, body) = try await send(request)
            switch status {
            case 200:
                // An acknowledgement beyond the batch is right (unlike a village's): after a lost acknowledgement this
                // server's cursor stands behind the one above, which answers with where it stands, and the entries in
                // between are already there.
                guard let ack = try? JSONDecoder().decode(Wire.PushResponse.self, from: body),
                    ack.ackedThrough >= upstream.cursor
                else {
                    throw RegistryError(nil, zh: "上级服务器的回复无法识别", en: "the upper server's answer is not understood")
                }
                try await store.advanceUpstream(to: ack.ackedThrough, rejected: ack.rejected, at: ack.serverTime)
                upstream.cursor = ack.ackedThrough
                report.sent += entries.count
                report.rejected += ack.rejected.count
                report.batches += 1
            case 409:
                // The server above stands elsewhere (it was restored from a backup, or this server was): start from
                // where it stands. Its merge skips what it already holds.
                guard let error = try? JSONDecoder().decode(Wire.ErrorBody.self, from: body),
                    let expected = error.expected, expected >= 0,
                    rewinds < 3
                else {
                    throw RegistryError(nil, zh: "上级服务器拒绝了转发的顺序", en: "the upper server refused the relay's numbering")
                }
                rewinds += 1
                try await store.advanceUpstream(to: expected, rejected: [], at: "")
                upstream.cursor = expected
            default:
                let error = try? JSONDecoder().decode(Wire.ErrorBody.self, from: body)
                let detail =
                    error.map { Localized(zh: $0.messageZh, en: $0.message) }
                    ?? Localized(zh: "HTTP \(status)", en: "HTTP \(status)")
                throw RegistryError(
                    nil, zh: "上级服务器拒绝了转发（\(status)）：\(detail.zh)",
                    en: "the upper server refused the relay (\(status)): \(detail.en)")
            }
        }
        report.cursor = upstream.cursor
        // A result or a link from above (a city's lab import) may make contacts in this county's villages visible:
        // a county raises their leads as after a village's push (above, contacts are held masked).
        if try await pullDown(upstream, into: &report), settings.level == .county {
            _ = try await store.writing { try $0.raiseContactLeads() }
        }
        return report
    }

    /// Pulls what the server above sends down for this region, page by page; each page and the cursor after it are
    /// kept in one transaction. A new epoch above (it was restored) starts again from its beginning. Whether anything
    /// pulled may trace contacts.
    private func pullDown(_ upstream: Upstream, into report: inout Report) async throws -> Bool {
        var after = upstream.pulled
        var epoch = upstream.epoch
        var tracesContacts = false
        while true {
            let (status, body): (Int, Data)
            do {
                (status, body) = try await transport.send(
                    "GET", "/v1/relay/pull", query: ["after": String(after), "limit": "1000"], body: nil)
            } catch {
                throw RegistryError(
                    nil, zh: "无法连接上级服务器（数据没有丢失，稍后会再同步）",
                    en: "cannot reach the upper server (nothing is lost; the relay tries again later)")
            }
            guard status == 200, let page = try? JSONDecoder().decode(RelayWire.PullResponse.self, from: body) else {
                let error = try? JSONDecoder().decode(Wire.ErrorBody.self, from: body)
                throw RegistryError(
                    nil, zh: "上级服务器拒绝了下载（\(status)）：\(error?.messageZh ?? "")",
                    en: "the upper server refused the pull (\(status)): \(error?.message ?? "")")
            }
            if let known = epoch, known != page.epoch, after > 0 {
                after = 0
                epoch = page.epoch
                continue
            }
            report.written += try await store.applyFromAbove(page.entries, next: page.next, epoch: page.epoch)
            report.received += page.entries.count
            tracesContacts =
                tracesContacts || page.entries.contains { SyncScope.contactTracingTables.contains($0.change.table) }
            after = page.next
            epoch = page.epoch
            if !page.more { break }
        }
        return tracesContacts
    }

    private func send(_ request: RelayWire.PushRequest) async throws -> (status: Int, body: Data) {
        do {
            return try await transport.send(
                "POST", "/v1/relay/push", query: [:], body: try JSONEncoder().encode(request))
        } catch {
            throw RegistryError(
                nil, zh: "无法连接上级服务器（数据没有丢失，稍后会再转发）",
                en: "cannot reach the upper server (nothing is lost; the relay tries again later)")
        }
    }
}
