/// The figures of a village's daily report (日报告), as DESIGN.md defines them. JSON names are a fixed
/// interface.
public struct ReportFigures: Codable, Sendable, Equatable {
    public var new_arrivals = 0
    /// New arrivals by category code.
    public var new_by_category: [String: Int] = [:]
    public var cumulative_arrivals = 0
    public var under_central_quarantine = 0
    public var under_home_quarantine = 0
    public var under_home_health_monitoring = 0
    public var under_health_monitoring = 0
    public var tests_due = 0
    public var tests_done = 0
    public var tests_missed = 0
    public var positives = 0
    public var fevers = 0
    public var released = 0
    /// Households (户) with at least one member under a measure on the day (不漏一户). Reports made before households
    /// existed lack it and read as 0.
    public var households_under_measure = 0
    /// The open sweep round's coverage (排查到户): households of the register, and those reached so far; 0 when no
    /// round is open. Older reports read as 0.
    public var sweep_households_total = 0
    public var sweep_households_visited = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case new_arrivals, new_by_category, cumulative_arrivals, under_central_quarantine, under_home_quarantine
        case under_home_health_monitoring, under_health_monitoring, tests_due, tests_done, tests_missed, positives,
            fevers
        case released, households_under_measure, sweep_households_total, sweep_households_visited
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        new_arrivals = try c.decode(Int.self, forKey: .new_arrivals)
        new_by_category = try c.decode([String: Int].self, forKey: .new_by_category)
        cumulative_arrivals = try c.decode(Int.self, forKey: .cumulative_arrivals)
        under_central_quarantine = try c.decode(Int.self, forKey: .under_central_quarantine)
        under_home_quarantine = try c.decode(Int.self, forKey: .under_home_quarantine)
        under_home_health_monitoring = try c.decode(Int.self, forKey: .under_home_health_monitoring)
        under_health_monitoring = try c.decode(Int.self, forKey: .under_health_monitoring)
        tests_due = try c.decode(Int.self, forKey: .tests_due)
        tests_done = try c.decode(Int.self, forKey: .tests_done)
        tests_missed = try c.decode(Int.self, forKey: .tests_missed)
        positives = try c.decode(Int.self, forKey: .positives)
        fevers = try c.decode(Int.self, forKey: .fevers)
        released = try c.decode(Int.self, forKey: .released)
        households_under_measure = try c.decodeIfPresent(Int.self, forKey: .households_under_measure) ?? 0
        sweep_households_total = try c.decodeIfPresent(Int.self, forKey: .sweep_households_total) ?? 0
        sweep_households_visited = try c.decodeIfPresent(Int.self, forKey: .sweep_households_visited) ?? 0
    }

    /// Nothing new, nobody positive, nobody with fever: a zero report (零报告), which must still be sent.
    public var isZeroReport: Bool { new_arrivals == 0 && positives == 0 && fevers == 0 }

    /// The figures in the order of the paper form, with their labels, for tables and CSV.
    public static let rows: [(key: String, zh: String, value: @Sendable (ReportFigures) -> Int)] = [
        ("new_arrivals", "当日新增返乡人员", { $0.new_arrivals }),
        ("cumulative_arrivals", "累计返乡人员", { $0.cumulative_arrivals }),
        ("under_central_quarantine", "集中隔离医学观察", { $0.under_central_quarantine }),
        ("under_home_quarantine", "居家隔离医学观察", { $0.under_home_quarantine }),
        ("under_home_health_monitoring", "居家健康监测", { $0.under_home_health_monitoring }),
        ("under_health_monitoring", "日常健康监测", { $0.under_health_monitoring }),
        ("tests_due", "当日应检核酸", { $0.tests_due }),
        ("tests_done", "当日已采样", { $0.tests_done }),
        ("tests_missed", "逾期未检", { $0.tests_missed }),
        ("positives", "当日阳性", { $0.positives }),
        ("fevers", "发热或有症状", { $0.fevers }),
        ("released", "当日解除管控", { $0.released }),
        ("households_under_measure", "管控人员涉及户数", { $0.households_under_measure }),
        ("sweep_households_total", "排查应访户数", { $0.sweep_households_total }),
        ("sweep_households_visited", "排查已访户数", { $0.sweep_households_visited }),
    ]

    /// The largest a figure may be: more than any village could count in a day or in all, far below where a
    /// county's sum of them could overflow. The county refuses a pushed report with a figure above it.
    public static let maximum = 1_000_000

    /// The figures' names for an English reader (tables; CSV and JSON keep the keys).
    public static let english: [String: String] = [
        "new_arrivals": "New arrivals", "cumulative_arrivals": "Arrivals to date",
        "under_central_quarantine": "Central quarantine", "under_home_quarantine": "Home quarantine",
        "under_home_health_monitoring": "Home health monitoring", "under_health_monitoring": "Health monitoring",
        "tests_due": "Tests due", "tests_done": "Tests sampled", "tests_missed": "Tests overdue",
        "positives": "Positive",
        "fevers": "Fever or symptoms", "released": "Released", "households_under_measure": "Households under a measure",
        "sweep_households_total": "Sweep: households", "sweep_households_visited": "Sweep: households visited",
    ]

    /// Adds another village's figures (county totals). Saturating, not trapping: reports pushed before the county
    /// checked figures on arrival may hold any number, and no stored value may crash the server.
    public mutating func add(_ other: ReportFigures) {
        func sum(_ a: inout Int, _ b: Int) {
            let (result, overflow) = a.addingReportingOverflow(b)
            a = overflow ? (b > 0 ? Int.max : Int.min) : result
        }
        sum(&new_arrivals, other.new_arrivals)
        for (k, v) in other.new_by_category { sum(&new_by_category[k, default: 0], v) }
        sum(&cumulative_arrivals, other.cumulative_arrivals)
        sum(&under_central_quarantine, other.under_central_quarantine)
        sum(&under_home_quarantine, other.under_home_quarantine)
        sum(&under_home_health_monitoring, other.under_home_health_monitoring)
        sum(&under_health_monitoring, other.under_health_monitoring)
        sum(&tests_due, other.tests_due)
        sum(&tests_done, other.tests_done)
        sum(&tests_missed, other.tests_missed)
        sum(&positives, other.positives)
        sum(&fevers, other.fevers)
        sum(&released, other.released)
        sum(&households_under_measure, other.households_under_measure)
        sum(&sweep_households_total, other.sweep_households_total)
        sum(&sweep_households_visited, other.sweep_households_visited)
    }
}
