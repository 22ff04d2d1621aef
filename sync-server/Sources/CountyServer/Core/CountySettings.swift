import Foundation
import RegistryCore

/// Every key of the county's settings, one set for both stores (SQLite's `local_setting`, PostgreSQL's `setting`):
/// a key is spelled here once, and a store reads or writes it by name.
public enum CountySetting: String, CaseIterable, Sendable {
    /// The region's 6-digit code (named `county` since before cities and provinces) and its name.
    case region = "county"
    case regionName = "county_name"
    /// County, city or province (`RegionLevel`).
    case level
    /// This server's own site id, and the epoch villages sync in (a new one after a restore).
    case site, epoch
    /// The daily report deadline, `HH:MM`.
    case deadline
    /// Where this server relays up, and how far (`Upstream`).
    case upstreamURL = "upstream_url"
    case upstreamToken = "upstream_token"
    case upstreamCursor = "upstream_cursor"
    case upstreamPulled = "upstream_pulled"
    case upstreamEpoch = "upstream_epoch"
    case upstreamMaskKey = "upstream_mask_key"
    case upstreamCAFile = "upstream_ca_file"
    case upstreamInsecureHTTP = "upstream_insecure_http"
    /// After how many hours without a push, a pull or a file a village is listed as gone quiet (default 24).
    case quietHours = "quiet_hours"
    /// The clocks on a lead (`StageClocks`), hours from its issue: to reach its village (default 2), to an outcome
    /// back at the county (24), and for a person found, to a measure in place (24).
    case leadReceiveHours = "lead_receive_hours"
    case leadFoundHours = "lead_found_hours"
    case leadMeasureHours = "lead_measure_hours"
    /// The clocks on a positive, hours from when the county saw the result: to the village escalating the person's
    /// measure (default 2), and to every registered contact under a measure (24).
    case positiveEscalateHours = "positive_escalate_hours"
    case positiveContactsHours = "positive_contacts_hours"

    /// The keys that make up `CountySettings`.
    static let identity: [CountySetting] = [.region, .regionName, .site, .epoch, .level]
    /// What the county's reads need beside the rows: copied into a PostgreSQL store's replica.
    static let readBySummaries: [CountySetting] = identity + [.deadline]
    /// The report deadline when none was set.
    static let defaultDeadline = "17:00"
    /// The settings an officer may set with `sync-server settings set`, with what each accepts.
    public static let officerSettable: [CountySetting] = [
        .quietHours, .leadReceiveHours, .leadFoundHours, .leadMeasureHours, .positiveEscalateHours,
        .positiveContactsHours,
    ]

    /// The value `text` checked for this setting, or why it is refused.
    public func checked(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        switch self {
        case .quietHours, .leadReceiveHours, .leadFoundHours, .leadMeasureHours, .positiveEscalateHours,
            .positiveContactsHours:
            guard let hours = Int(text), (1...720).contains(hours) else {
                throw RegistryError(
                    nil, zh: "\(rawValue) 应为 1–720 的小时数", en: "\(rawValue) must be a number of hours from 1 to 720")
            }
            return String(hours)
        default:
            throw RegistryError(
                nil, zh: "\(rawValue) 不能用 settings set 设置", en: "\(rawValue) cannot be set with settings set")
        }
    }

    /// The value in force when none was set.
    public var defaultValue: String? {
        switch self {
        case .quietHours, .leadFoundHours, .leadMeasureHours, .positiveContactsHours: "24"
        case .leadReceiveHours, .positiveEscalateHours: "2"
        default: nil
        }
    }
}

/// The county's identity and sync settings.
public struct CountySettings: Sendable, Equatable {
    public var county: String
    public var name: String
    public var site: String
    public var epoch: String
    /// County, city or province: what this server stands for (a county's databases, set up before levels
    /// existed, have no key and are counties).
    public var level: RegionLevel

    /// The settings from the stored keys; refuses a store that was never initialised.
    init(_ values: [String: String]) throws {
        guard let county = values[CountySetting.region.rawValue], let site = values[CountySetting.site.rawValue],
            let epoch = values[CountySetting.epoch.rawValue]
        else {
            throw RegistryError(
                nil, zh: "县数据库尚未初始化：请先运行 sync-server init --county 代码 --name 县名",
                en: "the county database is not initialised: run sync-server init --county CODE --name NAME")
        }
        self.county = county
        self.name = values[CountySetting.regionName.rawValue] ?? ""
        self.site = site
        self.epoch = epoch
        level = values[CountySetting.level.rawValue].flatMap(RegionLevel.init(rawValue:)) ?? .county
    }

    /// The values `initialize` stores for `region` at `level` named `name`, given those stored already: the code and
    /// level must not change (`RegionLevel.checkSameAsStored`); a site id and an epoch are made the first time only.
    static func initial(region: String, level: RegionLevel, name: String, stored: [CountySetting: String]) throws
        -> [CountySetting: String]
    {
        try level.checkSameAsStored(code: region, stored: stored)
        var values: [CountySetting: String] = [.region: region, .regionName: name, .level: level.rawValue]
        if stored[.site] == nil { values[.site] = "\(level.rawValue)-" + UUID().uuidString.lowercased() }
        if stored[.epoch] == nil { values[.epoch] = UUID().uuidString.lowercased() }
        return values
    }
}
