import ArgumentParser
import CountyServer
import RegistryCore

extension SyncServerCommand {
    /// `sync-server person correct|delete|restore ID`: the county correcting a village's file; the village gets the
    /// change at its next sync.
    struct PersonCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "person", abstract: "更正、删除或恢复村里的人员档案 / Correct, delete or restore a village's person.",
            subcommands: [Correct.self, Delete.self, Restore.self])

        struct Target: ParsableArguments {
            @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
            @Option(help: "村代码（同一人在多个村登记时必填） / Village code, when the person is in several villages.") var village:
                String?
        }

        struct Correct: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "更正姓名、手机号或住址 / Correct name, phone or address.")
            @OptionGroup var options: ServerOptionsGroup
            @OptionGroup var target: Target
            @Option(help: "姓名 / Name.") var name: String?
            @Option(help: "手机号（空字符串表示清除） / Phone (empty clears it).") var phone: String?
            @Option(help: "住址（空字符串表示清除） / Address (empty clears it).") var address: String?

            func run() async throws {
                try await options.run { db in
                    let (id, village, correction) = (
                        target.person, target.village, PersonCorrection(name: name, phone: phone, address: address)
                    )
                    let person = try await db.writing { try $0.correctPerson(id, village: village, correction) }
                    Terminal.out((options.language == .zh ? "已更正 " : "corrected ") + "\(person.village) \(person.id)")
                }
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "删除误登记的档案（可恢复） / Delete a file registered by mistake.")
            @OptionGroup var options: ServerOptionsGroup
            @OptionGroup var target: Target
            @Option(help: "删除原因（必填） / Why (required).") var reason: String

            func run() async throws {
                try await options.run { db in
                    let (id, village, reason) = (target.person, target.village, reason)
                    let person = try await db.writing {
                        try $0.setPersonDeleted(id, village: village, true, reason: reason)
                    }
                    Terminal.out((options.language == .zh ? "已删除 " : "deleted ") + "\(person.village) \(person.id)")
                }
            }
        }

        struct Restore: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "恢复已删除的档案 / Restore a deleted file.")
            @OptionGroup var options: ServerOptionsGroup
            @OptionGroup var target: Target

            func run() async throws {
                try await options.run { db in
                    let (id, village) = (target.person, target.village)
                    let person = try await db.writing { try $0.setPersonDeleted(id, village: village, false) }
                    Terminal.out((options.language == .zh ? "已恢复 " : "restored ") + "\(person.village) \(person.id)")
                }
            }
        }
    }
}
