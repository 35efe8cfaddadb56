package dev.airlock.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.FileOutcome.Status;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What prefetch tells its user: a line per file as it ends (with a progress line kept at the
 * bottom of a terminal), then the summary, as text or one JSON document, and the exit code it
 * implies. Safe to call from the fetching threads.
 */
final class PrefetchReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    /** null: print nothing per file (--json); true: keep a progress line at the bottom. */
    private final Boolean terminal;
    private final List<FileOutcome> outcomes = new ArrayList<>();
    private int total;
    private int progressWidth;

    PrefetchReport(PrintWriter out, Boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Counts {@code files} more files in the progress line's total. */
    synchronized void expect(int files) {
        total += files;
    }

    synchronized void record(FileOutcome o) {
        outcomes.add(o);
        if (terminal == null) {
            return;
        }
        if (terminal) {
            out.print("\r" + " ".repeat(progressWidth) + "\r");
        }
        out.println(o.line());
        if (terminal) {
            long cached = outcomes.stream().filter(x -> x.status() == Status.CACHED).count();
            long held = outcomes.stream().filter(x -> x.status() == Status.HELD).count();
            int done = outcomes.size();
            String p = "[" + done + "/" + Math.max(total, done) + "] " + cached + " cached, " + held + " held, "
                    + (done - cached - held) + " failed";
            progressWidth = p.length();
            out.print(p);
        }
        out.flush();
    }

    /** Prints the summary; returns the exit code: 0 when everything was cached, else 1. */
    int report(boolean asJson) {
        List<FileOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing((FileOutcome o) -> o.artifact().ecosystem()).thenComparing(FileOutcome::path));
        long cached = sorted.stream().filter(o -> o.status() == Status.CACHED).count();
        List<FileOutcome> held = sorted.stream().filter(o -> o.status() == Status.HELD).toList();
        List<FileOutcome> failed = sorted.stream().filter(o -> o.status() == Status.FAILED).toList();
        if (asJson) {
            ObjectNode o = JSON.createObjectNode().put("cached", cached);
            ArrayNode h = o.putArray("held");
            for (FileOutcome x : held) {
                ObjectNode n = describe(h.addObject(), x).put("verdict", x.verdict()).put("releaseId", x.releaseId());
                x.reasons().forEach(n.putArray("reasons")::add);
            }
            ArrayNode f = o.putArray("failed");
            failed.forEach(x -> describe(f.addObject(), x).put("error", x.message()));
            out.println(o.toPrettyString());
        } else {
            if (Boolean.TRUE.equals(terminal)) {
                out.print("\r" + " ".repeat(progressWidth) + "\r");
            }
            out.println(total == 0 ? "nothing to prefetch: the lockfiles pin no registry packages"
                    : "prefetch: " + cached + " cached, " + held.size() + " held, " + failed.size() + " failed");
        }
        return held.isEmpty() && failed.isEmpty() ? 0 : 1;
    }

    private static ObjectNode describe(ObjectNode n, FileOutcome x) {
        return n.put("ecosystem", x.artifact().ecosystem()).put("package", x.artifact().name())
                .put("version", x.artifact().version()).put("path", x.path());
    }
}
