import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry intake`: registers one arrival, from flags or, on a terminal with no flags, by asking.
    struct Intake: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "登记一名返乡人员 / Register one arrival.",
            discussion: "不带参数在终端运行时逐项提问。 With no flags on a terminal it asks field by field.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "姓名 / Name.") var name: String?
        @Option(help: "证件类型 resident_id|passport|other（默认身份证）.") var idType: String?
        @Option(help: "身份证号 / Id number.") var idNumber: String?
        @Option(help: "手机号 / Mobile phone.") var phone: String?
        @Option(help: "来源地区划代码 / Area code of where they came from.") var from: String?
        @Option(help: "来源地名称 / Name of that place.") var fromName: String?
        @Option(help: "到达来源地日期 / First day there.") var stayedFrom: String?
        @Option(help: "离开来源地日期（密接为末次接触日） / Departure (for contacts: last exposure).") var departed: String?
        @Option(help: "到达本村日期（默认今天） / Arrival date (default today).") var arrived: String?
        @Option(help: "人员类别（密接、次密接、入境） / close_contact|secondary_contact|inbound.") var category: String?
        @Option(help: "交通方式 / Transport.") var transport: String?
        @Option(help: "健康码 green|yellow|red.") var healthCode: String?
        @Option(help: "疫苗剂次 / Vaccine doses.") var vaccineDoses: String?
        @Option(help: "住址 / Address in the village.") var address: String?
        @Option(help: "信息来源 self_report|county_lead|checkpoint|health_feedback.") var source: String?
        @Option(name: .customLong("with"), help: "同行人身份证号（可重复） / A companion's id number (repeatable).") var with:
            [String] = []
        @Option(
            help:
                "加入某户：某人的身份证号或档案编号，或户籍台账中的住址、户主（入户排查发现的返乡人员；住址随之填入）；默认按住址 / Join this person's household, or a household of the register."
        ) var household: String?
        @Option(
            help:
                "按自主申报或核查任务登记（身份证号、手机号、姓名或任务编号；已申报的信息自动填入，可用其他参数更正），并关闭该任务 / Register from a declaration or lead (its fields fill the form; flags correct them) and close it as found."
        )
        var lead: String?
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table
        @Flag(help: "确认更名：该身份证号已登记为别的姓名，本次姓名为准 / The registered person goes by this name now.")
        var rename = false
        @Flag(help: .hidden) var ask = false

        /// The form of the flags given, over `start` (empty, or what a lead declared): a flag given replaces.
        func form(over start: IntakeForm = IntakeForm()) -> IntakeForm {
            var form = start
            func set(_ value: String?, _ field: WritableKeyPath<IntakeForm, String>) {
                if let value { form[keyPath: field] = value }
            }
            set(name, \.name)
            set(idType, \.idType)
            set(idNumber, \.idNumber)
            set(phone, \.phone)
            if from != nil || fromName != nil {
                form.stays[0].code = from ?? ""
                form.stays[0].name = fromName ?? ""
            }
            set(stayedFrom, \.stays[0].from)
            set(departed, \.stays[0].to)
            set(arrived, \.arrived)
            set(category, \.category)
            set(transport, \.transport)
            set(healthCode, \.healthCode)
            set(vaccineDoses, \.vaccineDoses)
            set(address, \.address)
            set(source, \.source)
            if !with.isEmpty { form.companions = with }
            set(household, \.household)
            if rename { form.rename = true }
            return form
        }

        var hasNoFields: Bool {
            [
                name, idType, idNumber, phone, from, fromName, stayedFrom, departed, arrived, category, transport,
                healthCode, vaccineDoses, address, source, household,
            ].allSatisfy { $0 == nil } && with.isEmpty
        }

        func run() throws {
            try global.run { registry in
                var form = form(over: try lead.map { IntakeForm(lead: try registry.openLead($0)) } ?? IntakeForm())
                if form.arrived.isEmpty { form.arrived = "\(registry.clock.today)" }
                if ask || (hasNoFields && lead == nil && Console.isInteractive) {
                    guard let asked = IntakePrompt(lang: global.lang, today: registry.clock.today).ask(form) else {
                        throw ExitCode.failure
                    }
                    form = asked
                }
                let outcome = try lead.map { try registry.intake(form, lead: $0) } ?? registry.intake(form)
                for warning in outcome.warnings {
                    Console.error((global.lang == .zh ? "注意：" : "Note: ") + warning(global.lang))
                }
                let file = try registry.file(outcome.person.id)
                if format == .json {
                    Console.out(JSONText.encode(file.jsonView))
                    return
                }
                Console.out(IntakeSummary.text(outcome, lang: global.lang))
                for contact in outcome.contacts { Console.out(ContactText.line(contact, lang: global.lang)) }
            }
        }
    }
}

/// The lines printed after an intake: who, new or known, the category and the plan.
enum IntakeSummary {
    static func text(_ outcome: IntakeOutcome, lang: Language) -> String {
        let zh = lang == .zh
        let p = outcome.person
        let status: String
        switch (outcome.isNewPerson, outcome.isNewArrival) {
        case (true, _): status = zh ? "新建档案" : "new record"
        case (false, true): status = zh ? "已有档案，新增一次返乡" : "known person, new trip"
        case (false, false): status = zh ? "该次返乡已登记，未重复写入" : "this trip was already registered; nothing written"
        }
        var lines = [(zh ? "已登记：" : "Registered: ") + "\(p.name) \(p.idNumber)（\(status)）"]
        lines.append(
            (zh ? "类别：" : "Category: ") + outcome.arrival.category.label(lang)
                + (zh ? "    第 0 天：" : "    Day 0: ") + "\(outcome.arrival.dayZero)"
                + (zh ? "    政策：" + PolicyBook.label(outcome.arrival.policy) : "    Policy: " + outcome.arrival.policy))
        lines.append((zh ? "措施：" : "Measure: ") + outcome.measure.summary(lang))
        if !outcome.tests.isEmpty {
            lines.append(
                (zh ? "核酸检测日：" : "Test days: ")
                    + outcome.tests.compactMap { $0.dueOn.map { "\($0)" } }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Asks for an intake field by field, in the clerk's language. Each answer is checked as soon as it is typed and
/// asked again at once when wrong; a wrong value is never offered back as the default, and Enter on an optional
/// field leaves it empty. Required fields offer a default only when it passes (the arrival day: today).
struct IntakePrompt {
    let lang: Language
    let today: Day
    var readLine: () -> String? = { Swift.readLine(strippingNewline: true) }
    var write: (String) -> Void = { Swift.print($0, terminator: "") }

    struct Question: Sendable {
        let field: Field
        let optional: Bool
        let get: @Sendable (IntakeForm) -> String
        let set: @Sendable (inout IntakeForm, String) -> Void
    }

    static let questions: [Question] = [
        Question(field: .name, optional: false, get: { $0.name }, set: { $0.name = $1 }),
        Question(field: .idNumber, optional: false, get: { $0.idNumber }, set: { $0.idNumber = $1 }),
        Question(field: .phone, optional: true, get: { $0.phone }, set: { $0.phone = $1 }),
        Question(field: .from, optional: false, get: { $0.stays[0].code }, set: { $0.stays[0].code = $1 }),
        Question(field: .fromName, optional: true, get: { $0.stays[0].name }, set: { $0.stays[0].name = $1 }),
        Question(field: .stayedFrom, optional: true, get: { $0.stays[0].from }, set: { $0.stays[0].from = $1 }),
        Question(field: .departed, optional: false, get: { $0.stays[0].to }, set: { $0.stays[0].to = $1 }),
        Question(field: .arrived, optional: false, get: { $0.arrived }, set: { $0.arrived = $1 }),
        Question(field: .category, optional: true, get: { $0.category }, set: { $0.category = $1 }),
        Question(field: .transport, optional: true, get: { $0.transport }, set: { $0.transport = $1 }),
        Question(field: .healthCode, optional: true, get: { $0.healthCode }, set: { $0.healthCode = $1 }),
        Question(field: .vaccineDoses, optional: true, get: { $0.vaccineDoses }, set: { $0.vaccineDoses = $1 }),
        Question(field: .address, optional: true, get: { $0.address }, set: { $0.address = $1 }),
        Question(
            field: .companions, optional: true, get: { $0.companions.joined(separator: ";") },
            set: { $0.companions = $1.isEmpty ? [] : [$1] }),
    ]

    /// The form filled in, or nil when input ended (Ctrl-D) before it was complete.
    func ask(_ start: IntakeForm) -> IntakeForm? {
        var form = start
        var pending = IntakePrompt.questions
        var lastAmbiguous: [Place]?
        while let question = pending.first {
            let fallback = question.optional ? "" : defaultAnswer(question, in: form, start: start)
            write(question.field.label(lang) + hint(question, fallback) + "：")
            guard let line = readLine() else { return nil }
            var answer = line.trimmingCharacters(in: .whitespaces)
            // After a place matching several, the clerk may answer with the number of the one meant.
            if question.field == .from, let n = Int(answer), let previous = lastAmbiguous,
                (1...previous.count).contains(n)
            {
                answer = previous[n - 1].code
            }
            lastAmbiguous = nil
            question.set(&form, answer.isEmpty ? fallback : answer)
            if question.field == .from, case .ambiguous(let places) = Gazetteer.shared.resolve(answer) {
                lastAmbiguous = Array(places.prefix(8))
            }
            if let problem = problem(with: question.field, in: form) {
                write(problem + "\n")
                if let choices = lastAmbiguous {
                    write(lang == .zh ? "（输入序号 1–\(choices.count) 选择其一）\n" : "(type 1–\(choices.count) to choose)\n")
                }
                question.set(&form, fallback)
                continue
            }
            pending.removeFirst()
            // Relations between fields answered apart (a departure after the arrival) show once all are in:
            // the field at fault is asked again.
            if pending.isEmpty {
                do {
                    _ = try form.validated(today: today)
                } catch let error as RegistryError {
                    write(error.message(lang) + "\n")
                    guard let atFault = IntakePrompt.questions.first(where: { $0.field == error.field }) else {
                        return nil
                    }
                    atFault.set(&form, "")
                    pending.append(atFault)
                } catch {
                    return nil
                }
            }
        }
        return form
    }

    /// The value a required field was started with (a flag, or today for the arrival) when it passes; never a
    /// value that fails, so that Enter cannot keep a mistake.
    private func defaultAnswer(_ question: Question, in form: IntakeForm, start: IntakeForm) -> String {
        var probe = form
        question.set(&probe, question.get(start))
        let value = question.get(start)
        return value.isEmpty || problem(with: question.field, in: probe) != nil ? "" : value
    }

    private func hint(_ question: Question, _ fallback: String) -> String {
        if question.optional { return lang == .zh ? "（可空，回车跳过）" : " (optional, Enter to skip)" }
        return fallback.isEmpty ? "" : " [\(fallback)]"
    }

    private func problem(with field: Field, in form: IntakeForm) -> String? {
        do {
            try form.check(field, today: today)
            return nil
        } catch let error as RegistryError {
            return error.message(lang)
        } catch {
            return "\(error)"
        }
    }
}
