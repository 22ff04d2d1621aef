import Foundation
import Hummingbird
import NIOCore
import RegistryCore

/// `/files`: 导入/导出. Upload an Excel workbook or a CSV (UTF-8 or GB18030, Chinese or English headers), all or
/// nothing or skipping the invalid rows, and see each refused row with its reason; download the registry as .xlsx
/// (`/files/export.xlsx`) or CSV (`/files/export.csv`).
struct FilesController: Sendable {
    let app: WebApp
    /// A village's file of a few thousand rows is well under this.
    static let maxUpload = 32 << 20

    struct RowError: Sendable {
        let line: Int
        let message: String
    }
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
            app.pages.render(
                "files", title: "导入/导出", active: "/files",
                content: View(
                    summary: nil, failed: false, errors: [], hasErrors: false, unknownColumns: nil, skip: false),
                app: app, context: context, request: request)
        }
        router.post("/files/import") { request, context in
            let upload = try await Upload.read(request, context, limit: Self.maxUpload)
            let skip = upload.form["mode"] == "skip_invalid"
            let (view, status) = importFile(upload, skip: skip)
            return app.pages.render(
                "files", title: "导入/导出", active: "/files", content: view, app: app, context: context,
                request: request, status: status)
        }
        router.get("/files/export.csv") { _, _ in
            let rows = try app.registry.export(activeOn: nil, from: nil, to: nil, lang: .zh)
            let csv = TextTable(headers: ExportRow.headers(.zh), rows: rows.map(\.cells)).csv(bom: true)
            return download(Data(csv.utf8), type: "text/csv; charset=utf-8", ext: "csv")
        }
        router.get("/files/export.xlsx") { _, _ in
            let rows = try app.registry.export(activeOn: nil, from: nil, to: nil, lang: .zh)
            let data = try XLSXWriter.data(
                XLSXSheet(name: "台账", header: ExportRow.headers(.zh), rows: rows.map(\.cells)))
            return download(
                data, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: "xlsx")
        }
    }

    /// A file to save, named 台账-<date> (an ASCII name for old browsers).
    func download(_ data: Data, type: String, ext: String) -> Response {
        let day = app.registry.clock.today
        let name = "台账-\(day).\(ext)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"registry-\(day).\(ext)\"; filename*=UTF-8''\(name)",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Imports the uploaded file (an .xlsx workbook's first sheet, or a CSV) through the same readers and rules as
    /// `registry import`.
    func importFile(_ upload: Upload, skip: Bool) -> (View, HTTPResponse.Status) {
        func refused(_ message: String) -> (View, HTTPResponse.Status) {
            (
                View(summary: message, failed: true, errors: [], hasErrors: false, unknownColumns: nil, skip: skip),
                .unprocessableContent
            )
        }
        if upload.file.isEmpty { return refused("请选择要导入的文件") }
        do {
            let report: ImportReport
            let source: String
            if XLSXFile.isWorkbook(upload.file) {
                let workbook = try XLSXFile(
                    data: upload.file, file: upload.filename.isEmpty ? "上传的文件" : upload.filename)
                report = try app.registry.importArrivals(workbook, mode: skip ? .skipInvalid : .allOrNothing)
                source = "Excel 工作表“\(workbook.sheet)”"
            } else {
                // The CSV reader reads a file (streaming, any encoding): a private temporary copy, removed after.
                let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "registry-upload-\(UUID().uuidString).csv"
                ).path
                defer { try? FileManager.default.removeItem(atPath: path) }
                try PrivateFile.write(upload.file, to: path, overwrite: false)
                let csv = try CSVStream(path: path)
                report = try app.registry.importArrivals(csv, mode: skip ? .skipInvalid : .allOrNothing)
                source = "编码 \(csv.encoding.rawValue)"
            }
            let errors = report.rejected.map { RowError(line: $0.line, message: $0.error.message(.zh)) }
            let summary =
                (report.written ? "导入完成" : "未导入任何数据（有错误行；改正后重新导入，或选择“只导入正确的行”）")
                + "：新增 \(report.imported)，已存在 \(report.alreadyPresent)，错误 \(report.rejected.count) 行（\(source)）"
            return (
                View(
                    summary: summary, failed: !report.written, errors: errors, hasErrors: !errors.isEmpty,
                    unknownColumns: report.unknownColumns.isEmpty ? nil : report.unknownColumns.joined(separator: "、"),
                    skip: skip),
                report.written ? .ok : .unprocessableContent
            )
        } catch {
            return refused(RegistryError.from(error).message(.zh))
        }
    }
}
