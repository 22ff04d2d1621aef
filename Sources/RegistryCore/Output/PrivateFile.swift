import Foundation

/// Writing files that hold personal data (exports, rejected rows, backups): created readable by their owner only
/// (0600), whole or not at all, and never over an existing file unless asked (`overwrite`).
public enum PrivateFile {
    /// Writes `data` to `path`. Refused, with nothing written, when the file exists and `overwrite` is false.
    public static func write(_ data: Data, to path: String, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw RegistryError(
                .file, zh: "\(path) 已存在；要覆盖请加 --force", en: "\(path) exists; add --force to overwrite it")
        }
        // Written beside the target under a fresh name, then moved into place: a reader never sees half a file,
        // and the mode is 0600 from the first byte (no window in which another user could open it).
        let temporary = path + ".part-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { throw RegistryError(.file, zh: "无法写入 \(path)", en: "cannot write \(path)") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        // link() refuses an existing target, so a file created meanwhile is not clobbered either.
        let placed = written && (overwrite ? rename(temporary, path) == 0 : link(temporary, path) == 0)
        unlink(temporary)
        if !placed {
            throw RegistryError(.file, zh: "无法写入 \(path)", en: "cannot write \(path)")
        }
    }
}
