import GRDB
import Mustache

/// The two notices a village hands a person under a measure (告知书): the notice of the measure (居家隔离告知书 and
/// its kin, named after the measure) and the release notice (解除隔离告知书) a returnee shows at work.
public enum NoticeKind: String, CaseIterable, Sendable {
    case quarantine, release
}

/// What each kind of measure asks of the person, printed on the notice; rules as data, in the words of the
/// 2022 notices.
extension MeasureKind {
    var obligations: [String] {
        switch self {
        case .centralQuarantine:
            [
                "在指定集中隔离场所接受医学观察，期间不得擅自离开隔离场所，不得相互串门。",
                "每日早晚各测一次体温并如实报告，按要求接受核酸检测。",
                "出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，立即报告隔离场所工作人员。",
            ]
        case .homeQuarantine:
            [
                "隔离期间足不出户，不接待来访；尽量单人单间居住，使用独立卫生间，与同住人保持距离。",
                "每日早晚各测一次体温并如实报告村（社区），按通知的时间和地点接受核酸检测。",
                "出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，立即报告村（社区），不得自行前往医院。",
                "生活垃圾按要求装袋消毒后交工作人员处理。",
            ]
        case .homeHealthMonitoring:
            [
                "非必要不外出，确需外出时全程佩戴口罩，不前往人员密集场所，不聚餐、不聚会。",
                "每日早晚各测一次体温并如实报告村（社区），按通知的时间和地点接受核酸检测。",
                "出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，立即报告村（社区）并就近到发热门诊就诊，途中做好防护。",
            ]
        case .healthMonitoring:
            [
                "做好个人防护，减少聚集。",
                "出现发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻等症状，立即报告村（社区）。",
            ]
        case .none: []
        }
    }

    /// The short name a notice is titled by: 居家隔离告知书, 集中隔离告知书, 居家健康监测告知书.
    var noticeName: String {
        switch self {
        case .centralQuarantine: "集中隔离"
        case .homeQuarantine: "居家隔离"
        default: chinese
        }
    }
}

/// A notice ready to print: the person, the trip, the measure and its dates, the tests.
public struct Notice: Sendable {
    public var kind: NoticeKind
    public var villageName: String
    public var file: PersonFile
    public var trip: PersonFile.Trip
    /// The title of the policy the measure was planned under (e.g. 新型冠状病毒肺炎防控方案（第九版）).
    public var policyTitle: String
    public var issuedOn: Day

    static let template: MustacheTemplate = {
        // Compiled into the binary; a template that does not parse is a build defect every test shows.
        try! PageTemplate.parse(PackageResources.notice_mustache)
    }()

    struct Line: Sendable { let label, value: String }
    struct Step: Sendable { let text: String }
    /// What one kind of measure asks, under its own heading when the plan has more than one phase.
    struct Duty: Sendable {
        let heading: String?
        let steps: [Step]
    }
    struct View: Sendable {
        let title, villageName, greeting, opening, closing, issuedOn, policyTitle: String
        let person: [Line]
        let phases: [Line]
        let tests: [Line]
        let hasTests: Bool
        let obligations: [Duty]
        let hasObligations: Bool
        let isRelease: Bool
    }

    /// The notice as one A4 page of HTML (every value escaped by the template).
    public func html() -> String {
        let p = file.person
        let a = trip.arrival
        let m = trip.measure
        let origin = a.stays.first?.place ?? "外地"
        // How the person came to be under the measure: a trip back, or named a close contact by tracing.
        let how =
            a.source == .contactTracing
            ? "经流调，你被判定为密切接触者（末次接触 \(a.dayZero)）"
            : "你于 \(a.arrivedOn) 自 \(origin) 返回本村（社区）"
        let phases = m.phases.map {
            Line(
                label: $0.kind.chinese,
                value: "\($0.startsOn) 至 \($0.endsOn)（\($0.endsOn.ordinal - $0.startsOn.ordinal + 1) 天）")
        }
        var person = [
            Line(label: "姓名", value: p.name), Line(label: "性别", value: p.sex?.label(.zh) ?? ""),
            Line(label: "证件号码", value: p.idNumber), Line(label: "联系电话", value: p.phone ?? ""),
            Line(label: "现住址", value: p.address ?? ""),
            Line(
                label: a.source == .contactTracing ? "判定为密接" : "返乡日期",
                value: a.source == .contactTracing ? "\(a.arrivedOn)（末次接触 \(a.dayZero)）" : "\(a.arrivedOn)（自 \(origin)）"
            ),
        ]
        // Whom to call during the measure (包保).
        if !file.responsible.isEmpty {
            person.append(Line(label: "包保责任人", value: file.responsible.map(\.label).joined(separator: "、")))
        }
        let tests = trip.tests.sorted {
            ($0.sampledOn ?? $0.dueOn ?? issuedOn) < ($1.sampledOn ?? $1.dueOn ?? issuedOn)
        }.map { t in
            Line(
                label: (t.sampledOn ?? t.dueOn).map { ReadableTime.short($0) } ?? "",
                value: t.sampledOn == nil ? "待采样" : t.result.chinese)
        }
        let view: View
        switch kind {
        case .quarantine:
            let kindNow = (m.phase(on: issuedOn) ?? m.phases.first { $0.endsOn >= issuedOn } ?? m.phases[0]).kind
            view = View(
                title: "\(kindNow.noticeName)告知书", villageName: villageName, greeting: "\(p.name)：",
                opening: "\(how)。依据《中华人民共和国传染病防治法》和\(policyTitle)，"
                    + "经评估，对你实施以下管控措施，请予以配合：",
                closing: "管控期满且核酸检测结果均为阴性的，由村（社区）出具解除告知书。拒不配合的，依法承担相应责任。",
                issuedOn: "\(issuedOn)", policyTitle: policyTitle, person: person, phases: phases,
                tests: tests.filter { $0.value == "待采样" }, hasTests: tests.contains { $0.value == "待采样" },
                obligations: m.phases.map(\.kind).reduce(into: [MeasureKind]()) {
                    if !$0.contains($1) { $0.append($1) }
                }
                .map { kind in
                    Duty(
                        heading: m.phases.count > 1 ? "\(kind.chinese)期间" : nil,
                        steps: kind.obligations.map { Step(text: $0) })
                },
                hasObligations: true, isRelease: false)
        case .release:
            let released = m.releasedOn ?? issuedOn
            let results = trip.tests.filter { $0.sampledOn != nil }
            let negatives = results.filter { $0.result == .negative }.count
            view = View(
                title: "解除隔离告知书", villageName: villageName, greeting: "\(p.name)：",
                opening: "\(how)，按\(policyTitle)实施了以下管控措施。"
                    + "管控期间采样 \(results.count) 次，阴性 \(negatives) 次。经评估，自 \(released) 起解除管控。",
                closing: "解除管控后请继续做好个人防护，如出现发热、干咳等症状，及时就医并报告村（社区）。",
                issuedOn: "\(issuedOn)", policyTitle: policyTitle, person: person, phases: phases,
                tests: tests.filter { $0.value != "待采样" }, hasTests: !results.isEmpty, obligations: [],
                hasObligations: false,
                isRelease: true)
        }
        return Self.template.render(view)
    }
}

extension Registry {
    /// The notice of `kind` for a person's current trip, issued on `day`. A measure notice needs a measure still
    /// held; a release notice needs the measure released (else it would certify what has not happened).
    public func notice(_ query: String, kind: NoticeKind, on day: Day) throws -> Notice {
        try read { db, settings in
            let file = try Registry.file(db, person: try Registry.resolve(db, query))
            guard let trip = file.current, !trip.measure.phases.isEmpty else {
                throw RegistryError(
                    .person, zh: "\(file.person.name) 没有管控措施，无告知书可出",
                    en: "\(file.person.name) has no measure to give notice of")
            }
            let m = trip.measure
            switch kind {
            case .quarantine where !m.status.isOpen:
                throw RegistryError(
                    .person, zh: "\(file.person.name) 的管控已\(m.status.chinese)，不能再出管控告知书；解除后可出 --kind release",
                    en: "\(file.person.name)'s measure is \(m.status.rawValue): no measure notice (try --kind release)")
            case .release where m.status != .released:
                throw RegistryError(
                    .person,
                    zh:
                        "\(file.person.name) 尚未解除管控（\(m.status.chinese)，至 \(m.endsOn.map { "\($0)" } ?? "?")）：先办理解除（registry release）",
                    en: "\(file.person.name) is not released (\(m.status.rawValue)): release first (registry release)")
            default: break
            }
            let rules = try RulesContext.load(db, settings: settings)
            let title = rules.book.policies.first { $0.version == trip.arrival.policy }?.title ?? "现行防控方案"
            return Notice(
                kind: kind, villageName: settings.villageName, file: file, trip: trip,
                policyTitle: "《\(title)》", issuedOn: day)
        }
    }
}
