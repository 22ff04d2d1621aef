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
            @Option(
                help: ArgumentHelp(
                    "本村令牌（首次后记住）；最好用 $REGISTRY_TOKEN 或按提示输入，命令行上的令牌会留在历史记录里 / This village's token (remembered); better $REGISTRY_TOKEN or the prompt.",
                    valueName: "token")) var token: String?
            @Option(help: "信任县里自签的 CA 证书（PEM，首次后记住） / Trust the county's own CA (PEM file, remembered).") var caCert:
                String?
            @Flag(help: "允许经未加密的 http:// 向非本机地址发送令牌（仅限县内专网） / Send the token over plain http:// to another machine.")
            var insecureHTTP = false
            @Option(
                help: ArgumentHelp(
                    "不联网：把待上传的修改写进同步文件，带到乡镇或县里导入 / No network: write the pending changes into a file to carry.",
                    valueName: "file")) var toFile: String?
            @Option(help: "与 --to-file 合用：每个文件最多多少字节，超出分成几部分 / Split into parts of at most this many bytes.")
            var maxBytes: Int?
            @Option(
                help: ArgumentHelp(
                    "导入县里的回复文件（确认、风险区、政策、协查） / Apply the county's answer file.", valueName: "file")) var fromFile:
                String?

            func validate() throws {
                if toFile != nil && fromFile != nil {
                    throw ValidationError("--to-file 与 --from-file 不能同时用 / give one of --to-file, --from-file")
                }
                if maxBytes != nil && toFile == nil {
                    throw ValidationError("--max-bytes 只与 --to-file 合用 / --max-bytes goes with --to-file")
                }
                if (toFile != nil || fromFile != nil) && (server != nil || caCert != nil) {
                    throw ValidationError("同步文件不连服务器：不需要 --server、--ca-cert / a file sync needs no --server, --ca-cert")
                }
            }

            func run() async throws {
                let lang = global.lang
                do {
                    let registry = try global.open()
                    if toFile != nil || fromFile != nil { return try await carried(registry, lang) }
                    let target: SyncTarget
                    do {
                        target = try SyncTarget.resolve(
                            registry, server: server,
                            token: token ?? ProcessInfo.processInfo.environment["REGISTRY_TOKEN"], caFile: caCert,
                            insecureHTTP: insecureHTTP, askToken: { TokenPrompt.read(lang) })
                    } catch SyncTarget.Missing.server {
                        throw RegistryError(
                            nil, zh: "首次同步请给出 --server 地址和令牌（$REGISTRY_TOKEN 或按提示输入）",
                            en: "the first sync needs --server URL and a token ($REGISTRY_TOKEN or the prompt)"
                        ).ending(.usage)
                    } catch SyncTarget.Missing.token {
                        throw RegistryError(
                            nil, zh: "缺少本村令牌：放在 $REGISTRY_TOKEN 中，或在终端里运行按提示输入",
                            en: "no token: put it in $REGISTRY_TOKEN, or run in a terminal and type it at the prompt"
                        ).ending(.usage)
                    }
                    let terminal = isatty(2) == 1
                    let session = target.session(registry)
                    let report = try await session.run { progress in
                        guard terminal else { return }
                        switch progress {
                        case .pushing(let done, let total):
                            FileHandle.standardError.write(
                                Data("\r\(lang == .zh ? "上传" : "pushing") \(done)/\(total)   ".utf8))
                        case .pulling(let done):
                            FileHandle.standardError.write(
                                Data("\r\(lang == .zh ? "下载" : "pulling") \(done)          ".utf8))
                        }
                    }
                    if terminal { FileHandle.standardError.write(Data("\r".utf8)) }
                    // The alert (a positive, persons classified again) in red on a terminal, before the counts.
                    if let alert = report.alert(lang) { Console.alert(alert) }
                    Console.out(report.summary(lang))
                    if report.rejected > 0 {
                        Console.error(
                            lang == .zh
                                ? "有被县服务器拒绝的修改，请运行 registry sync status 查看原因"
                                : "Some changes were refused; see registry sync status")
                    }
                } catch {
                    let refusal = RegistryError.from(error)
                    Console.error(refusal.message(lang))
                    throw ExitCode(refusal)
                }
            }

            /// `--to-file` and `--from-file`: the sync by carried files (`CarriedSync`), keyed by the village's token.
            func carried(_ registry: Registry, _ lang: Language) async throws {
                let given = token ?? ProcessInfo.processInfo.environment["REGISTRY_TOKEN"]
                let remembered = try registry.syncState().token
                guard
                    let secret = given ?? remembered ?? TokenPrompt.read(lang),
                    !secret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else {
                    throw RegistryError(
                        nil, zh: "同步文件要用本村令牌封存：放在 $REGISTRY_TOKEN 中，或在终端里按提示输入",
                        en:
                            "a sync file is sealed with this village's token: put it in $REGISTRY_TOKEN, or type it at the prompt"
                    ).ending(.usage)
                }
                let carried = CarriedSync(
                    registry: registry, token: secret.trimmingCharacters(in: .whitespacesAndNewlines))
                let zh = lang == .zh
                if let toFile {
                    let written = try await carried.write(to: toFile, maxBytes: maxBytes)
                    for file in written.files {
                        Console.out("\(file.path)  \(String(format: "%.1f KB", Double(file.bytes) / 1024))")
                    }
                    Console.out(
                        zh
                            ? "已写入 \(written.changes) 条待上传修改\(written.files.count > 1 ? "，共 \(written.files.count) 个文件" : "")。交乡镇或县里用 sync-server bundle import 导入，取回回复文件后运行 registry sync --from-file 回复文件"
                            : "\(written.changes) pending changes written\(written.files.count > 1 ? " in \(written.files.count) files" : ""); the county imports them with sync-server bundle import; apply its answer with registry sync --from-file"
                    )
                    return
                }
                guard let fromFile else { return }
                let applied = try await carried.apply(answer: fromFile)
                // The token sealed an answer the county made: it works, and is remembered.
                if given != nil { try registry.rememberSync(server: nil, token: secret, caFile: nil) }
                if let alert = applied.report.alert(lang) { Console.alert(alert) }
                Console.out(applied.report.summary(lang))
                if applied.already > 0 {
                    Console.out(
                        zh
                            ? "其中 \(applied.already) 批县里此前已收到（未重复写入）"
                            : "\(applied.already) batches the county held already")
                }
                if applied.report.rejected > 0 {
                    Console.error(
                        zh
                            ? "有被县服务器拒绝的修改，请运行 registry sync status 查看原因"
                            : "Some changes were refused; see registry sync status")
                }
                if applied.more {
                    Console.out(zh ? "县里还有数据没带回：再做一次同步文件带去" : "the county holds more: carry another file")
                }
                if let refusal = applied.refusal {
                    Console.error(
                        (zh ? "县里拒绝导入这份文件：" : "the county refused the file: ") + refusal.text(lang))
                    throw ExitCode(ExitStatus.refused.rawValue)
                }
                if let gap = applied.gap {
                    Console.error(
                        zh
                            ? "县里缺少本村更早的修改（只收到 #\(gap) 为止）：请重新运行 registry sync --to-file 生成新文件带去"
                            : "the county lacks earlier changes (it holds through #\(gap)): make a new file with registry sync --to-file"
                    )
                    throw ExitCode(ExitStatus.refused.rawValue)
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
                    Console.out(
                        (zh ? "上次成功同步：" : "Last successful sync: ")
                            + (status.last_success.map(ReadableTime.minute) ?? (zh ? "从未" : "never")))
                    Console.out((zh ? "被拒绝的修改：" : "Refused changes: ") + "\(status.rejected.count)")
                    if !status.rejected.isEmpty {
                        Console.out(
                            TextTable(
                                headers: zh
                                    ? ["序号", "表", "记录", "原因", "时间"] : ["Seq", "Table", "Record", "Reason", "At"],
                                rows: status.rejected.map {
                                    [String($0.seq), $0.table, $0.pk, $0.reason, ReadableTime.minute($0.rejected_at)]
                                }
                            ).aligned)
                    }
                }
            }
        }
    }
}
