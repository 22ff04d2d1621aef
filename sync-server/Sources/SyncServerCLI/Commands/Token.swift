import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

extension SyncServerCommand {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "村令牌 / Village tokens.", subcommands: [Issue.self, Revoke.self, List.self])

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "签发令牌（只显示这一次） / Issue a token (shown once).")
            @OptionGroup var options: ServerOptionsGroup
            @Option(help: "12 位村代码（县级服务器） / Village code (a county server).") var village: String?
            @Flag(help: "本级令牌：查看汇总和看板 / This server's own token, for the summary and the dashboard.") var county = false
            @Option(help: "6 位下级区划代码（市、省级服务器，须在名册中） / A region of this server's roster.") var region: String?

            func validate() throws {
                if [village != nil, county, region != nil].filter({ $0 }).count != 1 {
                    throw ValidationError("give --village CODE, --region CODE or --county")
                }
            }

            func run() async throws {
                try await options.run { db in
                    Terminal.out(
                        try await db.issueToken(village: county ? try await db.settings().county : village ?? region!))
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "吊销令牌 / Revoke a village's tokens.")
            @OptionGroup var options: ServerOptionsGroup
            @Option(help: "12 位村代码 / Village code.") var village: String
            @Option(help: "只吊销这一个令牌 / Only this token.") var token: String?

            func run() async throws {
                try await options.run { db in
                    let n = try await db.revokeTokens(village: village, token: token)
                    Terminal.out(options.language == .zh ? "已吊销 \(n) 个令牌" : "revoked \(n)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出令牌（不含密钥） / List tokens (no secrets).")
            @OptionGroup var options: ServerOptionsGroup

            func run() async throws {
                try await options.run { db in
                    for token in try await db.tokens() {
                        let zh = options.language == .zh
                        Terminal.out(
                            "\(token.village)  \(token.name ?? (token.village.count == 6 ? (zh ? "本级令牌" : "own token") : (zh ? "（不在村名册）" : "(not on the roster)")))  "
                                + (zh ? "编号 \(token.id.prefix(8))  " : "id \(token.id.prefix(8))  ")
                                + (zh ? "签发 \(token.createdAt)  " : "issued \(token.createdAt)  ")
                                + (zh
                                    ? "最近上传 \(token.lastUsed ?? "从未")  " : "last push \(token.lastUsed ?? "never")  ")
                                + (token.revokedAt.map { zh ? "已吊销 \($0)" : "revoked \($0)" } ?? (zh ? "有效" : "active"))
                        )
                    }
                }
            }
        }
    }
}
