import Foundation
import RegistryCore
import RegistrySync

/// What `sync-server bundle import` did with a village's carried files.
public struct CarriedImport: Sendable {
    public var village: String
    /// One line per batch or file, for the officer.
    public var lines: [String] = []
    public var received = 0
    public var rejected = 0
    /// Batches the county had already (an earlier file, or a live sync): nothing written twice.
    public var already = 0
    /// Where the county's copy of the village's changes ends, when a file began after it.
    public var gap: Int64?
    /// A refusal of a whole batch (a clock far ahead, a site of another token) that stopped the import.
    public var stopped: Localized?
    /// The answer for the village, sealed with the key its files were.
    public var answer: Data
    public var pulled = 0

    /// Whether everything carried was applied.
    public var complete: Bool { gap == nil && stopped == nil }
}

extension CountyStore {
    /// Applies a village's carried files (`CarriedFile`, kind push) through the push path, as over HTTP and with the
    /// same refusals, and answers with the acknowledgements and the village's pull pages. Every file is checked
    /// before anything is applied: one that is altered, of another village, or sealed with a revoked token refuses
    /// the import whole. A batch the county already holds is acknowledged without being applied again; one that
    /// overlaps what it holds is applied from where the county stands; one that begins after it stops the import
    /// (`gap`), and the answer says where the village's next file must begin.
    public func importCarried(_ files: [(name: String, data: Data)], maxSkew: TimeInterval) async throws
        -> CarriedImport
    {
        var opened: [(name: String, file: CarriedFile, key: CarriedKey, push: Carried.Push)] = []
        for (name, data) in files {
            let village = try CarriedFile.village(of: data, name: name)
            let (file, key) = try CarriedFile.open(data, name: name, keys: try await carriedKeys(village: village))
            if key.revoked {
                throw RegistryError(
                    .file, zh: "\(name) 是用已吊销的令牌生成的，拒绝导入：请村里用新令牌重新生成同步文件（未写入任何数据）",
                    en:
                        "\(name) was made with a revoked token and is refused: the village must make a new file with its new token (nothing was written)"
                )
            }
            guard file.header.kind == .push else {
                throw RegistryError(
                    .file, zh: "\(name) 是县里的回复文件，应在村里用 registry sync --from-file 导入",
                    en: "\(name) is the county's answer: the village applies it with registry sync --from-file")
            }
            if let first = opened.first, first.file.header.village != village {
                throw RegistryError(
                    .file, zh: "一次只导入一个村的文件（\(first.name) 属于 \(first.file.header.village)，\(name) 属于 \(village)）",
                    en: "import one village's files at a time (\(first.name) and \(name) are of different villages)")
            }
            let push = try file.decoded(Carried.Push.self, name: name)
            guard push.batches.allSatisfy({ $0.site == file.header.site }) else {
                throw RegistryError(.file, zh: "\(name) 的内容与文件头不符", en: "\(name) does not match its header")
            }
            opened.append((name, file, key, push))
        }
        guard !opened.isEmpty else { throw RegistryError(.file, zh: "没有给出文件", en: "no file given") }
        // Only the newest set counts: a village's file holds everything the county had not acknowledged when it was
        // made, so an older file's changes are in the newer one or were acknowledged (the county has them). Its parts
        // in their order: a part missing shows as a gap.
        opened.sort {
            ($0.file.header.createdAt, $0.file.header.part) < ($1.file.header.createdAt, $1.file.header.part)
        }
        // The newest set reaches furthest (the laptop's clock may have been set back since); the time breaks a tie.
        func reach(_ set: String) -> Int64 {
            opened.filter { $0.file.header.set == set }.flatMap(\.push.batches).map(\.through).max() ?? 0
        }
        let newest = opened.map(\.file.header).max {
            (reach($0.set), $0.createdAt) < (reach($1.set), $1.createdAt)
        }!.set
        let superseded = opened.filter { $0.file.header.set != newest }.map(\.name)
        opened.removeAll { $0.file.header.set != newest }
        let last = opened[opened.count - 1]
        let village = last.file.header.village
        let names = try await reading { try $0.villageName(village) }
        var outcome = CarriedImport(village: village, answer: Data())
        if !superseded.isEmpty {
            outcome.lines.append("\(superseded.joined(separator: "、"))：已被更新的同步文件取代，跳过")
        }
        var acks: [Carried.Ack] = []
        // Where the county stands for the village's site: what a batch holds at or below it is acknowledged and not
        // applied again (the push path's own rule for a replay); a batch beginning past it is a gap.
        var cursor: Int64 = 0
        do {
            cursor = try await standing(of: last.file.header.site, village: village, key: last.key, maxSkew: maxSkew)
        } catch let refusal as PushRefusal {
            outcome.stopped = refusal.message(.carried)
            outcome.lines.append(refusal.message(.carried).zh)
        }
        files: for item in opened where outcome.stopped == nil {
            let label = "\(item.name)（\(item.file.header.part)/\(item.file.header.parts)）"
            var received = 0
            var held = 0
            for batch in item.push.batches {
                if batch.through <= cursor {
                    acks.append(
                        Carried.Ack(
                            response: Wire.PushResponse(
                                ackedThrough: batch.through, rejected: [], serverTime: clock.isoText(clock.now())),
                            withheld: [], already: true))
                    held += batch.changes.count
                    outcome.already += 1
                    continue
                }
                do {
                    let ack = try await push(batch, village: village, tokenID: item.key.tokenID, maxSkew: maxSkew)
                    try await notePushed(batch, ack)
                    let fresh = batch.changes.filter { $0.originSeq > cursor }.count
                    acks.append(
                        Carried.Ack(response: ack, withheld: batch.withheld.filter { $0 > cursor }, already: false))
                    received += fresh - ack.rejected.count
                    held += batch.changes.count - fresh
                    outcome.rejected += ack.rejected.count + batch.withheld.filter { $0 > cursor }.count
                    cursor = max(cursor, ack.ackedThrough)
                } catch PushRefusal.gap(let expected) {
                    outcome.gap = expected
                    outcome.lines.append(
                        "\(label)：缺少更早的文件——县里收到本村修改到 #\(expected)，这份从 #\(batch.after) 之后开始；"
                            + (item.file.header.part > 1
                                ? "请先导入第 \(item.file.header.part - 1) 部分" : "请村里带来更早的文件，或重新生成同步文件"))
                    break files
                } catch let refusal as PushRefusal {
                    outcome.stopped = refusal.message(.carried)
                    outcome.lines.append("\(label)：\(refusal.message(.carried).zh)")
                    break files
                }
            }
            outcome.received += received
            outcome.lines.append(
                "\(label)：" + (item.push.batches.isEmpty ? "没有新修改" : "收到 \(received) 条")
                    + (held > 0 ? "，\(held) 条此前已收到（未重复写入）" : ""))
        }
        // The village's pull, from where it stood when it made the (last) file, in the county's current epoch.
        let settings = try await settings()
        var after = last.push.epoch == settings.epoch ? last.push.pullAfter : 0
        var pages: [Carried.Page] = []
        var more = false
        for _ in 0..<Self.carriedPages {
            let page = try await pull(village: village, site: last.file.header.site, after: after, limit: 1000)
            try await notePulled(page.changes)
            if !page.changes.isEmpty {
                pages.append(Carried.Page(after: after, changes: page.changes, next: page.next))
            }
            outcome.pulled += page.changes.count
            after = page.next
            more = page.more
            if !page.more { break }
        }
        try await noteContact(village: village, via: "file")
        let answer = Carried.Answer(
            acks: acks, gap: outcome.gap, epoch: settings.epoch, pages: pages, more: more,
            serverTime: clock.isoText(clock.now()),
            refusal: outcome.stopped.map { Wire.ErrorBody(error: "refused", message: $0) },
            leadFoundHours: Int(try await value(of: .leadFoundHours) ?? ""))
        let header = CarriedFile.Header(
            kind: .answer, village: village, site: last.file.header.site, createdAt: clock.isoText(clock.now()),
            set: last.file.header.set)
        outcome.answer = try CarriedFile(header: header, payload: try JSONEncoder().encode(answer)).sealed(
            key: last.key)
        if let names { outcome.lines.insert("\(names)（\(village)）", at: 0) }
        return outcome
    }

    /// Where the county's copy of `site`'s changes ends, asked through the push path itself: an empty batch that
    /// begins past anything is answered with a gap and the cursor, after the same checks of village, site and token
    /// as any push (so a file of a site the county refuses is refused here, before anything is applied).
    func standing(of site: String, village: String, key: CarriedKey, maxSkew: TimeInterval) async throws -> Int64 {
        let beyond = Int64(1) << 60
        do {
            _ = try await push(
                Wire.PushRequest(site: site, after: beyond, through: beyond, changes: []), village: village,
                tokenID: key.tokenID, maxSkew: maxSkew)
        } catch PushRefusal.gap(let expected) {
            return expected
        }
        return beyond
    }

    /// The most pull pages (of 1,000 changes) one answer carries; the rest waits for the village's next file.
    static var carriedPages: Int { 50 }
}
