import GRDB

/// Risk that becomes known late (信息返流): when risk areas reach a registry after people arrived (a new area, one
/// raised to high, one in force earlier than before — a new row, since an area's id carries its first day — or one
/// lifted later), everyone whose stays overlap such an area is classified again, stricter only.
public enum RiskAreaChange {
    /// The areas of `after` that hold on some day, or at some level, that `before` did not: what can make a plan
    /// stricter. An area lifted or lifted earlier is not among them (see `loosened`).
    public static func tightened(before: [RiskArea], after: [RiskArea]) -> [RiskArea] {
        let old = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return after.filter { area in
            guard !area.deleted else { return false }
            guard let was = old[area.id], !was.deleted else { return true }
            if area.level == .high && was.level == .mid { return true }
            if area.inForceFrom < was.inForceFrom { return true }
            switch (was.liftedOn, area.liftedOn) {
            case (.some, nil): return true
            case (.some(let a), .some(let b)): return b > a
            default: return false
            }
        }
    }

    /// Whether a stay (from, to) lies inside `area`, or in the county that contains it, on days it was in force.
    static func touches(_ stay: Stay, _ area: RiskArea) -> Bool {
        let from = stay.from ?? stay.to
        if let lifted = area.liftedOn, from >= lifted { return false }
        if stay.to < area.inForceFrom { return false }
        return stay.code.hasPrefix(area.code) || stay.code.prefix(6) == area.code.prefix(6)
    }
}

/// One person classified again because risk areas changed after they arrived (新增风险人员), as the work list and
/// `today --format json` give them.
public struct Reclassification: Sendable, Encodable, Equatable {
    public var person_id: String
    public var id_number: String
    public var name: String
    /// The category before and after, as JSON names (`low_risk`, `high_risk` …).
    public var from_category: String
    public var to_category: String
    /// The area that made the difference, by name.
    public var area: String
    /// The day the village learned of it: the plan's 填平补齐 day.
    public var learned_on: String
    /// True when the whole plan was already over on that day (风险期已过): listed, nothing due.
    public var period_over: Bool
}

extension Reclassification {
    /// The event's detail: the categories before and after (JSON names, read back by the work list), then the new
    /// phases as every plan's detail gives them: `类别 low_risk → high_risk；集中隔离 2022-11-05～2022-11-10`.
    static func detail(from: Category, to: Category, phases: [Phase]) -> String {
        "类别 \(from.rawValue) → \(to.rawValue)" + (phases.isEmpty ? "" : "；" + phases.detailText)
    }

    /// The item a reclassification event gives on the work list (nil for an event that is not one).
    static func from(
        event reason: String, detail: String?, on day: String, person: Person
    ) -> Reclassification? {
        guard reason.hasPrefix(MeasureEvent.reclassifiedReasonPrefix) else { return nil }
        let body = reason.dropFirst(MeasureEvent.reclassifiedReasonPrefix.count)
        let area = body.range(of: " 自 ").map { String(body[..<$0.lowerBound]) } ?? String(body)
        let categories = (detail ?? "").split(separator: "；").first.map {
            $0.replacingOccurrences(of: "类别 ", with: "").components(separatedBy: " → ")
        }
        return Reclassification(
            person_id: person.id, id_number: person.idNumber, name: person.name,
            from_category: categories?.first ?? "", to_category: categories?.dropFirst().first ?? "", area: area,
            learned_on: day, period_over: reason.hasSuffix(MeasureEvent.periodOverSuffix))
    }

    /// The line that goes before everything else when persons were classified again; nil when none were.
    public static func alert(_ items: [Reclassification], _ lang: Language) -> String? {
        guard !items.isEmpty else { return nil }
        let due = items.filter { !$0.period_over }.count
        return lang == .zh
            ? "风险区变化：\(items.count) 人重新判定（\(due) 人需补做管控和核酸，\(items.count - due) 人风险期已过），见今日工作「新增风险人员」"
            : "Risk areas changed: \(items.count) classified again (\(due) now under a measure with tests due, \(items.count - due) whose risk period is over); see today's list"
    }
}

extension MeasureEvent {
    /// How the reason of a plan set by a risk area known late begins; the work list's 新增风险人员 looks for it.
    public static let reclassifiedReasonPrefix = "风险区 "
    /// How such a reason ends when the plan was already over (风险期已过).
    public static let periodOverSuffix = "（风险期已过）"
}

extension Registry {
    /// Classifies again, by the rules of intake, every arrival whose stays touch one of `tightened`, in the
    /// caller's transaction and through its recorder. The policy is the one in force on the arrival date; the day
    /// learned (today, or the arrival if later) takes the arrival's place for 填平补齐, so a test falls due that day
    /// and tests before it are neither due nor missed. Stricter only: a plan at least as strict from that day on
    /// (a close contact's) is kept. A person whose whole plan was over gets the new category and one event saying so
    /// (风险期已过), nothing due. A positive or someone transferred out is left alone.
    func reclassify(
        after tightened: [RiskArea], db: Database, recorder: inout ChangeRecorder, settings: RegistrySettings
    ) throws -> [Reclassification] {
        guard !tightened.isEmpty else { return [] }
        let rules = try RulesContext.load(db, settings: settings)
        let tightenedIDs = Set(tightened.map(\.id))
        let today = clock.today
        var done: [Reclassification] = []
        // Only arrivals with a stay in one of the counties concerned are read (stays are JSON: matched by text).
        let counties = Set(tightened.map { String($0.code.prefix(6)) })
        let candidates = try Arrival.filter(Arrival.Columns.deleted == false).fetchAll(db).filter { arrival in
            arrival.stays.contains { stay in counties.contains(String(stay.code.prefix(6))) }
        }
        for arrival in candidates {
            guard arrival.stays.contains(where: { stay in tightened.contains { RiskAreaChange.touches(stay, $0) } }),
                let measure = try Measure.filter(
                    Measure.Columns.arrivalId == arrival.id && Measure.Columns.deleted == false
                )
                .fetchOne(db),
                ![.escalated, .transferred].contains(measure.status),
                let person = try Person.fetchOne(db, key: arrival.personId), !person.deleted
            else { continue }
            let history = Classifier.classify(stays: arrival.stays, departed: arrival.departedOn, areas: rules.areas)
            guard let area = history.area, tightenedIDs.contains(area.id) else { continue }
            let policy = rules.book.inForce(on: arrival.arrivedOn)
            let learned = max(today, arrival.arrivedOn)
            let plan = Planner.plan(
                rule: policy.rule(for: history.category), dayZero: history.dayZero, arrived: learned)
            let reason =
                "\(MeasureEvent.reclassifiedReasonPrefix)\(area.name) 自 \(area.inForceFrom) 起为\(area.level.chinese)，\(learned) 公布"
            let tests = try LabTest.filter(LabTest.Columns.measureId == measure.id && LabTest.Columns.deleted == false)
                .fetchAll(db)
            let open = measure.status.isOpen && measure.status != .none
            let left = Planner.Plan(
                phases: open
                    ? measure.phases.compactMap {
                        $0.endsOn < learned
                            ? nil : Phase(kind: $0.kind, startsOn: max($0.startsOn, learned), endsOn: $0.endsOn)
                    } : [],
                testDays: open
                    ? tests.filter { $0.sampledOn == nil && ($0.dueOn ?? learned) >= learned }
                        .compactMap(\.dueOn) : [])
            let riskier = history.category.rank < arrival.category.rank
            var record = Reclassification(
                person_id: person.id, id_number: person.idNumber, name: person.name,
                from_category: arrival.category.rawValue, to_category: history.category.rawValue, area: area.name,
                learned_on: "\(learned)", period_over: false)
            if plan.isNone {
                // The whole plan lies before the day learned: say so once, and correct the category.
                guard riskier else { continue }
                let text = reason + MeasureEvent.periodOverSuffix
                let said = try MeasureEvent.filter(
                    MeasureEvent.Columns.measureId == measure.id && MeasureEvent.Columns.reason == text
                )
                .fetchCount(db)
                guard said == 0 else { continue }
                var newArrival = arrival
                newArrival.category = history.category
                newArrival.dayZero = history.dayZero
                try recorder.update(newArrival, from: arrival)
                try recorder.insert(
                    MeasureEvent(
                        id: ids.make(), village: settings.village, measureId: measure.id, action: .planned,
                        onDate: learned, recordedAt: nowText, actor: settings.villageName, reason: text,
                        detail: Reclassification.detail(from: arrival.category, to: history.category, phases: []),
                        deleted: false))
                record.period_over = true
                done.append(record)
                continue
            }
            guard plan.strictness > left.strictness else { continue }
            var newMeasure = measure
            // What was already lived stays as it was: the phases before the day learned (and before a release).
            let cut = min(learned, measure.releasedOn ?? learned)
            let past = measure.phases.compactMap {
                $0.startsOn >= cut
                    ? nil : Phase(kind: $0.kind, startsOn: $0.startsOn, endsOn: min($0.endsOn, cut.adding(days: -1)))
            }
            newMeasure.setPhases(past + plan.phases)
            newMeasure.status = .active
            newMeasure.releasedOn = nil
            newMeasure.reason = reason
            try recorder.update(newMeasure, from: measure)
            var newArrival = arrival
            if riskier {
                newArrival.category = history.category
                newArrival.dayZero = history.dayZero
            }
            if newArrival != arrival { try recorder.update(newArrival, from: arrival) }
            try recorder.insert(
                MeasureEvent(
                    id: ids.make(), village: settings.village, measureId: measure.id, action: .planned,
                    onDate: learned, recordedAt: nowText, actor: settings.villageName, reason: reason,
                    detail: Reclassification.detail(
                        from: arrival.category, to: riskier ? history.category : arrival.category,
                        phases: newMeasure.phases),
                    deleted: false))
            // The new plan's tests replace the old plan's still to come, so that one publication or two on the same
            // day leave the same schedule.
            let wanted = Set(plan.testDays)
            for test in tests where test.sampledOn == nil && (test.dueOn ?? learned) >= learned {
                guard let due = test.dueOn, !wanted.contains(due) else { continue }
                var gone = test
                gone.deleted = true
                try recorder.update(gone, from: test)
            }
            let planned = Set(tests.compactMap(\.dueOn))
            for testDay in plan.testDays where !planned.contains(testDay) {
                try recorder.insert(
                    LabTest(
                        id: ids.make(), village: settings.village, personId: person.id, measureId: measure.id,
                        dueOn: testDay, sampledOn: nil, result: .pending, resultOn: nil, lab: nil, deleted: false))
            }
            done.append(record)
        }
        return done
    }
}

extension Registry {
    /// Persons under a measure whose category came from their travel history and is lower by the areas in force
    /// now (an area lifted, or lifted earlier than before): listed for the clerk to decide (可研判解除), never lowered
    /// by themselves. A category the clerk was told from outside (密接 …) is not the areas' to lower.
    static func mayRelease(_ db: Database, on day: Day, areas: [RiskArea]) throws -> [(
        personId: String, measure: String?, now: Category
    )] {
        let risky: [Category] = [.highRisk, .midRisk, .lowRiskSameCounty]
        let measures = try Measure.filter(
            ["active", "extended"].contains(Measure.Columns.status) && Measure.Columns.deleted == false
        ).fetchAll(db)
        var out: [(personId: String, measure: String?, now: Category)] = []
        for measure in measures {
            guard let arrival = try Arrival.fetchOne(db, key: measure.arrivalId), !arrival.deleted,
                arrival.categoryOverride == nil, risky.contains(arrival.category)
            else { continue }
            let now = Classifier.classify(stays: arrival.stays, departed: arrival.departedOn, areas: areas).category
            if now.rank > arrival.category.rank {
                out.append((measure.personId, measure.phase(on: day)?.kind.rawValue, now))
            }
        }
        return out
    }

    /// The riskiest area that contains the place `code` (a declared trip's origin) on some day from `from` to `to`.
    static func riskArea(at code: String?, from: Day, to: Day, areas: [RiskArea]) -> RiskArea? {
        guard let code, !code.isEmpty else { return nil }
        return
            areas.filter {
                !$0.deleted && code.hasPrefix($0.code) && $0.inForceFrom <= to
                    && ($0.liftedOn.map { from < $0 } ?? true)
            }
            .min { $0.level.category.rank < $1.level.category.rank }
    }
}
