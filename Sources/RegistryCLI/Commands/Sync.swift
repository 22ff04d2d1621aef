import ArgumentParser
import Foundation
import RegistryCore
import RegistrySync

extension RegistryCommand {
    /// `registry sync`: push this village's changes to the county and pull what it publishes; `sync status`.
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "与县服务器同步 / Sync with the county server.", subcommands: [Run.self, Status.self],
            defaultSubcommand: Run.self)

        struct Run: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "run", abstract: "同步（默认） / Sync now.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "县服务器地址（首次后记住） / County server URL (remembered).") var server: String?
            @Option(help: "本村令牌（首次后记住） / This village's token (remembered).") var token: String?

            func run() async throws {
                let lang = global.lang
                do {
                    let registry = try global.open()
                    let state = try await registry.writer.write { db in
                        try SyncState.remember(db, server: server, token: token)
                        return try SyncState.load(db)
                    }
                    guard let address = state.server, let url = URL(string: address), url.scheme != nil, let secret = state.token else {
                        throw RegistryError(nil, zh: "首次同步请给出 --server 地址和 --token 令牌", en: "the first sync needs --server URL and --token TOKEN")
                    }
                    let terminal = isatty(2) == 1
                    let session = SyncSession(registry: registry, transport: HTTPTransport(base: url, token: secret))
                    let report = try await session.run { progress in
                        guard terminal else { return }
                        switch progress {
                        case .pushing(let done, let total):
                            FileHandle.standardError.write(Data("\r\(lang == .zh ? "上传" : "pushing") \(done)/\(total)   ".utf8))
                        case .pulling(let done):
                            FileHandle.standardError.write(Data("\r\(lang == .zh ? "下载" : "pulling") \(done)          ".utf8))
                        }
                    }
                    if terminal { FileHandle.standardError.write(Data("\r".utf8)) }
                    Console.out(report.text(lang))
                    if report.rejected > 0 {
                        Console.error(lang == .zh ? "有被县服务器拒绝的修改，请运行 registry sync status 查看原因" : "Some changes were refused; see registry sync status")
                    }
                } catch {
                    Console.error(RegistryError.from(error).message(lang))
                    throw ExitCode.failure
                }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "同步状态、待上传和被拒的修改 / Pending and rejected changes.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "输出格式 table|json.") var format: OutputFormat = .table

            func run() throws {
                try global.run { registry in
                    let status = try SyncStatus.of(registry)
                    if format == .json { return Console.out(JSONText.encode(status)) }
                    let zh = global.lang == .zh
                    Console.out((zh ? "县服务器：" : "Server: ") + (status.server ?? (zh ? "未设置" : "not set")))
                    Console.out((zh ? "待上传修改：" : "Pending changes: ") + "\(status.pending)")
                    Console.out((zh ? "上次成功同步：" : "Last successful sync: ") + (status.last_success ?? (zh ? "从未" : "never")))
                    Console.out((zh ? "被拒绝的修改：" : "Refused changes: ") + "\(status.rejected.count)")
                    if !status.rejected.isEmpty {
                        Console.out(TextTable(headers: zh ? ["序号", "表", "记录", "原因", "时间"] : ["Seq", "Table", "Record", "Reason", "At"],
                                              rows: status.rejected.map { [String($0.seq), $0.table, $0.pk, $0.reason, $0.rejected_at] }).aligned)
                    }
                }
            }
        }
    }
}
