import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry backup -o FILE`: a consistent copy of the registry, taken while the clerk's pages keep working.
    struct BackupCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup", abstract: "备份登记库（可在使用中进行） / Back up the registry (while it is in use).",
            discussion: "恢复：把备份文件复制回原位置（先停止 registry serve），再运行 registry sync：县里有的会重新下载，本机备份之后的修改需重新录入。")

        @OptionGroup var global: GlobalOptions
        @Option(
            name: .shortAndLong, help: "备份文件（不能已存在；只有本人可读） / The backup file (must not exist; readable by you only).")
        var output: String

        func run() throws {
            try global.run { registry in
                let bytes = try registry.backup(to: output)
                Console.out(
                    global.lang == .zh
                        ? "已备份到 \(output)（\(bytes / 1024) KB）" : "Backed up to \(output) (\(bytes / 1024) KB)")
            }
        }
    }
}
