import ArgumentParser
import CountyServer
import Foundation
import RegistryCore
import RegistrySync

extension SyncServerCommand {
    /// `sync-server bundle import`: a village's sync by carried files (`registry sync --to-file`), where it has no
    /// network; the answer goes back to it on the same stick (`registry sync --from-file`).
    struct BundleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bundle", abstract: "村里带来的同步文件 / Sync files carried from a village.",
            subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入一个村的同步文件，写出回复文件 / Import a village's sync files and write its answer.",
                discussion: """
                    与联网同步走同一条路径（同样的检查、编号和拒绝）。文件须由该村当前的令牌生成且未被改动；\
                    同一文件导入两次不会重复写入；分成几部分的文件可一次给出。回复文件（确认和下发的风险区、政策、协查）\
                    交回村里运行 registry sync --from-file。
                    """)
            @OptionGroup var options: ServerOptionsGroup
            @Argument(help: "同步文件（可多个：分部分的文件） / The files (several: the parts).") var files: [String]
            @Option(help: "回复文件写到哪里 / Where to write the answer.") var answerTo: String?
            @Option(help: "允许的时钟超前（秒） / Allowed clock skew in seconds.") var maxSkew = 600

            func run() async throws {
                try await options.run { db in
                    let zh = options.language == .zh
                    let data = try files.map {
                        (name: ($0 as NSString).lastPathComponent, data: try CarriedFile.read($0))
                    }
                    let outcome = try await db.importCarried(data, maxSkew: TimeInterval(maxSkew))
                    for line in outcome.lines { Terminal.out(line) }
                    Terminal.out(
                        zh
                            ? "收到 \(outcome.received) 条修改，拒绝 \(outcome.rejected) 条"
                                + (outcome.already > 0 ? "，\(outcome.already) 批此前已收到（未重复写入）" : "")
                            : "received \(outcome.received) changes, refused \(outcome.rejected)"
                                + (outcome.already > 0
                                    ? ", \(outcome.already) batches held already (not written twice)" : ""))
                    if let answerTo {
                        try PrivateFile.write(outcome.answer, to: answerTo, overwrite: true)
                        Terminal.out(
                            zh
                                ? "回复文件：\(answerTo)（下发 \(outcome.pulled) 条），交回村里运行 registry sync --from-file \((answerTo as NSString).lastPathComponent)"
                                : "answer: \(answerTo) (\(outcome.pulled) changes down); the village applies it with registry sync --from-file"
                        )
                    } else {
                        Terminal.out(zh ? "未写回复文件（用 --answer-to 给出），村里的确认要等下次" : "no answer written (--answer-to)")
                    }
                    guard outcome.complete else { throw ExitCode(ExitStatus.refused.rawValue) }
                }
            }
        }
    }
}
