import Foundation
import Hummingbird
import RegistryCore

/// `/people/<id number>`: 个人档案, one person's trips, plan, checks and tests, with a form for each thing a clerk
/// does to them: `POST /people/<id>/<action>` (check, test, release, extend, transfer, correct, delete). A saved form
/// redirects (303) back to the page; a refused one shows the page again with the message beside the field (422).
struct PersonController: Sendable {
    let app: WebApp

    /// One thing a clerk can do to a person: its form and what it calls.
    struct Action: Sendable {
        let key, title, button: String
        let fields: [FieldView]
        let flash: Flash
        let danger: Bool
        /// Does it; a flash other than `flash` to show, when the outcome calls for one.
        let perform: @Sendable (Registry, String, PostedForm) throws -> Flash?
    }

    static let actions: [Action] = [
        Action(
            key: "check", title: "测体温", button: "记录体温",
            fields: [
                FieldView(name: "temp", label: "体温 °C", required: true, inputmode: "decimal"),
                FieldView(name: "symptom", label: "症状", hint: "照实写，多个用逗号或顿号隔开，如 发热、咳嗽、头疼；无则空"),
                FieldView(name: "at", label: "时间", hint: "YYYY-MM-DD HH:MM，默认现在"),
            ],
            flash: .checked, danger: false
        ) { registry, person, form in
            let outcome = try registry.check(
                person, temperature: try Validate.temperature(form["temp"]), symptoms: [form["symptom"]],
                at: form.optional("at")
            )
            // A fever or a symptom is an alert where it was typed, not a green "recorded".
            return outcome.check.flagged ? .checkedAbnormal : nil
        },
        Action(
            key: "test", title: "核酸检测", button: "记录检测",
            fields: [
                FieldView(name: "sampled", label: "采样日期", type: "date", required: true),
                FieldView(
                    name: "result", label: "结果",
                    options: TestResult.allCases.map {
                        .init(value: $0.rawValue, label: $0.label(.zh), selected: false)
                    }),
                FieldView(name: "date", label: "出结果日期", type: "date", hint: "默认采样日"),
                FieldView(name: "lab", label: "检测机构"),
            ],
            flash: .tested, danger: false
        ) { registry, person, form in
            _ = try registry.recordTest(
                person, sampled: try Validate.day(form["sampled"], field: .sampled),
                result: try Validate.choice(form["result"], field: .result),
                resultOn: try Validate.optionalDay(form.optional("date"), field: .date), lab: form.optional("lab"))
            return nil
        },
        Action(
            key: "release", title: "解除管控", button: "解除",
            fields: [
                FieldView(name: "reason", label: "原因"),
                FieldView(
                    name: "force", label: "期满前提前解除",
                    options: [
                        .init(value: "", label: "否", selected: false), .init(value: "yes", label: "是", selected: false),
                    ]),
                FieldView(name: "by", label: "经办人"),
            ],
            flash: .released, danger: false
        ) { registry, person, form in
            _ = try registry.release(
                person, on: registry.clock.today, reason: form.optional("reason"), force: form["force"] == "yes",
                actor: form.optional("by"))
            return nil
        },
        Action(
            key: "extend", title: "延长管控", button: "延长",
            fields: [
                FieldView(name: "days", label: "延长天数", required: true, inputmode: "numeric"),
                FieldView(name: "reason", label: "原因", required: true), FieldView(name: "by", label: "经办人"),
            ],
            flash: .extended, danger: false
        ) { registry, person, form in
            guard let days = Int(form["days"].trimmingCharacters(in: .whitespaces)) else {
                throw RegistryError(.days, zh: "应为整数天数", en: "must be a whole number of days")
            }
            _ = try registry.extend(
                person, days: days, reason: form["reason"], on: registry.clock.today, actor: form.optional("by"))
            return nil
        },
        Action(
            key: "transfer", title: "转运集中隔离", button: "转运",
            fields: [FieldView(name: "reason", label: "原因（去向）", required: true), FieldView(name: "by", label: "经办人")],
            flash: .transferred, danger: false
        ) { registry, person, form in
            _ = try registry.transfer(
                person, reason: form["reason"], on: registry.clock.today, actor: form.optional("by"))
            return nil
        },
        Action(
            key: "correct", title: "更正信息", button: "更正",
            fields: [
                FieldView(name: "name", label: "姓名"), FieldView(name: "phone", label: "手机号", type: "tel"),
                FieldView(name: "address", label: "住址"),
            ],
            flash: .corrected, danger: false
        ) { registry, person, form in
            _ = try registry.correct(
                person,
                PersonCorrection(
                    name: form.optional("name"), phone: form.fields["phone"], address: form.fields["address"]))
            return nil
        },
        Action(
            key: "delete", title: "删除误登记", button: "删除",
            fields: [FieldView(name: "reason", label: "删除原因（县里可见）", required: true)],
            flash: .deleted, danger: true
        ) { registry, person, form in
            _ = try registry.delete(person, reason: form["reason"])
            return nil
        },
    ]

    struct ActionView: Sendable {
        let key, title, button: String
        let fields: [FieldView]
        let formError: String?
        let danger: Bool
    }
    struct Trip: Sendable {
        let arrivedOn, departedOn, dayZero, category, policy, source, stays, measure, status: String
        let tests: [Test]
        let events: [Event]
        let hasTests: Bool

        init(
            arrivedOn: String, departedOn: String, dayZero: String, category: String, policy: String, source: String,
            stays: String,
            measure: String, status: String, tests: [Test], events: [Event]
        ) {
            (self.arrivedOn, self.departedOn, self.dayZero, self.category, self.policy) = (
                arrivedOn, departedOn, dayZero, category, policy
            )
            (self.source, self.stays, self.measure, self.status, self.tests, self.events) = (
                source, stays, measure, status, tests, events
            )
            hasTests = !tests.isEmpty
        }
    }
    struct Test: Sendable {
        let dueOn, sampledOn, result, resultOn: String
        let positive: Bool
    }
    struct Check: Sendable {
        let takenAt, temperature, symptoms: String
        let flagged: Bool
    }
    struct Event: Sendable { let action, onDate, actor, reason: String }
    /// The notice of the current trip's measure to print (管控告知书 while it holds, 解除隔离告知书 once released).
    struct NoticeLink: Sendable { let href, label: String }
    struct View: Sendable {
        let name, idNumber, sex, birthDate, phone, address: String
        let notice: NoticeLink?
        let household: String
        let trips: [Trip]
        let checks: [Check]
        let hasChecks: Bool
        let actions: [ActionView]
        let path: String
    }

    func add(to router: Router<WebContext>) {
        router.get("/people/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try page(id, failed: nil, request: request, context: context)
        }
        // The notice as its own page (one A4 sheet with its print CSS): the clerk prints it from the browser.
        router.get("/people/:id/notice/:kind") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let kind = NoticeKind(rawValue: context.parameters.get("kind") ?? "") else {
                throw HTTPError(.notFound)
            }
            switch app.attempt({ try app.registry.notice(id, kind: kind, on: app.registry.clock.today) }) {
            case .success(let notice):
                return Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: notice.html())))
            case .failure(let error): throw HTTPError(.notFound, message: error.message(.zh))
            }
        }
        router.post("/people/:id/:action") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard let action = Self.actions.first(where: { $0.key == context.parameters.get("action") }) else {
                throw HTTPError(.notFound)
            }
            let form = try await PostedForm.read(request, context)
            switch app.attempt({ try action.perform(app.registry, id, form) }) {
            case .success(let flash):
                // A form on another page (the work list's quick check) comes back there.
                let back = form.optional("back").flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil }
                return Pages.redirect(
                    back ?? (action.key == "delete" ? "/people" : "/people/\(id)"), done: flash ?? action.flash)
            case .failure(let error):
                return try page(
                    id, failed: (action.key, form, error), request: request, context: context,
                    status: .unprocessableContent)
            }
        }
    }

    func page(
        _ id: String, failed: (action: String, form: PostedForm, error: RegistryError)?, request: Request,
        context: WebContext,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let file: PersonFile
        switch app.attempt({ try app.registry.file(id) }) {
        case .success(let found): file = found
        case .failure(let error): throw HTTPError(.notFound, message: error.message(.zh))
        }
        let v = file.jsonView
        let today = "\(app.registry.clock.today)"
        let actions = Self.actions.map { action -> ActionView in
            let mine = failed?.action == action.key ? failed : nil
            var defaults = PostedForm(fields: ["sampled": today])
            if action.key == "correct" {
                defaults.fields = ["name": v.name, "phone": v.phone ?? "", "address": v.address ?? ""]
            }
            let (fields, orphan) = action.fields.filled(mine?.form ?? defaults, error: mine?.error)
            return ActionView(
                key: action.key, title: action.title, button: action.button, fields: fields, formError: orphan,
                danger: action.danger)
        }
        func label<C: Choice>(_ type: C.Type, _ raw: String) -> String { C(rawValue: raw)?.label(.zh) ?? raw }
        let view = View(
            name: v.name, idNumber: v.id_number,
            sex: v.sex.map { $0 == "male" ? "男" : $0 == "female" ? "女" : $0 } ?? "", birthDate: v.birth_date ?? "",
            phone: v.phone ?? "", address: v.address ?? "",
            notice: file.current.flatMap { trip in
                let m = trip.measure
                if m.phases.isEmpty { return nil }
                if m.status.isOpen {
                    return NoticeLink(href: "/people/\(v.id_number)/notice/quarantine", label: "打印管控告知书")
                }
                if m.status == .released {
                    return NoticeLink(href: "/people/\(v.id_number)/notice/release", label: "打印解除隔离告知书")
                }
                return nil
            },
            household: v.household.map { "\($0.name) \($0.id_number)" }.joined(separator: "、"),
            trips: v.trips.reversed().map { t in
                Trip(
                    arrivedOn: t.arrived_on, departedOn: t.departed_on, dayZero: t.day_zero,
                    category: label(Category.self, t.category),
                    policy: PolicyBook.label(t.policy), source: label(ArrivalSource.self, t.source),
                    stays: t.stays.map { "\($0.name)（\($0.from.map { "\($0)–" } ?? "")\($0.to)）" }.joined(
                        separator: "；"),
                    measure: t.measure.phases.isEmpty
                        ? "无需管控"
                        : t.measure.phases.map { "\(label(MeasureKind.self, $0.kind)) \($0.starts_on) 至 \($0.ends_on)" }
                            .joined(separator: "，然后 "),
                    status: label(MeasureStatus.self, t.measure.status)
                        + (t.measure.released_on.map { "（\($0) 解除）" } ?? ""),
                    tests: t.tests.map {
                        Test(
                            dueOn: $0.due_on ?? "", sampledOn: $0.sampled_on ?? "",
                            // A planned test not yet sampled has no result to wait for: 待采样, as `registry show` says.
                            result: $0.sampled_on == nil ? "待采样" : label(TestResult.self, $0.result),
                            resultOn: $0.result_on ?? "", positive: $0.result == TestResult.positive.rawValue)
                    },
                    events: t.measure.events.map {
                        Event(
                            action: label(MeasureEvent.Action.self, $0.action), onDate: $0.on_date, actor: $0.actor,
                            reason: $0.reason)
                    })
            },
            checks: v.checks.prefix(30).map {
                Check(
                    takenAt: ReadableTime.short($0.taken_at), temperature: String(format: "%.1f", $0.temperature),
                    symptoms: SymptomWords.display(
                        codes: $0.symptoms.joined(separator: ","), written: $0.symptoms_written),
                    flagged: $0.flagged)
            },
            hasChecks: !v.checks.isEmpty, actions: actions, path: "/people/\(v.id_number)")
        return app.pages.render(
            "person", title: v.name, active: "/people", content: view, app: app, context: context, request: request,
            status: status)
    }
}
