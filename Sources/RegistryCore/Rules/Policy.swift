import Foundation

/// A version of the rules (防控方案) as data: for each category, the phases of its measure and the test days.
/// Categories a policy does not list get no measure and no tests.
public struct Policy: Sendable, Equatable {
    /// The version's short name (`8th`, `9th`, `20measures`, or a county's own).
    public var version: String
    /// Its title as published.
    public var title: String
    /// The first arrival date it applies to.
    public var effectiveFrom: Day
    /// Its rules.
    public var rules: [Rule]

    /// What one or more categories are put under.
    public struct Rule: Sendable, Equatable {
        public var categories: [Category]
        public var phases: [PhaseRule]
        /// Days counted from day 0 on which a test falls.
        public var testDays: [Int]
    }

    /// A phase: a kind of measure for a number of days.
    public struct PhaseRule: Sendable, Equatable {
        public var kind: MeasureKind
        public var days: Int
    }

    /// The rule for `category`, nil when the policy puts it under no measure.
    public func rule(for category: Category) -> Rule? {
        rules.first { $0.categories.contains(category) }
    }
}

extension Policy {
    /// Reads and validates a policy document. A problem is refused with the file, the entry and what is wrong,
    /// e.g. `policy-9th.json: rules[2].phases[0].days: must be a whole number of days from 1 to 60`.
    public init(json data: Data, file: String) throws {
        func fail(_ entry: String, zh: String, en: String) -> RegistryError {
            RegistryError(.policy, zh: "\(file)：\(entry)：\(zh)", en: "\(file): \(entry): \(en)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw fail("(文件)", zh: "不是有效的 JSON 对象", en: "not a valid JSON object")
        }
        guard let version = root["version"] as? String, !version.trimmed.isEmpty else {
            throw fail("version", zh: "缺少版本名", en: "missing version name")
        }
        guard let fromText = root["effective_from"] as? String, let from = Day(fromText) else {
            throw fail("effective_from", zh: "缺少或不是 YYYY-MM-DD 日期", en: "missing or not a YYYY-MM-DD date")
        }
        guard let ruleList = root["rules"] as? [Any] else {
            throw fail("rules", zh: "缺少规则列表", en: "missing the list of rules")
        }
        var rules: [Rule] = []
        var seen: Set<Category> = []
        for (r, item) in ruleList.enumerated() {
            let at = "rules[\(r)]"
            guard let rule = item as? [String: Any] else { throw fail(at, zh: "应为对象", en: "must be an object") }
            guard let names = rule["categories"] as? [Any], !names.isEmpty else {
                throw fail("\(at).categories", zh: "缺少人员类别", en: "missing categories")
            }
            var categories: [Category] = []
            for (c, name) in names.enumerated() {
                guard let text = name as? String, let category = Category(rawValue: text), category != .lowRisk else {
                    throw fail(
                        "\(at).categories[\(c)]", zh: "未知或不可设置的类别 \(name)",
                        en: "unknown or unsettable category \(name)")
                }
                guard seen.insert(category).inserted else {
                    throw fail("\(at).categories[\(c)]", zh: "类别 \(text) 出现了两次", en: "category \(text) appears twice")
                }
                categories.append(category)
            }
            guard let phaseList = rule["phases"] as? [Any], !phaseList.isEmpty else {
                throw fail("\(at).phases", zh: "缺少管控阶段", en: "missing phases")
            }
            var phases: [PhaseRule] = []
            for (p, phaseItem) in phaseList.enumerated() {
                let pat = "\(at).phases[\(p)]"
                guard let phase = phaseItem as? [String: Any], let kindText = phase["kind"] as? String,
                    let kind = MeasureKind(rawValue: kindText), kind != .none
                else { throw fail("\(pat).kind", zh: "未知的管控措施", en: "unknown measure kind") }
                guard let days = phase["days"] as? Int, (1...60).contains(days) else {
                    throw fail("\(pat).days", zh: "天数应为 1–60 的整数", en: "must be a whole number of days from 1 to 60")
                }
                phases.append(PhaseRule(kind: kind, days: days))
            }
            guard let testDays = rule["test_days"] as? [Int] else {
                throw fail("\(at).test_days", zh: "缺少检测日（整数列表）", en: "missing test days (a list of whole numbers)")
            }
            let total = phases.reduce(0) { $0 + $1.days }
            guard testDays == testDays.sorted(), Set(testDays).count == testDays.count,
                testDays.allSatisfy({ (0...total).contains($0) })
            else {
                throw fail(
                    "\(at).test_days", zh: "检测日应递增、不重复且在 0–\(total) 之间",
                    en: "test days must increase, not repeat, and lie within 0–\(total)")
            }
            rules.append(Rule(categories: categories, phases: phases, testDays: testDays))
        }
        self.init(version: version, title: root["title"] as? String ?? version, effectiveFrom: from, rules: rules)
    }
}

/// Every policy version the registry knows: the national ones compiled in from schema/policies, and those the
/// county published. Picks the one in force for an arrival.
public struct PolicyBook: Sendable {
    /// The versions, oldest first.
    public let policies: [Policy]
    /// A version pinned at `init --policy`, used for every arrival.
    public let pinned: String?

    /// The national versions from schema/policies (validated: a broken file there fails the test suite).
    public static let builtin: [Policy] = {
        let files: [(String, [UInt8])] = [
            ("policy-8th.json", PackageResources.policy_8th_json),
            ("policy-9th.json", PackageResources.policy_9th_json),
            ("policy-20measures.json", PackageResources.policy_20measures_json),
        ]
        return files.map { try! Policy(json: Data($0.1), file: $0.0) }
    }()

    /// The book from the built-in versions and `published` ones (a published version replaces a built-in one of
    /// the same name).
    public init(published: [Policy] = [], pinned: String? = nil) {
        var byVersion: [String: Policy] = [:]
        for policy in PolicyBook.builtin + published { byVersion[policy.version] = policy }
        policies = byVersion.values.sorted { ($0.effectiveFrom, $0.version) < ($1.effectiveFrom, $1.version) }
        self.pinned = pinned
    }

    /// The version in force for an arrival on `day`: the pinned one, else the latest effective on or before it
    /// (the oldest when the day is before all of them).
    public func inForce(on day: Day) -> Policy {
        if let pinned, let policy = policies.first(where: { $0.version == pinned }) { return policy }
        return policies.last { $0.effectiveFrom <= day } ?? policies[0]
    }

    /// The version named `version`, if known.
    public func version(_ version: String) -> Policy? { policies.first { $0.version == version } }

    /// The built-in version named `name`: its file's version (`9th`) or its label (`第九版`, `二十条`).
    public static func builtinVersion(named name: String) -> String? {
        let name = name.trimmed
        return builtin.first { $0.version == name || label($0.version) == name }?.version
    }

    /// A version as people name it (第九版, 二十条): the last bracketed part of a built-in version's title, else the
    /// title, else the version itself (a county's own version unknown here). Never the file's `9th`.
    public static func label(_ version: String) -> String {
        guard let title = builtin.first(where: { $0.version == version })?.title else { return version }
        if let open = title.lastIndex(of: "（"), title.hasSuffix("）") {
            return String(title[title.index(after: open)..<title.index(before: title.endIndex)])
        }
        return title
    }
}
