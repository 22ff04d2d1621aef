import ArgumentParser
import RegistryCore

/// `registry`: the village clerk's command line. Each subcommand is a thin shell over RegistryCore.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "返乡人员排查登记与管控台账（村级） / Village registry of arrivals from COVID risk areas.",
        discussion: ExitStatus.help,
        version: RegistryVersion.current,
        subcommands: [
            Init.self, Intake.self, List.self, Show.self, CheckCommand.self, TestCommand.self, Release.self,
            Extend.self, Transfer.self, Today.self, Report.self, RiskAreas.self, Import.self, Export.self, Sync.self,
            LeadCommand.self,
            Correct.self, Delete.self, Restore.self, ContactCommand.self, HouseholdCommand.self, HouseholdsCommand.self,
            SweepCommand.self, Assign.self, Places.self,
            NoticeCommand.self,
            Serve.self, BackupCommand.self,
        ])
}
