package dev.airlock.npm;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the registry the machine's own npm uses, in npm's order of precedence: the
 * {@code npm_config_registry} environment variable, the user {@code .npmrc}, the global
 * {@code npmrc}, and finally {@code npm config get registry} (which also knows npm's built-in
 * default). Airlock therefore never carries a registry host of its own.
 */
final class NpmRegistryDiscovery {

    /** Runs a command and returns its standard output, or empty when it cannot be run. */
    interface CommandRunner {
        Optional<String> run(List<String> command, Map<String, String> environment);
    }

    /** A discovered registry and where it was found. */
    record Found(URI registry, String source) {
    }

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([^}]+)}");

    private final Map<String, String> env;
    private final Path home;
    private final CommandRunner runner;

    NpmRegistryDiscovery(Map<String, String> env, Path home, CommandRunner runner) {
        this.env = env;
        this.home = home;
        this.runner = runner;
    }

    Optional<Found> discover() {
        String fromEnv = envIgnoringCase("npm_config_registry");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return url(fromEnv, "the npm_config_registry environment variable");
        }
        String userConfig = envIgnoringCase("npm_config_userconfig");
        Path user = userConfig != null ? Path.of(userConfig) : home.resolve(".npmrc");
        Optional<Found> f = fromNpmrc(user, "the user npmrc " + user);
        if (f.isPresent()) {
            return f;
        }
        for (Path global : globalConfigs()) {
            f = fromNpmrc(global, "the global npmrc " + global);
            if (f.isPresent()) {
                return f;
            }
        }
        return runner.run(List.of("npm", "config", "get", "registry"), env)
                .map(String::strip)
                .flatMap(s -> url(s, "`npm config get registry`"));
    }

    private List<Path> globalConfigs() {
        List<Path> out = new ArrayList<>();
        String globalConfig = envIgnoringCase("npm_config_globalconfig");
        if (globalConfig != null) {
            out.add(Path.of(globalConfig));
            return out;
        }
        String prefix = envIgnoringCase("npm_config_prefix");
        if (prefix != null) {
            out.add(Path.of(prefix, "etc", "npmrc"));
        }
        // npm's default global prefix is the directory above the node binary's bin/.
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
                Path p = Path.of(dir).toAbsolutePath().getParent();
                if (p != null) {
                    out.add(p.resolve("etc").resolve("npmrc"));
                }
                break;
            }
        }
        return out;
    }

    private Optional<Found> fromNpmrc(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq < 0 || !l.substring(0, eq).strip().equals("registry")) {
                    continue;
                }
                String value = unquote(l.substring(eq + 1).strip());
                return url(expand(value), source);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private String expand(String value) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static Optional<Found> url(String value, String source) {
        try {
            URI u = URI.create(value.endsWith("/") ? value : value + "/");
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                return Optional.empty();
            }
            if (u.getRawUserInfo() != null) {
                // Credentials in the URL would end up in logs; Airlock takes them from upstreams.npm.auth.
                return Optional.empty();
            }
            return Optional.of(new Found(u, source));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String program, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private String envIgnoringCase(String name) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Runs the real {@code npm}, bounded to 15 seconds; empty when npm is absent or fails. The
     * program is looked up on the given environment's PATH, not the JVM's, so that what runs is
     * exactly what that environment would run.
     */
    static Optional<String> runProcess(List<String> command, Map<String, String> environment) {
        Optional<Path> program = onPath(command.get(0), environment.getOrDefault("PATH", ""));
        if (program.isEmpty()) {
            return Optional.empty();
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, program.get().toString());
        try {
            // Output to a file, so that an npm that hangs with its stdout open cannot hang start-up.
            Path out = Files.createTempFile("airlock-npm-", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(resolved).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().clear();
                pb.environment().putAll(environment);
                Process p = pb.start();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                if (p.exitValue() != 0 || Files.size(out) > 4096) {
                    return Optional.empty();
                }
                return Optional.of(Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
