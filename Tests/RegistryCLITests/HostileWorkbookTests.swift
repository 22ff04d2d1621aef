import Foundation
import Testing

/// Crafted .xlsx files against `registry import` (issue 34): each is refused with one line, the registry as it was,
/// and the process's memory stays under 200 MB. The files are made by Python's zipfile, then altered by hand.
@Suite("Crafted workbooks", .serialized)
struct HostileWorkbookTests {
    /// Writes a workbook whose first sheet is `sheetXML`; `lie` sets the sheet's sizes in the zip headers to 1,000
    /// bytes, whatever it unpacks to.
    /// The sheet is `head`, then `row` `count` times, then `tail`, streamed into the zip (Python's memory stays small,
    /// so that the children's peak measured below is the CLI's).
    func workbook(_ path: String, head: String, row: String = "", count: Int = 0, tail: String, lie: Bool = false)
        throws
    {
        let script = #"""
            import sys, zipfile, struct
            path, parts_file, count, lie = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
            head, row, tail = open(parts_file, "rb").read().split(b"\x00")
            parts = {
                "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
                "xl/workbook.xml": b'<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
                "xl/_rels/workbook.xml.rels": b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
            }
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for name, data in parts.items():
                    z.writestr(name, data)
                with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
                    sheet.write(head)
                    for n in range(count):
                        sheet.write(row.replace(b"{n}", str(n + 1).encode()))
                    sheet.write(tail)
            if lie:
                data = bytearray(open(path, "rb").read())
                name = b"xl/worksheets/sheet1.xml"
                # The local header (PK\x03\x04) and the central directory entry (PK\x01\x02) both carry the size.
                for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
                    at = 0
                    while True:
                        at = data.find(signature, at)
                        if at < 0: break
                        name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                        if data[name_at:name_at + len(name)] == name:
                            struct.pack_into("<I", data, at + offset, 1000)
                        at += 4
                open(path, "wb").write(bytes(data))
            """#
        let partsFile = path + ".parts"
        try (head + "\u{0}" + row + "\u{0}" + tail).write(toFile: partsFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, partsFile, "\(count)", lie ? "1" : "0"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test(
        "100,000 nested elements, a zip header that lies about the unpacked size, 20,000 rows with a cell at column XFD: each refused in one line, nothing written"
    )
    func craftedFiles() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        let dir = URL(fileURLWithPath: cli.db).deletingLastPathComponent().path
        let before = try cli.contents()

        let nested = dir + "/nested.xlsx"
        try workbook(
            nested, head: "<worksheet><sheetData>" + String(repeating: "<a>", count: 100_000),
            tail: String(repeating: "</a>", count: 100_000) + "</sheetData></worksheet>")
        // 200 MB of one repeated row, which deflates to well under a megabyte, its size in the headers 1,000 bytes.
        let lying = dir + "/lying.xlsx"
        try workbook(
            lying, head: "<worksheet><sheetData>",
            row: "<row><c t=\"inlineStr\"><is><t>" + String(repeating: "x", count: 1000) + "</t></is></c></row>",
            count: 200_000, tail: "</sheetData></worksheet>", lie: true)
        let wide = dir + "/wide.xlsx"
        try workbook(
            wide, head: "<worksheet><sheetData>",
            row: "<row r=\"{n}\"><c r=\"XFD{n}\" t=\"inlineStr\"><is><t>x</t></is></c></row>", count: 20_000,
            tail: "</sheetData></worksheet>")
        for (file, says) in [(nested, "嵌套过深"), (lying, "内容过大"), (wide, "最多 256 列")] {
            let (status, err, peak) = try cli.runMeasured(["import", file])
            #expect(status != 0, "\(file)")
            #expect(err.contains(says) && err.split(separator: "\n").count == 1, "\(file): \(err)")
            #expect(peak > 0 && peak < 200, "\(file): peak \(peak) MB")
        }
        #expect(try cli.contents() == before)
    }
}
