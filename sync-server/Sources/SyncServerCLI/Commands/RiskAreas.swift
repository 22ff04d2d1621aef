import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

extension SyncServerCommand {
    struct RiskAreas: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "risk-areas", abstract: "发布风险区 / Publish risk areas.",
            subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "导入并发布风险区名单 CSV.")
            @OptionGroup var options: ServerOptionsGroup
            @Argument var file: String

            func run() async throws {
                try await options.run { db in
                    let csv = try CSVFile(path: file)
                    let result = try await db.writing { try $0.importRiskAreas(csv) }
                    Terminal.out(result.text(options.language))
                }
            }
        }
    }
}
