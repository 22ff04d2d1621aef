import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

extension SyncServerCommand {
    struct Restored: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "从备份恢复后运行：开始新纪元，各村重新下载 / After restoring a backup: new epoch.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                let epoch = try await db.newEpoch()
                Terminal.out(options.language == .zh ? "已开始新纪元 \(epoch)：各村下次同步时重新下载" : "new epoch \(epoch)")
            }
        }
    }
}
