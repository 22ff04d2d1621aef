import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

#if canImport(Glibc)
    import Glibc
#endif

/// `sync-server`: the county's server and its administration commands. A thin shell over CountyServer.
@main
struct SyncServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-server",
        abstract: "县级汇总与同步服务器 / The county's sync server.",
        discussion: ExitStatus.help,
        version: RegistryVersion.current,
        subcommands: [
            Init.self, Villages.self, RegionsCommand.self, Token.self, ResultsCommand.self, RiskAreas.self, Leads.self,
            PersonCommand.self, Merge.self, Serve.self, UpstreamCommand.self, MaskKeyCommand.self, Restored.self,
            Copy.self, PosterCommand.self, BackupCommand.self, SweepCommand.self, SettingsCommand.self,
            BundleCommand.self,
        ])
}
