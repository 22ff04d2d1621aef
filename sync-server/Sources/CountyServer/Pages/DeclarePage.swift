import Foundation
import Mustache
import RegistryCore

/// The returnee's declaration form and its confirmation, rendered from `Templates/declare.mustache` (which escapes
/// every value). What was typed comes back into the form beside its message after a refusal, the sender's own
/// words only: nothing from the database is ever shown.
public enum DeclarePage {
    static let template: MustacheTemplate = {
        try! PageTemplate.parse(PackageResources.declare_mustache)
    }()

    struct FieldView {
        let name, label, type: String
        let value: String
        let required: Bool
        let inputmode, placeholder, hint: String?
        let error: String?
        let maxLength: Int
    }

    struct View {
        let countyName, code, action: String
        /// Where the code lies, from the public gazetteer (河北省石家庄市藁城区): the returnee sees a place, not only
        /// digits, and the page still shows nothing from the database (the same for a village on the roster or not).
        let district: String?
        let done: Bool
        let formError: String?
        let fields: [FieldView]
    }

    /// How each field of the declaration is asked.
    static let layout:
        [(
            name: String, label: String, type: String, required: Bool, inputmode: String?, placeholder: String?,
            hint: String?, maxLength: Int
        )] = [
            ("name", "姓名", "text", true, nil, nil, nil, 40),
            ("id_number", "身份证号", "text", true, "text", "18 位，末位可能是 X", nil, 24),
            ("phone", "手机号", "tel", true, "tel", "11 位手机号", "村里会打这个电话与您联系", 20),
            ("from", "从哪里返回", "text", true, nil, "如：湖北省武汉市江岸区", "写到区县；也可填行政区划代码", 60),
            ("departed", "离开该地的日期", "date", true, nil, nil, nil, 10),
            ("arrived", "到达本村的日期", "date", true, nil, nil, "还在路上的，填预计到达日期的当天再申报", 10),
            ("address", "在村住址", "text", false, nil, "如：3 组 12 号", nil, 100),
            ("transport", "交通方式", "text", false, nil, "如：自驾、火车 G123、飞机", nil, 40),
        ]

    /// The form; after a refusal, with what was typed and the message beside the field at fault.
    public static func form(
        countyName: String, code: String, posted: [String: String] = [:], error: RegistryError? = nil,
        today: Day
    ) -> String {
        // Every field's problem at once (a returnee on a phone should not meet them one per submit). A place name
        // resolved from `from` may be refused as from_name: the form has one place field.
        func formName(_ field: Field) -> String {
            field == .fromName ? "from" : field == .stayedFrom ? "departed" : field.formName
        }
        let errors = error.map { Declaration.form(posted).problems(today: today, besides: $0) } ?? []
        var unplaced = errors
        let fields = layout.map { f in
            let k = unplaced.firstIndex { $0.field.map(formName) == f.name }
            let message = k.map { unplaced.remove(at: $0).reason.zh }
            return FieldView(
                name: f.name, label: f.label, type: f.type,
                value: posted[f.name] ?? (f.name == "arrived" ? today.description : ""), required: f.required,
                inputmode: f.inputmode, placeholder: f.placeholder, hint: f.hint,
                error: message, maxLength: f.maxLength)
        }
        var top = unplaced.map { $0.message(.zh) }
        if errors.count > 1 {
            top.insert(
                "有 \(errors.count) 处需要修改：\(fields.filter { $0.error != nil }.map(\.label).joined(separator: "、"))",
                at: 0)
        }
        let orphan = top.isEmpty ? nil : top.joined(separator: "；")
        return template.render(
            View(
                countyName: countyName, code: code, action: "/declare/\(code)",
                district: Gazetteer.shared.name(ofCode: code), done: false,
                formError: orphan, fields: fields))
    }

    /// The confirmation: the same whoever declared and whatever became of it.
    public static func done(countyName: String, code: String) -> String {
        template.render(
            View(
                countyName: countyName, code: code, action: "", district: Gazetteer.shared.name(ofCode: code),
                done: true, formError: nil, fields: []))
    }
}
