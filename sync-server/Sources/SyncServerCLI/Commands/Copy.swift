import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand {
    /// `sync-server copy --from SRC --to DST`: a county's whole state to another store (SQLite ↔ PostgreSQL).
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "把整个县数据库复制到另一个库（SQLite 与 PostgreSQL 之间） / Copy the county's whole state to another store.",
            discussion: "目标必须是空库。复制时请停止 serve。 / The target must be empty; stop `serve` while copying.")
        @Option(help: "源：SQLite 文件或 postgres:// 地址 / Source: a SQLite file or a postgres:// URL.") var from: String
        @Option(help: "目标：空的 SQLite 文件或 postgres:// 数据库 / Target: a new SQLite file or an empty postgres:// database.")
        var to: String
        @Option(help: "输出语言 zh|en.") var lang: String = "zh"

        func run() async throws {
            let language = Language(rawValue: lang) ?? .zh
            let clock = RegistryClock(now: { Date() })
            do {
                guard from != to else {
                    throw RegistryError(nil, zh: "源和目标相同", en: "the source and the target are the same")
                }
                if !from.hasPrefix("postgres"), !FileManager.default.fileExists(atPath: from) {
                    throw RegistryError(nil, zh: "找不到源数据库 \(from)", en: "no source database at \(from)")
                }
                let source = try await openStore(from, clock: clock)
                let target: any CountyStore
                do { target = try await openStore(to, clock: clock) } catch {
                    await source.close()
                    throw error
                }
                let result: StoreCopy.Result
                do {
                    guard let from = source as? any TableCopying, let to = target as? any TableCopying else {
                        throw RegistryError(nil, zh: "这种数据库不能复制", en: "this store cannot be copied")
                    }
                    result = try await StoreCopy.copy(from: from, to: to)
                } catch {
                    await source.close()
                    await target.close()
                    throw error
                }
                await source.close()
                await target.close()
                let total = result.counts.reduce(0) { $0 + $1.rows }
                let log = result.counts.first { $0.table == "change_log" }?.rows ?? 0
                Terminal.out(
                    language == .zh
                        ? "已复制 \(total) 行（其中修改日志 \(log) 条），核对无误。各村无需任何操作，继续同步即可。"
                        : "copied \(total) rows (\(log) log entries); counts checked. Villages keep syncing as before.")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                FileHandle.standardError.write(
                    Data((RegistryError.from(error).message(language).terminalSafe + "\n").utf8))
                throw ExitCode.failure
            }
        }
    }
}
