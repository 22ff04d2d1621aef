import Foundation

/// The format of a file a command writes (`-o FILE`), from `--format` and the file's extension: a clerk who types
/// `-o 台账.xlsx` means a workbook, and a CSV saved under that name is a file LibreOffice and Excel refuse.
public enum FileFormat {
    /// The format to write: `given` if any, else the extension's when it is one of `allowed`, else `fallback`. A given
    /// format whose file names another known format (`--format csv -o 台账.xlsx`) is refused, naming both.
    public static func chosen(given: String?, output: String?, allowed: [String], fallback: String) throws -> String {
        let ext = output.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        let fromName = allowed.contains(ext) ? ext : nil
        guard let given else { return fromName ?? fallback }
        if let fromName, fromName != given, let output {
            throw RegistryError(
                .format, zh: "--format \(given) 与文件名 \(output)（.\(fromName)）不符：去掉 --format，或把文件改名为 .\(given)",
                en:
                    "--format \(given) does not match the file name \(output) (.\(fromName)): drop --format, or name the file .\(given)"
            ).ending(.usage)
        }
        return given
    }
}
