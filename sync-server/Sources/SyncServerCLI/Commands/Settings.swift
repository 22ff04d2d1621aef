import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand {
    /// `sync-server settings set KEY VALUE` and `settings list`: the county's settings an officer sets.
    struct SettingsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "settings", abstract: "县里的设置 / The county's settings.", subcommands: [Set.self, List.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "设置一项 / Set one.",
                discussion: """
                    quiet_hours：多少小时未联系列为“长时间未联系”（默认 24）。\
                    lead_receive_hours、lead_found_hours、lead_measure_hours：协查线索从下发起到村里收到（默认 2）、\
                    核查结果回到县里（24）、找到的人落实管控（24）的时限，小时。
                    """)
            @OptionGroup var options: ServerOptionsGroup
            @Argument(help: "设置名 / The setting.") var key: String
            @Argument(help: "值 / Its value.") var value: String

            func run() async throws {
                guard let setting = CountySetting(rawValue: key), CountySetting.officerSettable.contains(setting) else {
                    throw RegistryError(
                        nil,
                        zh: "没有这项设置：\(key)（可设：\(CountySetting.officerSettable.map(\.rawValue).joined(separator: "、"))）",
                        en:
                            "no such setting: \(key) (settable: \(CountySetting.officerSettable.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                try await options.run { db in
                    try await db.set(setting, to: value)
                    Terminal.out("\(setting.rawValue) = \(try await db.value(of: setting) ?? "")")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出 / List them.")
            @OptionGroup var options: ServerOptionsGroup

            func run() async throws {
                try await options.run { db in
                    for setting in CountySetting.officerSettable {
                        Terminal.out("\(setting.rawValue) = \(try await db.value(of: setting) ?? "")")
                    }
                }
            }
        }
    }
}
