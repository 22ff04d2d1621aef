import GRDB

/// What recording a check found.
public struct CheckOutcome: Sendable {
    public var person: Person
    public var check: HealthCheck
    /// The symptoms as written, each with what it was read as.
    public var words: SymptomWords
}

extension Registry {
    /// Records a temperature and symptom check. Temperatures outside 34–43 °C are refused as typing errors.
    /// - Parameter at: local `YYYY-MM-DD HH:MM`; now when nil.
    public func check(_ query: String, temperature: Double, symptoms: [String], at: String?) throws -> CheckOutcome {
        guard temperature.isFinite, (34...43).contains(temperature) else {
            throw RegistryError(
                .temperature, zh: "\(temperature) °C 不在 34–43 °C 之间，请核对是否输错",
                en: "\(temperature) °C is outside 34–43 °C; check for a typing error")
        }
        let words = try SymptomWords(reading: symptoms)
        let codes = words.codes.map(\.rawValue)
        let (takenAt, takenOn) = try localTime(at)
        return try write { db, recorder, settings in
            let person = try Registry.resolve(db, query)
            let check = HealthCheck(
                id: ids.make(), village: settings.village, personId: person.id, takenAt: takenAt,
                takenOn: takenOn, temperature: (temperature * 10).rounded() / 10,
                symptoms: codes.joined(separator: ","), symptomsWritten: words.written,
                flagged: temperature >= HealthCheck.feverThreshold || !codes.isEmpty, deleted: false)
            try recorder.insert(check)
            return CheckOutcome(person: person, check: check, words: words)
        }
    }

    /// A local time given as `YYYY-MM-DD HH:MM` (or now), as text and as its day.
    func localTime(_ text: String?) throws -> (String, Day) {
        guard let text, !text.trimmed.isEmpty else {
            let local = clock.localText(clock.now())
            return (local, clock.today)
        }
        let parts = text.trimmed.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let day = Day(String(parts[0])),
            let time = try? LocalTimeOfDay(String(parts[1]), field: .time)
        else {
            throw RegistryError(.time, zh: "“\(text)”应为 YYYY-MM-DD HH:MM", en: "\"\(text)\" must be YYYY-MM-DD HH:MM")
        }
        // A check is recorded after it was taken: a time ahead of now (beyond the allowed clock skew) is a typing error.
        if clock.instant(day, hour: time.hour, minute: time.minute)
            > clock.now().addingTimeInterval(Registry.allowedSkew)
        {
            throw RegistryError(
                .time, zh: "\(text) 还没到（现在是 \(clock.localText(clock.now()))），请核对日期和时间",
                en: "\(text) is in the future (it is now \(clock.localText(clock.now()))); check the date and time")
        }
        return ("\(day) " + String(time.hour).leftPadded(2) + ":" + String(time.minute).leftPadded(2), day)
    }

    /// Records a sample and its result. The planned test due on or before the sample day that is still open is
    /// the one sampled; otherwise an unplanned test is added. A positive result escalates the measure and puts
    /// everyone around the person (household, companions, contacts registered here) under the close-contact plan.
    public func recordTest(_ query: String, sampled: Day, result: TestResult, resultOn: Day?, lab: String?) throws
        -> (test: LabTest, escalated: Bool, contacts: [ContactOutcome])
    {
        let today = clock.today
        if sampled > today {
            throw RegistryError(.sampled, zh: "采样日期 \(sampled) 在今天之后", en: "\(sampled) is after today")
        }
        if let resultOn, resultOn < sampled {
            throw RegistryError(
                .date, zh: "出结果日期 \(resultOn) 早于采样日期 \(sampled)",
                en: "result date \(resultOn) is before the sample \(sampled)")
        }
        return try write { db, recorder, settings in
            let person = try Registry.resolve(db, query)
            let file = try Registry.file(db, person: person)
            let measure = file.current?.measure
            let dayOfResult = result == .pending ? nil : (resultOn ?? sampled)
            var test: LabTest
            let open = file.current?.tests.filter { $0.sampledOn == nil && ($0.dueOn ?? sampled) <= sampled } ?? []
            if let existing = file.current?.tests.first(where: { $0.sampledOn == sampled }) {
                // The result of a sample already recorded.
                test = existing
                test.result = result
                test.resultOn = dayOfResult
                if let lab { test.lab = lab }
                try recorder.update(test, from: existing)
            } else if let planned = open.last {
                test = planned
                test.sampledOn = sampled
                test.result = result
                test.resultOn = dayOfResult
                test.lab = lab
                try recorder.update(test, from: planned)
            } else {
                test = LabTest(
                    id: ids.make(), village: settings.village, personId: person.id, measureId: measure?.id,
                    dueOn: nil, sampledOn: sampled, result: result, resultOn: dayOfResult, lab: lab, deleted: false)
                try recorder.insert(test)
            }
            guard result == .positive else { return (test, false, []) }
            let (escalated, contacts) = try positive(
                person, measure: measure, sampled: sampled, on: dayOfResult ?? sampled, today: today,
                actor: settings.villageName, db: db, recorder: &recorder, settings: settings)
            return (test, escalated, contacts)
        }
    }

    /// What a pulled page set off here: positives from the county's lab import, persons classified again.
    public struct PullEffects: Sendable {
        public var positives: [String] = []
        public var reclassified: [Reclassification] = []
    }

    /// How the sites of servers begin (`sync-server init` names them after their level).
    public static let serverSitePrefixes = ["county-", "city-", "province-"]

    /// What a positive result sets off, whoever recorded it (the clerk, or the county's lab import pulled at a
    /// sync): the measure escalates and everyone around the person (household, companions, contacts registered
    /// here) goes under the close-contact plan. Also for a positive with no open measure (a resident tested on
    /// suspicion): nobody around is missed.
    func positive(
        _ person: Person, measure: Measure?, sampled: Day, on day: Day, today: Day, actor: String, db: Database,
        recorder: inout ChangeRecorder, settings: RegistrySettings
    ) throws -> (escalated: Bool, contacts: [ContactOutcome]) {
        var escalated = false
        if var m = measure, m.status != .escalated {
            let old = m
            m.status = .escalated
            try recorder.update(m, from: old)
            try recorder.insert(
                event(m, .escalated, on: day, reason: "核酸阳性（\(sampled) 采样）", actor: actor, settings: settings))
            escalated = true
        }
        let contacts = try moveContacts(
            of: person, sampled: sampled, on: today, db: db,
            recorder: &recorder, settings: settings, rules: try RulesContext.load(db, settings: settings))
        return (escalated, contacts)
    }

    /// After a sync pulled `changes`: each positive result the county wrote into one of this village's samples (its
    /// lab import) sets off what a positive the clerk records does, in the same transaction as the pull, as this
    /// village's own changes (they go up at the next push). Returns the names of the persons concerned.
    ///
    /// Only a server's changes count: another laptop of this village that recorded a positive has escalated the
    /// measure itself, and its changes arrive here too (servers' sites are named `county-…`, `city-…`, `province-…`;
    /// a laptop's is a bare UUID).
    ///
    /// Risk areas the pull made stricter than `areasBefore` (the areas as they were before the page was applied)
    /// classify the persons concerned again, in the same transaction (`reclassify`).
    public func afterPulling(_ changes: [Change], areasBefore: [RiskArea]?, db: Database) throws -> PullEffects {
        let positives = changes.filter {
            $0.table == LabTest.databaseTableName
                && $0.columns.values["result"] == .string(TestResult.positive.rawValue)
                && Registry.serverSitePrefixes.contains(where: $0.origin.hasPrefix)
        }
        var effects = PullEffects()
        if let areasBefore {
            let tightened = RiskAreaChange.tightened(before: areasBefore, after: try RiskArea.fetchAll(db))
            if !tightened.isEmpty {
                let settings = try RegistrySettings.load(db)
                effects.reclassified = try ChangeRecorder.recording(db, site: settings.site, clock: clock) { recorder in
                    try reclassify(after: tightened, db: db, recorder: &recorder, settings: settings)
                }
            }
        }
        guard !positives.isEmpty else { return effects }
        let settings = try RegistrySettings.load(db)
        effects.positives = try ChangeRecorder.recording(db, site: settings.site, clock: clock) { recorder in
            var names: [String] = []
            for change in positives {
                guard let test = try LabTest.fetchOne(db, key: change.pk), test.result == .positive, !test.deleted,
                    let person = try Person.fetchOne(db, key: test.personId), let sampled = test.sampledOn
                else { continue }
                let measure = try Registry.file(db, person: person).current?.measure
                _ = try positive(
                    person, measure: measure, sampled: sampled, on: test.resultOn ?? sampled, today: clock.today,
                    actor: "县检测结果", db: db, recorder: &recorder, settings: settings)
                names.append(person.name)
            }
            return names
        }
        return effects
    }

    /// Ends a person's measure on `day`. Before its last day it needs `force` and a reason.
    public func release(_ query: String, on day: Day, reason: String?, force: Bool, actor: String?) throws -> Measure {
        try changeMeasure(query) { measure, settings in
            guard measure.status.isOpen else {
                throw RegistryError(
                    .person, zh: "当前措施状态为“\(measure.status.chinese)”，无需解除",
                    en: "the measure is \(measure.status.rawValue); nothing to release")
            }
            if let end = measure.endsOn, day < end, !force {
                throw RegistryError(
                    .date, zh: "管控到 \(end) 才期满；提前解除请加 --force 和 --reason",
                    en: "the measure runs until \(end); to release early give --force and --reason")
            }
            if force, (reason ?? "").trimmed.isEmpty {
                throw RegistryError(.reason, zh: "提前解除必须写明原因", en: "an early release needs a reason")
            }
            measure.status = .released
            measure.releasedOn = day
            return (.released, day, reason?.trimmed.nonEmpty ?? "期满解除")
        } actor: {
            actor ?? $0.villageName
        }
    }

    /// Lengthens the last phase by `days`, keeping the reason.
    public func extend(_ query: String, days: Int, reason: String, on day: Day, actor: String?) throws -> Measure {
        guard (1...60).contains(days) else {
            throw RegistryError(.days, zh: "应为 1–60 天", en: "must be 1 to 60 days")
        }
        let why = try Validate.required(reason, field: .reason)
        return try changeMeasure(query) { measure, _ in
            guard measure.status.isOpen, var last = measure.phases.last else {
                throw RegistryError(.person, zh: "没有进行中的管控措施可以延长", en: "there is no open measure to extend")
            }
            last.endsOn = last.endsOn.adding(days: days)
            var phases = measure.phases
            phases[phases.count - 1] = last
            measure.setPhases(phases)
            measure.status = .extended
            return (.extended, day, why)
        } actor: {
            actor ?? $0.villageName
        }
    }

    /// Hands a person on (to a hospital, another place): the measure stops holding from `day`.
    public func transfer(_ query: String, reason: String, on day: Day, actor: String?) throws -> Measure {
        let why = try Validate.required(reason, field: .reason)
        return try changeMeasure(query) { measure, _ in
            guard measure.status.isOpen else {
                throw RegistryError(.person, zh: "没有进行中的管控措施", en: "there is no open measure")
            }
            measure.status = .transferred
            measure.releasedOn = day
            return (.transferred, day, why)
        } actor: {
            actor ?? $0.villageName
        }
    }

    /// Changes the current measure of a person and writes the audit event, in one transaction.
    private func changeMeasure(
        _ query: String,
        _ change: (inout Measure, RegistrySettings) throws -> (MeasureEvent.Action, Day, String),
        actor: (RegistrySettings) -> String
    ) throws -> Measure {
        try write { db, recorder, settings in
            let person = try Registry.resolve(db, query)
            guard let old = try Registry.file(db, person: person).current?.measure else {
                throw RegistryError(.person, zh: "\(person.name) 没有登记返乡记录", en: "\(person.name) has no registered trip")
            }
            var measure = old
            let (action, day, reason) = try change(&measure, settings)
            measure.reason = reason
            measure.orderedBy = actor(settings)
            try recorder.update(measure, from: old)
            try recorder.insert(
                event(measure, action, on: day, reason: reason, actor: actor(settings), settings: settings))
            return measure
        }
    }

    private func event(
        _ measure: Measure, _ action: MeasureEvent.Action, on day: Day, reason: String, actor: String,
        settings: RegistrySettings
    ) -> MeasureEvent {
        MeasureEvent(
            id: ids.make(), village: settings.village, measureId: measure.id, action: action, onDate: day,
            recordedAt: nowText, actor: actor, reason: reason,
            detail: measure.phases.detailText,
            deleted: false)
    }
}

extension String {
    /// The text, or nil when it is empty (for optional fields, and for templates that show a section for any string).
    public var nonEmpty: String? { isEmpty ? nil : self }
}

extension Registry {
    /// A person as a clerk knows them: id number or record id, else a name that only one registered person has.
    static func resolveKnown(_ db: Database, _ query: String) throws -> Person {
        do {
            return try resolve(db, query)
        } catch let error as RegistryError {
            let named = try Person.filter(Person.Columns.name == query.trimmed && Person.Columns.deleted == false)
                .fetchAll(db)
            if named.count == 1 { return named[0] }
            if named.count > 1 {
                throw RegistryError(
                    .person, zh: "有 \(named.count) 人叫“\(query)”，请用身份证号指明",
                    en: "\(named.count) people are called \"\(query)\"; give the id number")
            }
            throw error
        }
    }
}

extension Registry {
    /// Closes a lead the county sent (核查): found (linked to the registered person), absent or unreachable.
    /// Only the outcome columns change, which is all a village may write of a county lead.
    /// A lead for a contact of a positive elsewhere (it carries `lastContactOn`), closed as found, puts the person
    /// under the close-contact plan from that day 0, stricter only, with a test that day.
    public func closeLead(_ query: String, outcome: LeadOutcome, on day: Day, person: String? = nil) throws -> Lead {
        try write { db, recorder, settings in
            let old = try Registry.lead(db, query)
            var closed = old
            closed.outcome = outcome
            closed.outcomeOn = day
            if let person {
                closed.personId = try Registry.resolveKnown(db, person).id
            } else if outcome == .found {
                // The lead's id number, else its name when exactly one registered person has it.
                if let idNumber = old.idNumber { closed.personId = try Registry.search(db, idNumber).first?.id }
                if closed.personId == nil {
                    let named = try Person.filter(Person.Columns.name == old.name && Person.Columns.deleted == false)
                        .fetchAll(db)
                    if named.count == 1 { closed.personId = named[0].id }
                }
            }
            if outcome == .found && closed.personId == nil {
                throw RegistryError(
                    .lead, zh: "“找到”的人员须先登记（registry intake），再关闭核查任务；已登记的请用 --person 身份证号 指明是谁",
                    en:
                        "a found person must be registered first (registry intake), then the lead closed; if registered, name them with --person ID_NUMBER"
                )
            }
            try recorder.update(closed, from: old)
            if outcome == .found { try planFound(closed, db: db, recorder: &recorder, settings: settings) }
            return closed
        }
    }

    /// A lead for a contact of a positive elsewhere, found: the close-contact plan from its day 0 (stricter only).
    func planFound(_ lead: Lead, db: Database, recorder: inout ChangeRecorder, settings: RegistrySettings) throws {
        guard let dayZero = lead.lastContactOn, let personID = lead.personId,
            let found = try Person.fetchOne(db, key: personID)
        else { return }
        let reason =
            lead.reason.flatMap { $0.hasPrefix(MeasureEvent.contactReasonPrefix) ? $0 : nil }
            ?? MeasureEvent.contactReasonPrefix + "县推送（\(lead.name)）"
        _ = try applyContactPlan(
            ContactCase(person: found, dayZero: min(dayZero, clock.today), relations: []), reason: reason,
            on: clock.today, db: db, recorder: &recorder, settings: settings,
            rules: try RulesContext.load(db, settings: settings))
    }
}
