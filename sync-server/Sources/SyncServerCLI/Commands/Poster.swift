import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand {
    /// `sync-server poster --village CODE | --all --base-url URL -o FILE.html`: the A4 poster with a QR code of the
    /// village's declaration page (返乡报备), to print and put up at the village entrance.
    struct PosterCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "poster", abstract: "打印返乡报备二维码海报（A4） / The declaration poster with its QR code (A4).")

        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "村代码（可重复） / Village code (repeatable).") var village: [String] = []
        @Flag(help: "名册上的所有村，每村一页 / Every village on the roster, one page each.") var all = false
        @Option(help: "群众手机能访问的县服务器地址，如 https://county.example.cn / The server's address as phones reach it.")
        var baseURL: String
        @Option(name: .shortAndLong, help: "输出的 HTML 文件 / The HTML file to write.") var output: String

        func validate() throws {
            if all == !village.isEmpty { throw ValidationError("give --village CODE (repeatable) or --all") }
        }

        func run() async throws {
            try await options.run { db in
                let name = try await db.settings().name
                let (villages, base) = (all ? nil : village, baseURL)
                let page = try await db.reading {
                    try Poster.html($0, countyName: name, villages: villages, baseURL: base)
                }
                try Data(page.utf8).write(to: URL(fileURLWithPath: output))
                Terminal.out((options.language == .zh ? "已写出海报：" : "poster written: ") + output)
            }
        }
    }
}
