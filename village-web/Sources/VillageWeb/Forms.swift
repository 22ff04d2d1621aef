import Foundation
import Hummingbird
import MultipartKit
import RegistryCore

/// A posted form: its fields by name, after the CSRF token was checked.
struct PostedForm: Sendable {
    var fields: [String: String]

    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The value, or nil when empty (an optional flag not given).
    func optional(_ name: String) -> String? {
        let value = self[name].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// The fields of a URL-encoded body; refused (403) unless it carries the session's CSRF token.
    static func read(_ request: Request, _ context: WebContext, limit: Int = 64 << 10) async throws -> PostedForm {
        let body = try await request.body.collect(upTo: limit)
        let form = PostedForm(fields: FormEncoding.fields(String(buffer: body)))
        try form.checkCSRF(context)
        return form
    }

    func checkCSRF(_ context: WebContext) throws {
        guard let session = context.session, !session.csrf.isEmpty, self["csrf"] == session.csrf else {
            throw HTTPError(.forbidden, message: "这个表单已过期，请刷新页面后重新提交 / the form has expired; reload the page")
        }
    }
}

/// An uploaded file and the fields beside it, from a multipart/form-data body (the import page).
struct Upload: Sendable {
    var form: PostedForm
    var file: Data
    var filename: String

    static func read(_ request: Request, _ context: WebContext, limit: Int) async throws -> Upload {
        guard let type = request.headers[.contentType],
            let boundary = type.split(separator: ";").lazy
                .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.hasPrefix("boundary=") })?
                .dropFirst("boundary=".count)
        else {
            throw HTTPError(.badRequest, message: "expected a file upload (multipart/form-data)")
        }
        let body = try await request.body.collect(upTo: limit)
        // MultipartKit's parser, part by part: the file's bytes, the other parts as text fields.
        var fields: [String: String] = [:]
        var file = Data()
        var filename = ""
        var name = ""
        var disposition = ""
        var data = Data()
        let parser = MultipartParser(
            boundary: String(boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\""))))
        parser.onHeader = { field, value in
            if field.lowercased() == "content-disposition" {
                disposition = value
                name = Self.parameter("name", in: value) ?? ""
            }
        }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            if name == "file" {
                (file, filename) = (data, Self.parameter("filename", in: disposition) ?? "")
            } else if fields[name] == nil {
                fields[name] = String(decoding: data, as: UTF8.self)
            }
            (name, disposition, data) = ("", "", Data())
        }
        do {
            try parser.execute(body)
        } catch {
            throw HTTPError(.badRequest, message: "the upload is not a valid multipart/form-data body")
        }
        let form = PostedForm(fields: fields)
        try form.checkCSRF(context)
        return Upload(form: form, file: file, filename: filename)
    }

    /// A quoted parameter of a Content-Disposition header (`name="file"`, `filename="名单.csv"`).
    static func parameter(_ key: String, in disposition: String) -> String? {
        for part in disposition.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix("\(key)=") {
                return String(pair.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// One field of a form as a page shows it: label, input, the value typed and the message beside it.
struct FieldView: Sendable {
    var name: String
    var label: String
    var type = "text"
    var value = ""
    var required = false
    var hint: String? = nil
    var error: String? = nil
    /// For a choice: the options (value, label, chosen).
    var options: [Option]? = nil
    var list: String? = nil
    var inputmode: String? = nil
    /// Whether it is a choice (set from `options`: the templates see stored properties only).
    var isSelect = false

    struct Option: Sendable {
        let value, label: String
        let selected: Bool
    }
}

extension Array where Element == FieldView {
    /// The fields with the values posted and the refusal beside the field it names; the message that names no field
    /// of this form comes back for the top of the form.
    func filled(_ form: PostedForm?, error: RegistryError?) -> (fields: [FieldView], orphan: String?) {
        filled(form, errors: error.map { [$0] } ?? [])
    }

    /// The same with several refusals, each beside its field; those that name no field of this form come back for
    /// the top, and with more than one problem the top also says how many and where (a phone shows the form's top
    /// after a submit, not the fields further down).
    func filled(_ form: PostedForm?, errors: [RegistryError]) -> (fields: [FieldView], orphan: String?) {
        var fields = self
        var unplaced = errors
        for i in fields.indices {
            if let form, let value = form.fields[fields[i].name] { fields[i].value = value }
            fields[i].isSelect = fields[i].options != nil
            if let options = fields[i].options {
                fields[i].options = options.map {
                    .init(value: $0.value, label: $0.label, selected: $0.value == fields[i].value)
                }
            }
            if let k = unplaced.firstIndex(where: { e in
                e.field.map { WebField.names($0).contains(fields[i].name) } ?? false
            }) {
                fields[i].error = unplaced[k].reason.zh
                unplaced.remove(at: k)
            }
        }
        var top = unplaced.map { $0.message(.zh) }
        if errors.count > 1 {
            let where_ = fields.filter { $0.error != nil }.map(\.label)
            top.insert("有 \(errors.count) 处需要修改：\(where_.joined(separator: "、"))", at: 0)
        }
        return (fields, top.isEmpty ? nil : top.joined(separator: "；"))
    }
}

/// Which form field a refusal's field is shown beside.
enum WebField {
    static func names(_ field: Field) -> [String] {
        switch field {
        case .from: ["from"]
        case .fromName: ["from_name", "from"]
        case .time: ["at"]
        case .companions: ["with"]
        case .temperature: ["temp"]
        default: [field.formName]
        }
    }
}
