import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

/// `sync-server upstream set|sync|status|unset`: linking this server (a county, or a city) to the one above, and
/// relaying its region's log up.
struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream", abstract: "上级服务器（逐级上报） / The server above.",
        subcommands: [Set.self, Sync.self, Status.self, Unset.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "连接上级服务器 / Link to the server above.",
            discussion:
                "sync-server upstream set --server https://city.example/ --token 上级签发的令牌（或放在 $SYNC_SERVER_UPSTREAM_TOKEN 中）"
        )
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "上级服务器网址 / The upper server's URL.") var server: String
        @Option(help: "上级签发给本级的令牌（也可用 $SYNC_SERVER_UPSTREAM_TOKEN） / The token the server above issued.") var token:
            String?
        @Flag(help: "人员脱敏上报：身份证号换成散列值，手机号、姓名打码，不报住址和出生日期 / Send persons up masked.") var mask = false
        @Option(
            name: .customLong("mask-key"),
            help: "本省脱敏密钥文件（sync-server mask-key generate） / The province's mask key file.") var maskKey: String?
        @Option(help: "信任上级自签的 CA 证书（PEM） / Trust the upper server's own CA (PEM file).") var caCert: String?
        @Flag(help: "允许经未加密的 http:// 向非本机地址发送令牌（仅限专网） / Send the token over plain http:// to another machine.")
        var insecureHTTP = false

        func run() async throws {
            try await options.run { db in
                guard let token = token ?? ProcessInfo.processInfo.environment["SYNC_SERVER_UPSTREAM_TOKEN"] else {
                    throw RegistryError(
                        nil, zh: "缺少 --token（或 $SYNC_SERVER_UPSTREAM_TOKEN）",
                        en: "--token (or $SYNC_SERVER_UPSTREAM_TOKEN) is missing")
                }
                guard mask == (maskKey != nil) else {
                    throw RegistryError(nil, zh: "--mask 与 --mask-key 须一起给出", en: "--mask and --mask-key go together")
                }
                let key = try maskKey.map { try RelayMask(file: $0).hex }
                let upstream = try Upstream.checked(
                    url: server, token: token, maskKey: key, caFile: caCert, insecureHTTP: insecureHTTP)
                let settings = try await db.settings()
                guard settings.level != .province else {
                    throw RegistryError(nil, zh: "省级服务器没有上级", en: "a province server has no server above")
                }
                try await db.setUpstream(upstream)
                Terminal.out(
                    options.language == .zh
                        ? "已连接上级服务器 \(upstream.url)\(mask ? "（人员脱敏上报）" : "")；运行 sync-server upstream sync 立即上报，或 serve --upstream-every 5m 定时上报"
                        : "linked to \(upstream.url); run sync-server upstream sync now, or serve --upstream-every 5m")
            }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "立即向上级转发本级的新数据 / Relay what is new to the server above now.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                guard let upstream = try await db.upstream() else {
                    throw RegistryError(
                        nil, zh: "尚未连接上级服务器：先运行 sync-server upstream set --server 网址 --token 令牌",
                        en: "no upper server is set: run sync-server upstream set --server URL --token TOKEN first")
                }
                let report = try await RelaySession.to(upstream, store: db).run()
                Terminal.out(report.text(options.language))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "上报进度和被上级拒绝的记录 / Relay progress and what the server above refused.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                let zh = options.language == .zh
                guard let upstream = try await db.upstream() else {
                    Terminal.out(zh ? "未连接上级服务器" : "no upper server is set")
                    return
                }
                let last = try await db.lastLogSeq()
                Terminal.out(
                    zh
                        ? "上级服务器 \(upstream.url)\(upstream.maskKey != nil ? "（人员脱敏上报）" : "")，已上报至 \(upstream.cursor)，本级日志至 \(last)"
                        : "upper server \(upstream.url)\(upstream.maskKey != nil ? " (persons masked)" : ""), relayed through \(upstream.cursor), log through \(last)"
                )
                for rejection in try await db.relayRejections() {
                    Terminal.out(
                        "\(rejection.seq)  \(rejection.table) \(rejection.pk)  \(rejection.reason)  \(rejection.at)")
                }
            }
        }
    }

    struct Unset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "断开上级服务器 / Unlink the server above.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                try await db.setUpstream(nil)
                Terminal.out(options.language == .zh ? "已断开上级服务器" : "unlinked")
            }
        }
    }
}

extension RelaySession.Report {
    func text(_ language: Language) -> String {
        language == .zh
            ? "已向上级转发 \(sent) 条（\(batches) 批），被拒绝 \(rejected) 条，已上报至 \(cursor)"
                + (rejected > 0 ? "（原因见 sync-server upstream status）" : "")
                + "；从上级收到 \(received) 条，新写入 \(written) 条"
            : "relayed \(sent) entries in \(batches) batches, \(rejected) rejected, through \(cursor)"
                + (rejected > 0 ? " (see sync-server upstream status)" : "")
                + "; received \(received) from above, \(written) new here"
    }
}

/// `serve --upstream-every`: relays up on a schedule while the server runs; a failed run is logged and tried again
/// at the next turn (the server above may be down for hours; nothing is lost meanwhile).
struct UpstreamSchedule {
    /// Seconds from `30s`, `5m`, `1h` (or a bare number of seconds).
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let (number, unit) = units[text.last ?? " "].map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let value = Double(number), value >= 1, value * unit <= 86_400 else { return nil }
        return value * unit
    }

    static func run(every interval: TimeInterval, store: any CountyStore, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            if Task.isCancelled { return }
            do {
                guard let upstream = try await store.upstream() else { continue }
                let report = try await RelaySession.to(upstream, store: store, attempts: 1).run()
                if report.sent > 0 {
                    logger.info(
                        "relay up",
                        metadata: [
                            "sent": .stringConvertible(report.sent), "rejected": .stringConvertible(report.rejected),
                            "through": .stringConvertible(report.cursor),
                        ])
                }
            } catch {
                logger.warning(
                    "relay up failed; tried again at the next turn",
                    metadata: ["error": .string(RegistryError.from(error).message(.en))])
            }
        }
    }
}
