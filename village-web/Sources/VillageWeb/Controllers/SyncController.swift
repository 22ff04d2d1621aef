import Foundation
import Hummingbird
import RegistryCore
import RegistrySync

/// `/sync`: 同步, sync now (in the background; the page reloads itself every second while it runs, showing how far
/// it got), the status (server, pending changes, last success) and the changes the county refused, with reasons.
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
    }

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
    }

    func page(
        _ failed: (form: PostedForm, error: RegistryError)?, request: Request, context: WebContext,
        status: HTTPResponse.Status = .ok
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
            running: running, progress: progress, outcome: outcome, alert: alert, failed: failure,
            server: s.server ?? "未设置", lastSuccess: s.last_success.map(ReadableTime.short) ?? "从未", pending: s.pending,
            hasServer: s.server != nil,
            rejected: s.rejected.map {
                Rejected(
                    seq: "\($0.seq)", table: $0.table, pk: $0.pk, reason: $0.reason,
                    at: ReadableTime.short($0.rejected_at))
            },
            hasRejected: !s.rejected.isEmpty, fields: fields, formError: orphan)
        var response = app.pages.render(
            "sync", title: "同步", active: "/sync", content: view, app: app, context: context, request: request,
            status: status)
        if running { response.headers[.init("Refresh")!] = "1" }
        return response
    }
}
