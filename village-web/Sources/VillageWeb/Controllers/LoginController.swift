import Foundation
import Hummingbird
import RegistryCore

/// `/login` and `/logout`, when the pages have a password (`registry serve --password`).
struct LoginController: Sendable {
    let app: WebApp

    struct View: Sendable { let message: String? }

    func add(to router: Router<WebContext>) {
        router.get("/login") { request, context in
            if app.options.password == nil || context.session != nil { return Pages.redirect("/today") }
            return app.pages.render(
                "login", title: "登录", active: "", content: View(message: nil), app: app, context: context,
                request: request)
        }
        router.post("/login") { request, context in
            guard app.options.password != nil else { return Pages.redirect("/today") }
            let form = PostedForm(
                fields: FormEncoding.fields(String(buffer: try await request.body.collect(upTo: 4096))))
            switch app.guardian.login(form["password"], from: context.remoteAddress?.ipAddress ?? "unknown") {
            case .signedIn(let session):
                var response = Pages.redirect("/today")
                response.setCookie(app.guardian.cookie(session))
                return response
            case .wrong:
                return app.pages.render(
                    "login", title: "登录", active: "", content: View(message: "密码不对"), app: app,
                    context: context, request: request, status: .unauthorized)
            case .tooMany:
                var response = app.pages.render(
                    "login", title: "登录", active: "", content: View(message: "密码错误次数太多，请一分钟后再试"),
                    app: app, context: context, request: request, status: .tooManyRequests)
                response.headers[.retryAfter] = "60"
                return response
            }
        }
        router.post("/logout") { request, context in
            _ = try await PostedForm.read(request, context)
            if let session = context.session { app.guardian.logout(session) }
            var response = Pages.redirect("/login")
            response.setCookie(
                Cookie(
                    name: SessionGuard.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
    }
}
