package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.config.ConfigException;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.admin.Evidence;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.Quarantine;
import dev.airlock.core.store.VerdictRecord;
import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code quarantine list|show|release|reject}: the held releases, through a running server's admin
 * API ({@code --server URL --token T}) or, on the server's own machine, straight in its data
 * directory ({@code --data}; SQLite in WAL mode, the server applies decisions within seconds).
 */
@Command(name = "quarantine", mixinStandardHelpOptions = true, description = "Review releases the policy holds.",
        subcommands = {QuarantineCommand.List.class, QuarantineCommand.Show.class, QuarantineCommand.Release.class,
                QuarantineCommand.Reject.class})
final class QuarantineCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Where the data is: --data, else storage.path of --config, else the default. */
    static final class DataOptions {
        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (storage.path).")
        Path data;

        @Option(names = "--config", paramLabel = "FILE", description = "Config file whose storage.path to use.")
        Path config;

        Path resolve() throws ConfigException {
            if (data != null) {
                return data;
            }
            return (config == null ? ConfigLoader.defaults() : ConfigLoader.load(config)).storage().path();
        }
    }

    /** Opens the store, runs the action, maps failures to exit codes. */
    abstract static class Action implements Callable<Integer> {
        @CommandLine.Mixin
        DataOptionsMixin where;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Remote.Options server;

        abstract int run(Quarantine q, PrintWriter out) throws Exception;

        /** The same through the admin API. */
        abstract int run(Remote api, PrintWriter out) throws Exception;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (server.remote()) {
                try {
                    return run(server.connect(), spec.commandLine().getOut());
                } catch (Remote.Failed f) {
                    err.println("airlock: " + f.getMessage());
                    return f.code;
                } catch (Exception e) {
                    err.println("airlock: " + e.getMessage());
                    return 1;
                }
            }
            Path data;
            try {
                data = where.options.resolve();
            } catch (ConfigException e) {
                err.println("airlock: invalid configuration: " + e.getMessage());
                return 2;
            }
            if (!Files.isRegularFile(data.resolve("state.db"))) {
                err.println("airlock: no Airlock data in " + data.toAbsolutePath() + " (use --data DIR or --config FILE)");
                return 1;
            }
            try (SqliteStateStore store = SqliteStateStore.openExisting(data)) {
                return run(new Quarantine(store, Clock.systemUTC()), spec.commandLine().getOut());
            } catch (IllegalArgumentException e) {
                err.println("airlock: " + e.getMessage());
                return 1;
            } catch (Exception e) {
                err.println("airlock: " + e.getMessage());
                return 1;
            }
        }
    }

    static final class DataOptionsMixin {
        @CommandLine.ArgGroup(exclusive = false)
        DataOptions options = new DataOptions();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"The queue: id, ecosystem, package, version, status, "
            + "demand, reasons, since.", "By default what clients need: releases they asked for, held versions their downloads "
            + "passed over, and each package's newest release, most in demand first; --all lists every held release."})
    static final class List extends Action {
        @Option(names = "--ecosystem", paramLabel = "E", description = "Only this ecosystem (npm, pypi, maven).")
        String ecosystem;

        @Option(names = "--all", description = "Every held release, not only what clients need.")
        boolean all;

        @Option(names = "--json", description = "One JSON array instead of a table.")
        boolean json;

        @Override
        int run(Quarantine q, PrintWriter out) throws Exception {
            java.util.List<Quarantine.Entry> entries = all ? q.list(ecosystem) : q.needed(ecosystem);
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                entries.forEach(e -> a.add(node(e, false)));
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
                return 0;
            }
            if (entries.isEmpty()) {
                out.println("nothing is held");
                return 0;
            }
            out.printf("%-12s  %-6s  %-40s  %-9s  %-14s  %-20s  %s%n", "ID", "ECO", "PACKAGE@VERSION", "STATUS", "DEMAND", "SINCE",
                    "REASONS");
            for (Quarantine.Entry e : entries) {
                out.printf("%-12s  %-6s  %-40s  %-9s  %-14s  %-20s  %s%n", e.verdict().id(), e.verdict().ecosystem(),
                        e.verdict().packageName() + "@" + e.verdict().version(), e.status(),
                        demand(e.need().asked(), e.need().passedOver(), e.need().newest()),
                        e.verdict().firstHeld() == null ? "-" : e.verdict().firstHeld().truncatedTo(ChronoUnit.SECONDS),
                        String.join("; ", e.reasons()));
            }
            return 0;
        }

        @Override
        int run(Remote api, PrintWriter out) throws Exception {
            ArrayNode items = JSON.createArrayNode();
            int offset = 0;
            while (true) {
                JsonNode page = api.get("quarantine?status=all&view=" + (all ? "all" : "needed")
                        + "&limit=500&offset=" + offset
                        + (ecosystem == null ? "" : "&ecosystem=" + Remote.encode(ecosystem)));
                page.path("items").forEach(items::add);
                offset += page.path("items").size();
                if (page.path("items").isEmpty() || offset >= page.path("total").asInt()) {
                    break;
                }
            }
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(items));
                return 0;
            }
            if (items.isEmpty()) {
                out.println("nothing is held");
                return 0;
            }
            out.printf("%-12s  %-6s  %-40s  %-9s  %-14s  %-20s  %s%n", "ID", "ECO", "PACKAGE@VERSION", "STATUS", "DEMAND", "SINCE",
                    "REASONS");
            for (JsonNode e : items) {
                java.util.List<String> reasons = new ArrayList<>();
                e.path("reasons").forEach(r -> reasons.add(r.asText()));
                JsonNode d = e.path("demand");
                out.printf("%-12s  %-6s  %-40s  %-9s  %-14s  %-20s  %s%n", e.path("id").asText(), e.path("ecosystem").asText(),
                        e.path("package").asText() + "@" + e.path("version").asText(), e.path("status").asText(),
                        demand(d.path("asked").asLong(), d.path("passedOver").asLong(), d.path("newest").asBoolean()),
                        e.path("since").asText().replaceAll("\\.\\d+Z$", "Z"), String.join("; ", reasons));
            }
            return 0;
        }
    }

    /** "3 asked, 1 passed" style, short enough for a column; "newest" when nobody asked yet. */
    static String demand(long asked, long passedOver, boolean newest) {
        java.util.List<String> parts = new ArrayList<>();
        if (asked > 0) {
            parts.add(asked + " asked");
        }
        if (passedOver > 0) {
            parts.add(passedOver + " passed");
        }
        if (parts.isEmpty()) {
            parts.add(newest ? "newest" : "-");
        }
        return String.join(", ", parts);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "All facts and findings for one release.")
    static final class Show extends Action {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Quarantine q, PrintWriter out) throws Exception {
            Optional<Quarantine.Entry> e = q.show(id);
            if (e.isEmpty()) {
                spec.commandLine().getErr().println("airlock: no release with id " + id);
                return 1;
            }
            ObjectNode o = node(e.get(), true);
            // What the files hold, against the version the findings compared it with.
            VerdictRecord v = e.get().verdict();
            Evidence.content(o.putObject("evidence"), q.read(v.ecosystem(), v.packageName(), v.version()),
                    q.read(v.ecosystem(), v.packageName(), e.get().comparedWith()));
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            return 0;
        }

        @Override
        int run(Remote api, PrintWriter out) throws Exception {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(api.get("quarantine/" + Remote.encode(id))));
            return 0;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Let a held release through (recorded with who and why).")
    static final class Release extends Action {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "TEXT")
        String reason;

        @Option(names = "--expires", paramLabel = "DURATION", description = "How long the release applies (e.g. 7d, 12h, P7D); default: for good.")
        String expires;

        @Override
        int run(Quarantine q, PrintWriter out) {
            Quarantine.Entry e = q.release(id, reason, expires == null ? null : duration(expires), actor());
            out.println("released " + e.verdict().ecosystem() + " " + e.verdict().packageName() + "@" + e.verdict().version() + " (" + id + ")"
                    + (expires == null ? "" : " for " + expires));
            return 0;
        }

        @Override
        int run(Remote api, PrintWriter out) {
            ObjectNode body = JSON.createObjectNode().put("reason", reason);
            if (expires != null) {
                body.put("expires", duration(expires).toString());
            }
            JsonNode e = api.post("quarantine/" + Remote.encode(id) + "/release", body);
            out.println("released " + e.path("ecosystem").asText() + " " + e.path("package").asText() + "@" + e.path("version").asText()
                    + " (" + id + ")" + (expires == null ? "" : " for " + expires));
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Keep a release out for good.")
    static final class Reject extends Action {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "TEXT")
        String reason;

        @Override
        int run(Quarantine q, PrintWriter out) {
            Quarantine.Entry e = q.reject(id, reason, actor());
            out.println("rejected " + e.verdict().ecosystem() + " " + e.verdict().packageName() + "@" + e.verdict().version() + " (" + id + ")");
            return 0;
        }

        @Override
        int run(Remote api, PrintWriter out) {
            JsonNode e = api.post("quarantine/" + Remote.encode(id) + "/reject",
                    JSON.createObjectNode().put("reason", reason));
            out.println("rejected " + e.path("ecosystem").asText() + " " + e.path("package").asText() + "@" + e.path("version").asText()
                    + " (" + id + ")");
            return 0;
        }
    }

    private static String actor() {
        return System.getProperty("user.name", "unknown") + " (command line)";
    }

    /** "7d", "12h", "30m" or ISO-8601 ("P7D", "PT12H"). */
    static Duration duration(String text) {
        String t = text.strip();
        try {
            if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> throw new IllegalArgumentException("--expires: not a duration: " + text + " (e.g. 7d, 12h, P7D)");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--expires: not a duration: " + text + " (e.g. 7d, 12h, P7D)");
        }
    }

    private static ObjectNode node(Quarantine.Entry e, boolean full) {
        ObjectNode o = JSON.createObjectNode()
                .put("id", e.verdict().id()).put("ecosystem", e.verdict().ecosystem()).put("package", e.verdict().packageName())
                .put("version", e.verdict().version()).put("verdict", e.verdict().verdict()).put("status", e.status())
                .put("since", e.verdict().firstHeld() == null ? null : e.verdict().firstHeld().toString());
        if (e.verdict().heldUntil() != null) {
            o.put("heldUntil", e.verdict().heldUntil().toString());
        }
        ArrayNode reasons = o.putArray("reasons");
        e.reasons().forEach(reasons::add);
        ObjectNode need = o.putObject("demand").put("asked", e.need().asked()).put("passedOver", e.need().passedOver())
                .put("newest", e.need().newest());
        if (e.need().lastAsked() != null) {
            need.put("lastAsked", e.need().lastAsked().toString());
        }
        ArrayNode tokens = need.putArray("tokens");
        e.need().tokens().forEach(tokens::add);
        if (full) {
            ArrayNode findings = o.putArray("findings");
            for (Finding f : e.findings()) {
                ObjectNode fn = findings.addObject().put("check", f.check()).put("holds", f.holds()).put("message", f.message());
                ObjectNode ev = fn.putObject("evidence");
                f.evidence().forEach(ev::put);
            }
            o.put("factsDigest", e.verdict().factsDigest()).put("policyVersion", e.verdict().policyVersion())
                    .put("decidedAt", e.verdict().decidedAt().toString());
            if (e.decision() != null) {
                o.putObject("decision").put("action", e.decision().action()).put("reason", e.decision().reason())
                        .put("by", e.decision().actor()).put("at", e.decision().decidedAt().toString())
                        .put("expiresAt", e.decision().expiresAt() == null ? null : e.decision().expiresAt().toString());
            }
        }
        return o;
    }
}
