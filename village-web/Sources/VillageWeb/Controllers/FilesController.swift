import Foundation
import Hummingbird
import NIOCore
import RegistryCore

/// `/files`: 导入/导出. Upload a CSV saved from Excel (UTF-8 or GB18030, Chinese or English headers), all or nothing
/// or skipping the invalid rows, and see each refused row with its reason; download the registry as CSV
/// (`/files/export.csv`).
struct FilesController: Sendable {
    let app: WebApp
    /// A village's file of a few thousand rows is well under this.
    static let maxUpload = 32 << 20

    struct RowError: Sendable { let line: Int; let message: String }
    struct View: Sendable {
        let summary: String?
        let failed: Bool
        let errors: [RowError]
        let hasErrors: Bool
        let unknownColumns: String?
        let skip: Bool
    }

    func add(to router: Router<WebContext>) {
        router.get("/files") { request, context in
            app.pages.render("files", title: "导入/导出", active: "/files",
                             content: View(summary: nil, failed: false, errors: [], hasErrors: false, unknownColumns: nil, skip: false),
                             app: app, context: context, request: request)
        }
        router.post("/files/import") { request, context in
            let upload = try await Upload.read(request, context, limit: Self.maxUpload)
            let skip = upload.form["mode"] == "skip_invalid"
            let (view, status) = importFile(upload, skip: skip)
            return app.pages.render("files", title: "导入/导出", active: "/files", content: view, app: app, context: context,
                                    request: request, status: status)
        }
        router.get("/files/export.csv") { _, _ in
            let rows = try app.registry.export(activeOn: nil, from: nil, to: nil, lang: .zh)
            let csv = TextTable(headers: ExportRow.headers(.zh), rows: rows.map(\.cells)).csv(bom: true)
            let name = "台账-\(app.registry.clock.today).csv"
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"registry-\(app.registry.clock.today).csv\"; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
            ], body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    /// Imports the uploaded file through the same reader and rules as `registry import`, from a private temporary
    /// copy (removed after).
    func importFile(_ upload: Upload, skip: Bool) -> (View, HTTPResponse.Status) {
        func refused(_ message: String) -> (View, HTTPResponse.Status) {
            (View(summary: message, failed: true, errors: [], hasErrors: false, unknownColumns: nil, skip: skip), .unprocessableContent)
        }
        if upload.file.isEmpty { return refused("请选择要导入的文件") }
        if upload.filename.lowercased().hasSuffix(".xlsx") || upload.file.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return refused("暂不支持直接导入 .xlsx：请在 Excel 中“另存为 CSV”后再导入")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("registry-upload-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try PrivateFile.write(upload.file, to: path, overwrite: false)
            let csv = try CSVStream(path: path)
            let report = try app.registry.importArrivals(csv, mode: skip ? .skipInvalid : .allOrNothing)
            let errors = report.rejected.map { RowError(line: $0.line, message: $0.error.message(.zh)) }
            let summary = (report.written ? "导入完成" : "未导入任何数据（有错误行；改正后重新导入，或选择“只导入正确的行”）")
                + "：新增 \(report.imported)，已存在 \(report.alreadyPresent)，错误 \(report.rejected.count) 行（编码 \(csv.encoding.rawValue)）"
            return (View(summary: summary, failed: !report.written, errors: errors, hasErrors: !errors.isEmpty,
                         unknownColumns: report.unknownColumns.isEmpty ? nil : report.unknownColumns.joined(separator: "、"), skip: skip),
                    report.written ? .ok : .unprocessableContent)
        } catch {
            return refused(RegistryError.from(error).message(.zh))
        }
    }
}
