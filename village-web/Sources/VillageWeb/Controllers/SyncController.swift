import Foundation
import Hummingbird
import NIOCore
import RegistryCore
import RegistrySync

/// `/sync`: 同步, sync now (in the background; the page reloads itself every second while it runs, showing how far
/// it got), the status (server, pending changes, last success) and the changes the county refused, with reasons; and
/// the sync by carried files where there is no network (`CarriedSync`): download the file for the county, upload its
/// answer.
struct SyncController: Sendable {
    let app: WebApp

    struct Rejected: Sendable { let seq, table, pk, reason, at: String }
    struct View: Sendable {
        let running: Bool
        let progress, outcome: String?
        /// A positive result from the county in the last sync.
        let alert: String?
        let failed: String?
        let server, lastSuccess: String
        let pending: Int
        let hasServer: Bool
        let rejected: [Rejected]
        let hasRejected: Bool
        let fields: [FieldView]
        let formError: String?
        /// Whether a token is remembered (the file forms then need none typed).
        let hasToken: Bool
        /// What the last carried file did, or why it was refused.
        let fileOutcome, fileFailed: String?
    }

    /// The outcome of a carried file, shown on the page it returns to.
    struct FileOutcome: Sendable {
        var outcome, alert, failed: String?
    }

    /// The largest answer file taken (an answer carries at most 50 pages of 1,000 changes).
    static let maxAnswer = 64 << 20

    func add(to router: Router<WebContext>) {
        router.get("/sync") { request, context in try page(nil, request: request, context: context) }
        router.post("/sync") { request, context in
            let form = try await PostedForm.read(request, context)
            switch app.attempt({
                try app.syncRunner.start(server: form.optional("server"), token: form.optional("token"))
            }) {
            case .success: return Pages.redirect("/sync")
            case .failure(let error):
                return try page((form, error), request: request, context: context, status: .unprocessableContent)
            }
        }
        router.post("/sync/to-file") { request, context in
            let form = try await PostedForm.read(request, context)
            do {
                let carried = try CarriedSync(registry: app.registry, token: try token(form.optional("token")))
                let (parts, _) = try await carried.sealed()
                let settings = try app.registry.settings()
                return download(
                    parts[0], name: "\(settings.villageName)-\(app.registry.clock.today)", ascii: settings.village)
            } catch {
                let failed = RegistryError.from(error).message(.zh)
                return try page(
                    nil, file: FileOutcome(failed: failed), request: request, context: context,
                    status: .unprocessableContent)
            }
        }
        router.post("/sync/from-file") { request, context in
            let upload = try await Upload.read(request, context, limit: Self.maxAnswer)
            do {
                guard !upload.file.isEmpty else {
                    throw RegistryError(.file, zh: "请选择县里的回复文件", en: "choose the county's answer file")
                }
                let carried = try CarriedSync(registry: app.registry, token: try token(upload.form["token"]))
                let applied = try await carried.apply(
                    answer: upload.file, name: upload.filename.isEmpty ? "回复文件" : upload.filename)
                let given = upload.form["token"].trimmingCharacters(in: .whitespacesAndNewlines)
                if !given.isEmpty { try app.registry.rememberSync(server: nil, token: given, caFile: nil) }
                var notes = [applied.report.summary(.zh)]
                if applied.already > 0 { notes.append("其中 \(applied.already) 批县里此前已收到（未重复写入）") }
                if applied.more { notes.append("县里还有数据没带回：再下载一次同步文件带去") }
                var outcome = FileOutcome(outcome: notes.joined(separator: "；"), alert: applied.report.alert(.zh))
                if let refusal = applied.refusal {
                    outcome.failed = "县里拒绝导入这份文件：" + refusal.text(.zh)
                } else if let gap = applied.gap {
                    outcome.failed = "县里缺少本村更早的修改（只收到 #\(gap) 为止）：请重新下载同步文件带去"
                }
                return try page(nil, file: outcome, request: request, context: context)
            } catch {
                let failed = RegistryError.from(error).message(.zh)
                return try page(
                    nil, file: FileOutcome(failed: failed), request: request, context: context,
                    status: .unprocessableContent)
            }
        }
    }

    /// The token typed, or the one remembered.
    func token(_ typed: String?) throws -> String {
        let typed = typed?.trimmingCharacters(in: .whitespacesAndNewlines)
        let remembered = try app.registry.syncState().token
        guard let token = typed.flatMap({ $0.isEmpty ? nil : $0 }) ?? remembered else {
            throw RegistryError(
                nil, zh: "同步文件要用本村令牌封存：请填写本村令牌", en: "a sync file is sealed with the village's token: type it")
        }
        return token
    }

    /// The push file to save, named after the village and the day (an ASCII name for old browsers).
    func download(_ data: Data, name: String, ascii: String) -> Response {
        let encoded = "\(name).sync".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .cacheControl: "no-store",
                .contentDisposition:
                    "attachment; filename=\"\(ascii)-\(app.registry.clock.today).sync\"; filename*=UTF-8''\(encoded)",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func page(
        _ failed: (form: PostedForm, error: RegistryError)?, file: FileOutcome? = nil, request: Request,
        context: WebContext, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let s = try SyncStatus.of(app.registry)
        var running = false
        var progress: String?
        var outcome: String?
        var failure: String?
        var alert: String?
        switch app.syncRunner.current {
        case .idle: break
        case .running(let line): (running, progress) = (true, line)
        case .finished(let r, let at):
            (outcome, alert) = ("\(at) " + r.summary(.zh), r.alert(.zh))
        case .failed(let message, let at): failure = "\(at) 同步未完成：\(message)（已登记的数据不会丢失，可稍后再试）"
        }
        let (fields, orphan) = [
            FieldView(name: "server", label: "县服务器地址", hint: "首次填写，之后记住；如 http://县服务器:8080"),
            FieldView(name: "token", label: "本村令牌", type: "password", hint: "首次填写，之后记住"),
        ]
        .filled(failed?.form ?? PostedForm(fields: ["server": s.server ?? ""]), error: failed?.error)
        let view = View(
            running: running, progress: progress, outcome: outcome, alert: file?.alert ?? alert, failed: failure,
            server: s.server ?? "未设置", lastSuccess: s.last_success.map(ReadableTime.short) ?? "从未", pending: s.pending,
            hasServer: s.server != nil,
            rejected: s.rejected.map {
                Rejected(
                    seq: "\($0.seq)", table: $0.table, pk: $0.pk, reason: $0.reason,
                    at: ReadableTime.short($0.rejected_at))
            },
            hasRejected: !s.rejected.isEmpty, fields: fields, formError: orphan,
            hasToken: (try app.registry.syncState().token) != nil, fileOutcome: file?.outcome,
            fileFailed: file?.failed)
        var response = app.pages.render(
            "sync", title: "同步", active: "/sync", content: view, app: app, context: context, request: request,
            status: status)
        if running { response.headers[.init("Refresh")!] = "1" }
        return response
    }
}
