package dev.airlock.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs real client programs (npm, pip, mvn) in a directory with a controlled environment, bounded
 * in time, capturing their output. End-to-end tests use the real clients, not imitations.
 */
public final class ClientProcess {

    private ClientProcess() {
    }

    /** What a finished process did. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String both() {
            return stdout + "\n" + stderr;
        }
    }

    public static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("proc-", ".out");
        Path err = Files.createTempFile("proc-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s; output so far:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
