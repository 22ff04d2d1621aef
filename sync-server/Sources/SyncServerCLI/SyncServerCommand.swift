import ArgumentParser
import CountyServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import RegistryCore

/// `sync-server`: the county's server and its administration commands. A thin shell over CountyServer.
@main
struct SyncServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-server",
        abstract: "县级汇总与同步服务器 / The county's sync server.",
        discussion: ExitStatus.help,
        version: RegistryVersion.current,
        subcommands: [Init.self, Villages.self, RegionsCommand.self, Token.self, ResultsCommand.self, RiskAreas.self, Leads.self, PersonCommand.self, Merge.self, Serve.self, UpstreamCommand.self, MaskKeyCommand.self, Restored.self,
                      Copy.self, PosterCommand.self, BackupCommand.self])
}

/// `--db`, shared by every command.
struct ServerOptionsGroup: ParsableArguments {
    @Option(help: "县数据库：SQLite 文件或 postgres://用户:密码@主机:端口/库 / County database: a SQLite file or a postgres:// URL (default: $SYNC_SERVER_DB or ./county.sqlite).") var db: String?
    @Option(help: "输出语言 zh|en.") var lang: String = "zh"

    var language: Language { Language(rawValue: lang) ?? .zh }
    var path: String { db ?? ProcessInfo.processInfo.environment["SYNC_SERVER_DB"] ?? "county.sqlite" }

    /// Opens the store `--db` names: a `postgres://` URL, or else a SQLite file.
    func open() async throws -> any CountyStore {
        let fixed = ProcessInfo.processInfo.environment["SYNC_SERVER_NOW"].flatMap(RegistryClock.parseNow)
        return try await openStore(path, clock: RegistryClock(now: { fixed ?? Date() }))
    }

    /// Runs `body` on the store, closing it after; a refusal becomes one line on stderr and a non-zero exit.
    func run(_ body: (any CountyStore) async throws -> Void) async throws {
        do {
            let store = try await open()
            do {
                try await body(store)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let refusal = RegistryError.from(error)
            FileHandle.standardError.write(Data((refusal.message(language).terminalSafe + "\n").utf8))
            throw ExitCode(refusal.status.rawValue)
        }
    }
}

extension SyncServerCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "建立县（市、省）数据库 / Set up the server's database.",
            discussion: "sync-server init --county 420102 --name 江岸区，或 --region 420100 --level city --name 武汉市。")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "6 位县级区划代码（等于 --region CODE --level county） / 6-digit county code.") var county: String?
        @Option(help: "6 位区划代码：县、市（以 00 结尾）或省（以 0000 结尾） / 6-digit region code.") var region: String?
        @Option(help: "county|city|province（县级、市级、省级；默认 county）.") var level: String = "county"
        @Option(help: "名称 / Name.") var name: String

        func validate() throws {
            if (county == nil) == (region == nil) { throw ValidationError("give --county CODE, or --region CODE --level county|city|province") }
            if county != nil, level != "county" { throw ValidationError("--county sets up a county; use --region CODE --level \(level)") }
            if RegionLevel(rawValue: level) == nil { throw ValidationError("--level: county, city or province") }
        }

        func run() async throws {
            try await options.run { db in
                let settings = try await db.initialize(region: county ?? region!, level: RegionLevel(rawValue: level)!, name: name)
                Terminal.out(options.language == .zh
                             ? "已建立\(settings.level.chinese)数据库：\(settings.name)（\(settings.county)），数据库 \(displayed(options.path))"
                             : "\(settings.level.rawValue) \(settings.county) \(settings.name) ready in \(displayed(options.path))")
            }
        }
    }

    struct Villages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "村名册 / The roster of villages.", subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入村名册 CSV（code,name,township_code,township_name[,contact]；contact：村联系人姓名和电话，只存县里）.")
            @OptionGroup var options: ServerOptionsGroup
            @Argument var file: String

            func run() async throws {
                try await options.run { db in
                    let csv = try CSVFile(path: file)
                    let contacts = try VillageContacts.parse(csv)  // checked first: a bad one refuses the whole file
                    let result = try await db.writing { try $0.importVillages(csv) }
                    try await db.setVillageContacts(contacts)
                    Terminal.out(options.language == .zh ? "村名册：新增 \(result.added)，更新 \(result.updated)"
                                                          : "villages: \(result.added) added, \(result.updated) updated")
                }
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "村令牌 / Village tokens.", subcommands: [Issue.self, Revoke.self, List.self])

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "签发令牌（只显示这一次） / Issue a token (shown once).")
            @OptionGroup var options: ServerOptionsGroup
            @Option(help: "12 位村代码（县级服务器） / Village code (a county server).") var village: String?
            @Flag(help: "本级令牌：查看汇总和看板 / This server's own token, for the summary and the dashboard.") var county = false
            @Option(help: "6 位下级区划代码（市、省级服务器，须在名册中） / A region of this server's roster.") var region: String?

            func validate() throws {
                if [village != nil, county, region != nil].filter({ $0 }).count != 1 { throw ValidationError("give --village CODE, --region CODE or --county") }
            }

            func run() async throws {
                try await options.run { db in
                    Terminal.out(try await db.issueToken(village: county ? try await db.settings().county : village ?? region!))
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "吊销令牌 / Revoke a village's tokens.")
            @OptionGroup var options: ServerOptionsGroup
            @Option(help: "12 位村代码 / Village code.") var village: String
            @Option(help: "只吊销这一个令牌 / Only this token.") var token: String?

            func run() async throws {
                try await options.run { db in
                    let n = try await db.revokeTokens(village: village, token: token)
                    Terminal.out(options.language == .zh ? "已吊销 \(n) 个令牌" : "revoked \(n)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出令牌（不含密钥） / List tokens (no secrets).")
            @OptionGroup var options: ServerOptionsGroup

            func run() async throws {
                try await options.run { db in
                    for token in try await db.tokens() {
                        let zh = options.language == .zh
                        Terminal.out("\(token.village)  \(token.name ?? (token.village.count == 6 ? (zh ? "本级令牌" : "own token") : (zh ? "（不在村名册）" : "(not on the roster)")))  "
                                     + (zh ? "签发 \(token.createdAt)  " : "issued \(token.createdAt)  ")
                                     + (token.revokedAt.map { zh ? "已吊销 \($0)" : "revoked \($0)" } ?? (zh ? "有效" : "active")))
                    }
                }
            }
        }
    }

    struct RiskAreas: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "risk-areas", abstract: "发布风险区 / Publish risk areas.",
                                                        subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "导入并发布风险区名单 CSV.")
            @OptionGroup var options: ServerOptionsGroup
            @Argument var file: String

            func run() async throws {
                try await options.run { db in
                    let csv = try CSVFile(path: file)
                    let result = try await db.writing { try $0.importRiskAreas(csv) }
                    Terminal.out(result.text(options.language))
                }
            }
        }
    }

    struct Restored: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "从备份恢复后运行：开始新纪元，各村重新下载 / After restoring a backup: new epoch.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                let epoch = try await db.newEpoch()
                Terminal.out(options.language == .zh ? "已开始新纪元 \(epoch)：各村下次同步时重新下载" : "new epoch \(epoch)")
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "运行服务器 / Run the server.")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "监听地址 / Host.") var host = "127.0.0.1"
        @Option(help: "端口（0 为任意空闲端口） / Port (0: any free port).") var port = 8080
        @Option(help: "允许的时钟超前（秒） / Allowed clock skew in seconds.") var maxSkew = 600
        @Option(help: "新连接须在几秒内发出请求头 / Seconds a new connection has to send its request headers.") var headerTimeout = 30.0
        @Option(help: "保持连接的空闲上限（秒） / Seconds a kept-alive connection may sit idle.") var idleTimeout = 60.0
        @Option(help: "每个地址最多同时连接数 / Connections one address may hold at once.") var maxConnectionsPerAddress = 256
        @Option(help: ArgumentHelp("请求体上限（字节） / The largest request body, in bytes.", visibility: .hidden)) var maxBodyBytes = 2 << 20
        @Option(help: "定时向上级转发，如 5m、30s、1h（须先 upstream set） / Relay up on this schedule, e.g. 5m.") var upstreamEvery: String?
        @Option(help: "HTTPS 证书链（PEM） / Serve HTTPS with this certificate chain (PEM).") var tlsCert: String?
        @Option(help: "HTTPS 私钥（PEM） / The certificate's private key (PEM).") var tlsKey: String?

        func validate() throws {
            if let upstreamEvery, UpstreamSchedule.seconds(upstreamEvery) == nil {
                throw ValidationError("--upstream-every: a duration such as 30s, 5m or 1h (at most 24h)")
            }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        }

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            ServerMetrics.bootstrap()
            keepFreedMemory()
            let logger = Logger(label: "sync-server")
            try await options.run { db in
                _ = try await db.settings()
                var serverOptions = ServerOptions(host: host, port: port)
                serverOptions.maxSkew = TimeInterval(maxSkew)
                serverOptions.headerTimeout = headerTimeout
                serverOptions.idleTimeout = idleTimeout
                serverOptions.connectionsPerAddress = maxConnectionsPerAddress
                serverOptions.maxBody = maxBodyBytes
                if let tlsCert, let tlsKey { serverOptions.tls = (tlsCert, tlsKey) }
                let app = try buildApplication(store: db, options: serverOptions, logger: logger) { port in
                    // Scripts and tests read the bound port from this line.
                    FileHandle.standardOutput.write(Data("listening on \(tlsCert == nil ? "" : "https://")\(host):\(port)\n".utf8))
                }
                let relay = upstreamEvery.flatMap(UpstreamSchedule.seconds).map { interval in
                    Task { await UpstreamSchedule.run(every: interval, store: db, logger: logger) }
                }
                defer { relay?.cancel() }
                try await app.runService()
            }
        }
    }
}

/// Tells glibc's allocator to keep up to 128 MB of freed memory instead of handing it back to the kernel at once.
/// The server's many threads (event loops, the database's reader and writer queues) each get an arena, and glibc
/// trimmed them after nearly every request: under 500 villages pushing at once the kernel spent a quarter of the
/// server's time mapping pages back in and flushing other cores' TLBs (`perf`: page faults, `madvise`). Measured:
/// 500 × 1,000 changes in pushes of 50, all at once, 36.1 -> 30.0 s, system time 12.3 -> 6.5 s; peak memory unchanged
/// (130 MB). The server's memory stays bounded by what it uses at its peak.
func keepFreedMemory() {
    #if canImport(Glibc)
    // mallopt is declared in malloc.h, which Glibc's Swift module does not include: look it up by name.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-1, 128 << 20)  // M_TRIM_THRESHOLD
    _ = mallopt(-3, 128 << 20)  // M_MMAP_THRESHOLD
    #endif
}

/// Printing for the county operator: what villages pushed (names, reasons) may hold control characters, which are
/// removed before they reach the terminal (`terminalSafe`).
enum Terminal {
    static func out(_ text: String, terminator: String = "\n") { print(text.terminalSafe, terminator: terminator) }
}
