import Foundation
import RegistryCore

/// One day of the 14-day chart: new arrivals and people under each measure, summed over the villages' reports.
public struct DayTotals: Sendable, Equatable {
    public var date: Day
    public var figures: ReportFigures
}

extension CountyStore {
    /// The county's page for `day` as the server sends it (masked unless `full`). The merge run, the officer's lists
    /// and the series each take a reader of their own, side by side: on a county of 500 villages they are a
    /// hundred-odd milliseconds each, and the page waits for the longest instead of their sum.
    /// At a city or a province, `region` drills down to one region below (nil: the top, its regions listed); a county's
    /// page has none.
    public func dashboardPage(
        on day: Day, full: Bool, viewer: String, region: String? = nil, maxSkew: TimeInterval = 600
    ) async throws -> String {
        async let summary = summary(on: day, maxSkew: maxSkew)
        async let actions = actions(on: day)
        async let series = series(to: day)
        async let contacts = villageContacts()
        let deadline = try LocalTimeOfDay(try await deadline(), field: .deadline)
        let settings = try await settings()
        var shown = full ? try await summary : try await summary.masked
        var acted = full ? try await actions : try await actions.masked
        var title = settings.name
        if let region, settings.level != .county {
            guard let entry = try await regions().first(where: { $0.code == region }) else {
                throw RegistryError(nil, zh: "名册中没有这个区划", en: "no such region on the roster")
            }
            shown = shown.only(region: region)
            acted = acted.only(region: region)
            title += " · \(entry.name)"
        } else if settings.level != .county {
            shown.regions = shown.regions(under: settings.county)
        }
        let due = clock.instant(day, hour: deadline.hour, minute: deadline.minute)
        var input = DashboardPage.Input(
            summary: shown, actions: acted,
            contacts: try await contacts, countyName: title, series: try await series, day: day, today: clock.today,
            deadline: due, generatedAt: clock.localText(clock.now()),
            privacy: .init(date: "\(day)", full: full, viewer: viewer, region: region))
        input.beforeDeadline = clock.now() < due
        if settings.level == .county {
            input.statuses = try await villageStatuses(on: day, maxSkew: maxSkew, recordedOnly: true)
        }
        return DashboardPage.html(input)
    }
}

extension CountyStore {
    /// One village's page for `day` (masked unless `full`), nil when the village is not on the roster. Its report
    /// line, lists and persons are read side by side like the county's page.
    public func villagePage(_ code: String, on day: Day, full: Bool, viewer: String, maxSkew: TimeInterval = 600)
        async throws -> String?
    {
        async let detail = villageDetail(code, on: day)
        async let summary = summaryLine(code, on: day, maxSkew: maxSkew)
        async let actions = actions(on: day, village: code)
        async let contacts = villageContacts()
        guard let detail = try await detail else { return nil }
        let deadline = try LocalTimeOfDay(try await deadline(), field: .deadline)
        let line = try await summary
        return VillagePage.html(
            .init(
                detail: full ? detail : detail.masked, line: line?.line,
                deletions: (line?.deletions ?? []).map { full ? $0 : $0.masked },
                actions: full ? try await actions : try await actions.masked, contact: try await contacts[code],
                countyName: try await settings().name, day: day, today: clock.today,
                deadline: clock.instant(day, hour: deadline.hour, minute: deadline.minute),
                generatedAt: clock.localText(clock.now()),
                privacy: .init(date: "\(day)", full: full, viewer: viewer, path: "/dashboard/village/\(code)")))
    }
}
