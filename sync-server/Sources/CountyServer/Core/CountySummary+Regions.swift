import RegistryCore

extension CountySummary {
    /// At a city or a province, one region below it for the day: a county (its villages), or at a province a city
    /// (its counties' villages). What an officer there reads first, before drilling down to townships and villages.
    public struct RegionLine: Encodable, Sendable {
        public var code: String
        public var name: String
        /// county or city.
        public var level: String
        public var parent_code: String
        public var villages_expected: Int
        public var reports_received: Int
        public var on_time: Int
        public var late: Int
        /// The villages that sent nothing: who to phone.
        public var missing: [String]
        public var totals: ReportFigures
        public var overdue_leads: Int
        /// Persons registered in villages of two of its counties or more (at a province: of a city's counties).
        public var duplicates: Int
    }

    /// The summary with its villages grouped by the regions of `roster` (a city's counties; a province's cities and
    /// counties), cities first. A village whose county is not on the roster is grouped under its county's code alone.
    public func grouped(by roster: [RegionEntry]) -> CountySummary {
        var copy = self
        let names = Dictionary(roster.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let counties = Set(villages.map { String($0.village.prefix(6)) }).union(
            roster.filter { $0.level == .county }.map(\.code))
        var lines: [RegionLine] = []
        for level in [RegionLevel.city, .county] {
            let codes = level == .county ? counties.sorted() : roster.filter { $0.level == .city }.map(\.code).sorted()
            for code in codes {
                let inside = { (village: String) in level.contains(village, region: code) }
                let group = villages.filter { inside($0.village) }
                var totals = ReportFigures()
                for line in group { if let f = line.figures { totals.add(f) } }
                lines.append(
                    RegionLine(
                        code: code, name: names[code]?.name ?? "", level: level.rawValue,
                        parent_code: names[code]?.parentCode ?? "",
                        villages_expected: group.count, reports_received: group.filter { $0.status != "missing" }.count,
                        on_time: group.filter { $0.status == "on_time" }.count,
                        late: group.filter { $0.status == "late" }.count,
                        missing: group.filter { $0.status == "missing" }.map(\.village), totals: totals,
                        overdue_leads: open_leads.filter { $0.overdue && inside($0.village) }.count,
                        duplicates: duplicates.filter { $0.counties.count > 1 && $0.villages.contains(where: inside) }
                            .count))
            }
        }
        copy.regions = lines
        return copy
    }
}

extension CountySummary {
    /// The summary of one region below (a county, or at a province a city): its villages, their townships and
    /// figures, the persons and leads in them, and the regions directly under it. What the officer drills down to.
    public func only(region: String) -> CountySummary {
        let level = RegionLevel.of(region)
        let inside = { (village: String) in level.contains(village, region: region) }
        var copy = self
        copy.villages = villages.filter { inside($0.village) }
        copy.townships = townships.filter { inside($0.township_code) }
        copy.villages_expected = copy.villages.count
        copy.reports_received = copy.villages.filter { $0.status != "missing" }.count
        copy.on_time = on_time.filter(inside)
        copy.late = late.filter(inside)
        copy.missing = missing.filter(inside)
        var totals = ReportFigures()
        for line in copy.villages { if let f = line.figures { totals.add(f) } }
        copy.totals = totals
        copy.duplicates = duplicates.filter { $0.villages.contains(where: inside) }
        copy.open_leads = open_leads.filter { inside($0.village) }
        copy.deletions = deletions.filter { inside($0.village) }
        copy.positives = positives.filter { inside($0.village) }
        copy.regions = regions.filter { $0.parent_code == region && $0.code != region }
        return copy
    }

    /// The regions directly under `code` (this server's own code: its top level).
    public func regions(under code: String) -> [RegionLine] { regions.filter { $0.parent_code == code } }
}

extension DashboardActions {
    /// What the officer acts on inside `region` only.
    public func only(region: String) -> DashboardActions {
        let level = RegionLevel.of(region)
        let inside = { (village: String) in level.contains(village, region: region) }
        var copy = self
        copy.flagged = flagged.filter { inside($0.village) }
        copy.testsOverdue = testsOverdue.filter { inside($0.village) }
        copy.measuresEnding = measuresEnding.filter { inside($0.village) }
        copy.leads = leads.filter { inside($0.village) }
        return copy
    }
}
