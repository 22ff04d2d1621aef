import ArgumentParser
import CountyServer
import RegistryCore

/// `sync-server backup -o FILE`: a consistent copy of the county's SQLite database while villages keep syncing.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "备份县数据库（服务运行中即可） / Back up the county database (while serving).",
        discussion: """
            恢复演练：停止 serve，把备份复制回 --db 的位置，运行 sync-server restored（开始新纪元），再启动 serve；各村下次同步时补传备份之后的修改，
            并重新下载县里的数据。PostgreSQL 用 pg_dump 或基础备份（见 README）。
            """)
    @OptionGroup var options: ServerOptionsGroup
    @Option(name: .shortAndLong, help: "备份文件（不能已存在；只有本人可读） / The backup file (must not exist; readable by you only).")
    var output: String

    func run() async throws {
        try await options.run { store in
            guard let database = store as? CountyDatabase else {
                throw RegistryError(
                    nil, zh: "PostgreSQL 数据库请用 pg_dump 或基础备份（见 README）",
                    en: "for PostgreSQL use pg_dump or a base backup (see the README)")
            }
            let bytes = try database.backup(to: output)
            Terminal.out(
                options.language == .zh
                    ? "已备份到 \(output)（\(bytes / 1024) KB）" : "backed up to \(output) (\(bytes / 1024) KB)")
        }
    }
}
