package dev.airlock.bench.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the request log {@link ReplayUpstream} writes ({@code --log}); bench/cold/replay_log.py reads the same. */
public final class ReplayLog {

    private ReplayLog() {
    }

    /** One logged request: when it arrived and when its response was complete ({@link System#nanoTime()}). */
    public record Request(long startNanos, long endNanos, int status, String path, String flag) {
    }

    /** Every request line of the log, marks and comments left out. */
    public static List<Request> read(Path log) throws IOException {
        List<Request> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            out.add(new Request(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), f[6], f[8]));
        }
        return out;
    }
}
