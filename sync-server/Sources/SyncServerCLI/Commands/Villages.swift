import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

extension SyncServerCommand {
    struct Villages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "村名册，无疫村状态 / The roster of villages, and 无疫村 status.",
            subcommands: [Import.self, Status.self, Review.self, Certify.self, Certificate.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入村名册 CSV（code,name,township_code,township_name[,contact]；contact：村联系人姓名和电话，只存县里）.")
            @OptionGroup var options: ServerOptionsGroup
            @Argument var file: String

            func run() async throws {
                try await options.run { db in
                    let csv = try CSVFile(path: file)
                    let contacts = try VillageContacts.parse(csv)  // checked first: a bad one refuses the whole file
                    let result = try await db.writing { try $0.importVillages(csv) }
                    try await db.setVillageContacts(contacts)
                    Terminal.out(
                        options.language == .zh
                            ? "村名册：新增 \(result.added)，更新 \(result.updated)"
                            : "villages: \(result.added) added, \(result.updated) updated")
                }
            }
        }
    }
}
