import Foundation

extension CLI {
    /// Runs the CLI as `run` does, under a small Python parent whose only child it is, so that the peak resident
    /// memory read from that parent's rusage is the CLI's alone (the test process has many children at once).
    func runMeasured(_ arguments: [String]) throws -> (status: Int32, err: String, peakMB: Int) {
        let wrapper = """
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
            sys.stderr.buffer.write(r.stderr)
            sys.exit(r.returncode)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", wrapper, CLI.binary] + arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: errData, as: UTF8.self),
            Int(String(decoding: outData, as: UTF8.self)) ?? -1
        )
    }
}
