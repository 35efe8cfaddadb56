package dev.airlock.bench.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recorded responses of one upstream, on disk:
 *
 * <pre>
 * DIR/index.tsv             one line per response, later lines win:
 *                           key  variant  status  content-type  rewrite  body  length  headers  note
 * DIR/bodies/ab/abcd…       bodies by SHA-256 (shared by equal bodies)
 * </pre>
 *
 * {@code key} is the request path, percent-decoded (so {@code /@babel%2fcore} and
 * {@code /@babel/core} are one key), plus {@code ?query} when there is one. {@code variant} is
 * {@code -}, {@code corgi} (npm's abbreviated document, asked for with
 * {@code Accept: application/vnd.npm.install-v1+json}) or {@code pypi-json} (PEP 691). {@code
 * rewrite} is 1 for text bodies in which {@code http://PLACEHOLDER} stands for the upstream's base
 * URL: the replay serves them with its own address instead. {@code headers} is
 * {@code name=value&...}, URL-encoded ({@code Last-Modified}, {@code X-Checksum-*}). Fields that
 * are empty are written {@code -}. The format is plain so that scripts (the PyPI index generator,
 * the trimmer) write it too.
 */
final class ReplayStore {

    /** Response headers worth keeping from upstream (others are the replay's own or irrelevant). */
    static final List<String> KEPT_HEADERS = List.of("last-modified", "etag", "x-checksum-sha1", "x-checksum-md5",
            "x-checksum-sha256", "x-checksum-sha512");

    record Entry(String key, String variant, int status, String contentType, boolean rewrite, String body, long length,
                 Map<String, String> headers) {
        Path bodyFile(Path dir) {
            return body == null ? null : dir.resolve("bodies").resolve(body.substring(0, 2)).resolve(body);
        }
    }

    private final Path dir;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private BufferedWriter appender;

    ReplayStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("bodies"));
        Path index = dir.resolve("index.tsv");
        if (Files.exists(index)) {
            for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Entry e = parse(line);
                entries.put(id(e.key(), e.variant()), e);
            }
        }
    }

    Path dir() {
        return dir;
    }

    int size() {
        return entries.size();
    }

    Iterable<Entry> all() {
        return entries.values();
    }

    static String id(String key, String variant) {
        return variant + " " + key;
    }

    Entry find(String key, String variant) {
        return entries.get(id(key, variant));
    }

    /** Stores a body (by its hash) and appends its entry to the index. */
    synchronized Entry put(String key, String variant, int status, String contentType, boolean rewrite, byte[] body,
                           Map<String, String> headers, String note) throws IOException {
        String hash = null;
        if (body.length > 0) {
            hash = sha256(body);
            Path f = dir.resolve("bodies").resolve(hash.substring(0, 2)).resolve(hash);
            if (!Files.exists(f)) {
                Files.createDirectories(f.getParent());
                Path tmp = Files.createTempFile(f.getParent(), "rec", ".tmp");
                Files.write(tmp, body);
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Entry e = new Entry(key, variant, status, contentType, rewrite, hash, body.length, headers);
        if (appender == null) {
            appender = Files.newBufferedWriter(dir.resolve("index.tsv"), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        appender.write(format(e, note));
        appender.newLine();
        appender.flush();
        entries.put(id(key, variant), e);
        return e;
    }

    synchronized void close() throws IOException {
        if (appender != null) {
            appender.close();
        }
    }

    static String format(Entry e, String note) {
        StringBuilder h = new StringBuilder();
        for (Map.Entry<String, String> kv : e.headers().entrySet()) {
            h.append(h.length() == 0 ? "" : "&").append(enc(kv.getKey())).append('=').append(enc(kv.getValue()));
        }
        return String.join("\t", e.key(), dash(e.variant()), Integer.toString(e.status()), dash(e.contentType()),
                e.rewrite() ? "1" : "0", dash(e.body()), Long.toString(e.length()), dash(h.toString()),
                dash(note == null ? Instant.now().toString() : note.replace('\t', ' ')));
    }

    static Entry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 8) {
            throw new IllegalArgumentException("index line with " + f.length + " fields: " + line);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (!f[7].equals("-")) {
            for (String kv : f[7].split("&")) {
                int eq = kv.indexOf('=');
                headers.put(dec(kv.substring(0, eq)), dec(kv.substring(eq + 1)));
            }
        }
        return new Entry(f[0], f[1].equals("-") ? "" : f[1], Integer.parseInt(f[2]), undash(f[3]), f[4].equals("1"), undash(f[5]),
                Long.parseLong(f[6]), headers);
    }

    /**
     * The key of a request: the raw path percent-decoded (not {@code +}), plus the raw query.
     * Clients spell a scoped npm name {@code @s%2fn}, {@code @s%2Fn} or {@code @s/n}; upstream
     * answers all alike, so the replay does too.
     */
    static String key(String rawPath, String rawQuery) {
        String p = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        return rawQuery == null || rawQuery.isEmpty() ? p : p + "?" + rawQuery;
    }

    /**
     * The variant a request's {@code Accept} asks for: npm's abbreviated document, PEP 691 JSON,
     * or the plain one (npm's full document, PEP 503 HTML, any file).
     */
    static String variant(String accept) {
        if (accept == null) {
            return "";
        }
        if (accept.contains("application/vnd.npm.install-v1+json")) {
            return "corgi";
        }
        if (accept.contains("vnd.pypi.simple")) {
            double json = -1;
            double html = -1;
            for (String part : accept.split(",")) {
                String[] p = part.trim().split(";");
                String type = p[0].trim().toLowerCase();
                double q = 1;
                for (int i = 1; i < p.length; i++) {
                    String a = p[i].trim();
                    if (a.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(a.substring(2));
                        } catch (NumberFormatException ignored) {
                            q = 0;
                        }
                    }
                }
                if (type.endsWith("+json")) {
                    json = Math.max(json, q);
                } else if (type.endsWith("+html") || type.equals("text/html")) {
                    html = Math.max(html, q);
                }
            }
            return json > 0 && json > html ? "pypi-json" : "";
        }
        return "";
    }

    static List<String> variants() {
        return new ArrayList<>(List.of("", "corgi", "pypi-json"));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String undash(String s) {
        return s.equals("-") ? null : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
