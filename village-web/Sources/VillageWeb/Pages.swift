import Foundation
import Hummingbird
import Mustache
import NIOCore
import RegistryCore

/// The pages' templates, compiled into the binary (Templates/), and how a page is answered.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() {
        // A template that does not parse is a build defect that every test shows.
        let sources: [String: [UInt8]] = [
            "layout": PackageResources.layout_mustache, "fields": PackageResources.fields_mustache,
            "today": PackageResources.today_mustache, "intake": PackageResources.intake_mustache,
            "people": PackageResources.people_mustache, "person": PackageResources.person_mustache,
            "report": PackageResources.report_mustache, "sync": PackageResources.sync_mustache,
            "files": PackageResources.files_mustache, "login": PackageResources.login_mustache,
            "sweep": PackageResources.sweep_mustache,
        ]
        library = MustacheLibrary(
            templates: sources.mapValues { try! PageTemplate.parse($0) })
    }

    /// The page chrome every page shares: the village, the day, the menu, the CSRF token of the session.
    struct Chrome: Sendable {
        struct Item: Sendable {
            let path, label: String
            let on: Bool
        }
        let title, villageName, today, csrf: String
        let nav: [Item]
        let signedIn: Bool
        let flash: String?
        /// The flash is an alert (a fever recorded), shown red.
        let flashAlert: Bool
    }

    struct Screen<Content>: @unchecked Sendable {
        let chrome: Chrome
        let content: Content
    }

    static let menu: [(path: String, label: String)] = [
        ("/today", "今日工作"), ("/intake", "登记"), ("/sweep", "入户排查"), ("/people", "台账"), ("/report", "日报"),
        ("/sync", "同步"),
        ("/files", "导入/导出"),
    ]

    /// A page: `template` rendered over `content` inside the frame.
    func render<Content>(
        _ template: String, title: String, active: String, content: Content, app: WebApp,
        context: WebContext, request: Request, status: HTTPResponse.Status = .ok
    ) -> Response {
        let settings = try? app.registry.settings()
        let chrome = Chrome(
            title: title, villageName: settings?.villageName ?? "", today: "\(app.registry.clock.today)",
            csrf: context.csrf, nav: Self.menu.map { .init(path: $0.path, label: $0.label, on: $0.path == active) },
            signedIn: app.options.password != nil && context.session != nil,
            flash: request.uri.queryParameters["done"].map(String.init).flatMap(Flash.text),
            flashAlert: request.uri.queryParameters["done"].map(String.init) == Flash.checkedAbnormal.rawValue)
        let html = library.render(Screen(chrome: chrome, content: content), withTemplate: template) ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A redirect after a form was saved (303, so that reloading does not post again), with a message to show.
    static func redirect(_ path: String, done: Flash? = nil) -> Response {
        let parts = path.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let fragment = parts.count > 1 ? "#\(parts[1])" : ""
        let separator = base.contains("?") ? "&" : "?"
        return Response(
            status: .seeOther,
            headers: [.location: base + (done.map { "\(separator)done=\($0.rawValue)" } ?? "") + fragment])
    }
}

/// The messages shown after a redirect, by a fixed key (the address never carries free text).
enum Flash: String {
    case registered, checked, checkedAbnormal, tested, released, extended, transferred, corrected, deleted, submitted,
        imported, synced,
        leadClosed, visited, visitedOpen, sweepStarted, sweepClosed

    static func text(_ key: String) -> String? {
        switch Flash(rawValue: key) {
        case .registered: "已登记。"
        case .checked: "体温已记录。"
        case .checkedAbnormal: "⚠ 体温或症状异常，已记录：请立即报告村医和乡镇卫生院，安排核酸检测。已列在今日工作最前面，直到采样。"
        case .tested: "核酸检测已记录。"
        case .released: "已解除管控。"
        case .extended: "已延长管控。"
        case .transferred: "已转运集中隔离。"
        case .corrected: "已更正。"
        case .deleted: "已删除（可在命令行 registry restore 恢复）。"
        case .submitted: "日报已报送；同步后到达县里。"
        case .imported: "导入完成。"
        case .synced: "同步完成。"
        case .leadClosed: "核查任务已关闭。"
        case .visited: "已记录入户结果。"
        case .visitedOpen: "已记录：无人在家，该户仍列为未排查，请再去。"
        case .sweepStarted: "已开始排查。"
        case .sweepClosed: "本轮排查已结束。"
        case nil: nil
        }
    }
}
