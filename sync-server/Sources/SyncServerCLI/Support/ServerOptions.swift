import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

/// `--db`, shared by every command.
struct ServerOptionsGroup: ParsableArguments {
    @Option(
        help:
            "县数据库：SQLite 文件或 postgres://用户:密码@主机:端口/库 / County database: a SQLite file or a postgres:// URL (default: $SYNC_SERVER_DB or ./county.sqlite)."
    ) var db: String?
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

/// Printing for the county operator: what villages pushed (names, reasons) may hold control characters, which are
/// removed before they reach the terminal (`terminalSafe`).
enum Terminal {
    static func out(_ text: String, terminator: String = "\n") { print(text.terminalSafe, terminator: terminator) }

    /// `--format json`: indented, keys sorted (a script diffs two days' output), printed like any other text.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
