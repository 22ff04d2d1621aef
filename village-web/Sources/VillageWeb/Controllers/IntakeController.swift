import Foundation
import Hummingbird
import RegistryCore

/// `/intake`: 登记, the intake form. Each field is checked by the intake's own validators and a refusal comes back
/// beside its field (422); 查看方案 shows the plan the policy in force gives, without saving; 保存 registers and
/// redirects (303) to the person's page. `?lead=ID` fills the form from a declaration or a county lead, and saving
/// closes the lead as found.
struct IntakeController: Sendable {
    let app: WebApp

    struct Plan: Sendable {
        let category, dayZero, policy, measure, tests, status: String
        let warnings: [String]
    }
    struct View: Sendable {
        let fields: [FieldView]
        let formError: String?
        let lead: String?
        let leadLine: String?
        let plan: Plan?
        let places: [String]
    }

    /// The fields, by the CLI's flag names in snake_case.
    static let fields: [FieldView] = [
        FieldView(name: "name", label: "姓名", required: true),
        FieldView(name: "id_number", label: "身份证号", required: true, hint: "18 位；15 位旧号自动升级", inputmode: "text"),
        FieldView(name: "phone", label: "手机号", type: "tel", inputmode: "tel"),
        FieldView(
            name: "from", label: "从哪里返回（地名或区划代码）", required: true, hint: "输入地名可选择，如 武汉市江岸区；街道填 9 位代码", list: "places"),
        FieldView(name: "from_name", label: "来源地详细名称", hint: "可空；如 某某街道某社区"),
        FieldView(name: "stayed_from", label: "到达来源地日期", type: "date"),
        FieldView(name: "departed", label: "离开来源地日期", type: "date", required: true, hint: "密接填末次接触日"),
        FieldView(name: "arrived", label: "到达本村日期", type: "date", required: true),
        FieldView(
            name: "category", label: "人员类别", hint: "一般按旅居史自动判定；只能指定更严的类别",
            options: [.init(value: "", label: "按旅居史判定", selected: false)]
                + Category.overrides.map { .init(value: $0.rawValue, label: $0.label(.zh), selected: false) }),
        FieldView(name: "transport", label: "交通方式", hint: "如 自驾、火车 G123"),
        FieldView(
            name: "health_code", label: "健康码",
            options: [.init(value: "", label: "未填", selected: false)]
                + HealthCode.allCases.map { .init(value: $0.rawValue, label: $0.chinese, selected: false) }),
        FieldView(name: "vaccine_doses", label: "疫苗剂次", inputmode: "numeric"),
        FieldView(name: "address", label: "在村住址"),
        FieldView(name: "with", label: "同行人身份证号", hint: "多人用分号隔开"),
        FieldView(name: "household", label: "加入某户", hint: "同户人的身份证号，或户籍台账中的住址、户主；默认按住址"),
        FieldView(
            name: "rename", label: "确认更名", hint: "仅当该身份证号已登记为别的姓名、且本人确已更名时选“是”",
            options: [.init(value: "", label: "否", selected: false), .init(value: "yes", label: "是", selected: false)]),
    ]

    /// County-level places and above by their full names, for the place field's suggestions (a datalist: no script).
    static let places: [String] = {
        let g = Gazetteer.shared
        return g.codes.compactMap { g.place(code: $0) }.filter { $0.successor == nil && $0.level <= .county }.map {
            g.path($0)
        }
    }()

    func add(to router: Router<WebContext>) {
        router.get("/intake") { request, context in
            var posted = PostedForm(fields: ["arrived": "\(app.registry.clock.today)"])
            // From 入户排查: a returnee found at a household's door joins it (its address is filled in on saving).
            if let household = request.uri.queryParameters["household"].map(String.init) {
                posted.fields["household"] = household
            }
            var leadLine: String?
            let leadID = request.uri.queryParameters["lead"].map(String.init)
            if let leadID {
                switch app.attempt({ try app.registry.openLead(leadID) }) {
                case .success(let lead):
                    posted = PostedForm(lead: lead, today: app.registry.clock.today)
                    leadLine = Self.leadLine(lead)
                case .failure(let error):
                    return page(
                        PostedForm(fields: [:]), error: error, lead: nil, leadLine: nil, plan: nil, request: request,
                        context: context,
                        status: .notFound)
                }
            }
            return page(
                posted, error: nil, lead: leadID, leadLine: leadLine, plan: nil, request: request, context: context)
        }
        router.post("/intake") { request, context in
            let form = try await PostedForm.read(request, context)
            let lead = form.optional("lead")
            var intake = Self.form(form)
            let record = lead.flatMap { try? app.registry.openLead($0) }
            if let record {
                let declared = IntakeForm(lead: record)
                intake.source = declared.source
                intake.joinByAddress = declared.joinByAddress
            }
            let leadLine = record.map(Self.leadLine)
            if form["action"] == "preview" {
                switch app.attempt({ try app.registry.preview(intake) }) {
                case .success(let outcome):
                    return page(
                        form, error: nil, lead: lead, leadLine: leadLine, plan: Self.plan(outcome), request: request,
                        context: context)
                case .failure(let error):
                    return page(
                        form, error: error, lead: lead, leadLine: leadLine, plan: nil, request: request,
                        context: context, status: .unprocessableContent)
                }
            }
            switch app.attempt({
                try lead.map { try app.registry.intake(intake, lead: $0) } ?? app.registry.intake(intake)
            }) {
            case .success(let outcome):
                return Pages.redirect("/people/\(outcome.person.idNumber)", done: .registered)
            case .failure(let error):
                return page(
                    form, error: error, lead: lead, leadLine: leadLine, plan: nil, request: request, context: context,
                    status: .unprocessableContent)
            }
        }
    }

    func page(
        _ form: PostedForm, error: RegistryError?, lead: String?, leadLine: String?, plan: Plan?, request: Request,
        context: WebContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        // A refused form shows every field's problem at once, not only the first the whole-form check met.
        let errors =
            error.map {
                form.fields.isEmpty ? [$0] : Self.form(form).problems(today: app.registry.clock.today, besides: $0)
            }
            ?? []
        let (fields, orphan) = Self.fields.filled(form, errors: errors)
        return app.pages.render(
            "intake", title: "登记", active: "/intake",
            content: View(
                fields: fields, formError: orphan, lead: lead, leadLine: leadLine, plan: plan, places: Self.places),
            app: app, context: context, request: request, status: status)
    }

    /// The intake form of the posted fields.
    static func form(_ form: PostedForm) -> IntakeForm {
        var intake = IntakeForm()
        intake.name = form["name"]
        intake.idNumber = form["id_number"]
        intake.phone = form["phone"]
        intake.stays = [
            .init(code: form["from"], name: form["from_name"], from: form["stayed_from"], to: form["departed"])
        ]
        intake.arrived = form["arrived"]
        intake.category = form["category"]
        intake.transport = form["transport"]
        intake.healthCode = form["health_code"]
        intake.vaccineDoses = form["vaccine_doses"]
        intake.address = form["address"]
        intake.companions = form["with"].split(whereSeparator: { ";；, ，".contains($0) }).map(String.init)
        intake.household = form["household"]
        intake.rename = form["rename"] == "yes"
        return intake
    }

    static func leadLine(_ lead: Lead) -> String {
        lead.source == .selfReport
            ? "自主申报：\(lead.name) 于 \(lead.declaredAt ?? "") 申报，请电话核实后补全并保存；保存即关闭该申报。"
            : "核查任务：\(lead.name)（\(lead.reason ?? "")，截止 \(lead.deadline)）；保存即按“已找到”关闭。"
    }

    static func plan(_ outcome: IntakeOutcome) -> Plan {
        Plan(
            category: outcome.arrival.category.label(.zh), dayZero: "\(outcome.arrival.dayZero)",
            policy: PolicyBook.label(outcome.arrival.policy),
            measure: outcome.measure.summary(.zh),
            tests: outcome.tests.compactMap { $0.dueOn.map { "\($0)" } }.joined(separator: "、"),
            status: outcome.isNewPerson ? "新建档案" : outcome.isNewArrival ? "已有档案，新增一次返乡" : "该次返乡已登记，保存不会重复写入",
            warnings: outcome.warnings.map(\.zh))
    }
}

extension PostedForm {
    /// The form a lead fills in (the fields the returnee declared).
    init(lead: Lead, today: Day) {
        let form = IntakeForm(lead: lead)
        fields = [
            "name": form.name, "id_number": form.idNumber, "phone": form.phone, "from": form.stays[0].code,
            "from_name": form.stays[0].name, "departed": form.stays[0].to,
            "arrived": form.arrived.isEmpty ? "\(today)" : form.arrived,
            "address": form.address, "transport": form.transport,
        ]
    }
}
