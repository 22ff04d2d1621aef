import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand {
    /// `sync-server sweep order`: the county orders villages to sweep door to door (排查到户) by a time.
    struct SweepCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweep", abstract: "入户排查令 / Orders to sweep.", subcommands: [Order.self])

        struct Order: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "下达排查令：一个村、一个乡镇的各村或全县各村 / Order a village, a township or every village to sweep.",
                discussion: "各村下次同步时收到，列在今日工作第一项；进度见 sync-server merge 和看板“需要处理”。")
            @OptionGroup var options: ServerOptionsGroup
            @Option(help: "12 位村代码 / One village.") var village: String?
            @Option(help: "9 位乡镇代码 / Every village of a township.") var township: String?
            @Flag(help: "全县各村 / Every village.") var all = false
            @Option(help: "原因（如 新增风险区 某地） / Why.") var reason: String
            @Option(help: "完成时限 \"YYYY-MM-DD HH:MM\" / Due by.") var due: String

            func validate() throws {
                guard [village != nil, township != nil, all].filter({ $0 }).count == 1 else {
                    throw ValidationError("--village、--township、--all 三选一 / give one of --village, --township, --all")
                }
            }

            func run() async throws {
                try await options.run { db in
                    let (reason, due, code) = (reason, due, village ?? township)
                    let (_, villages) = try await db.writing { try $0.orderSweep(code: code, reason: reason, due: due) }
                    Terminal.out(
                        options.language == .zh
                            ? "已下达排查令：\(reason)，\(due) 前完成，共 \(villages.count) 个村（下次同步时下发）"
                            : "sweep ordered: \(reason), due \(due), \(villages.count) villages (sent at their next sync)"
                    )
                }
            }
        }
    }
}
