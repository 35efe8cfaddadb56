package dev.airlock.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One place in a configuration tree: the value, its key path and the file it came from. Every
 * typed read either returns a valid value or throws a {@link ConfigException} that names all three.
 *
 * <p>A read on a key that has no value means the embedded defaults lack it, a packaging bug, and
 * throws {@link IllegalStateException}; optional keys are checked with {@link #isSet()} first.
 */
final class Node {

    private static final String DURATION_ALLOWED = "a duration such as 500ms, 30s, 5m, 72h, 7d or ISO-8601 PT5M; 0 turns it off";
    private static final String POSITIVE_DURATION_ALLOWED =
            "a duration above 0 such as 500ms, 30s, 5m, 72h, 7d or ISO-8601 PT5M";
    private static final String SIZE_ALLOWED =
            "a size such as 512KiB, 10MiB, 256MB or 1GB (KB, MB and GB count in 1024s too), or a number of bytes";
    private static final String URL_ALLOWED =
            "an absolute http:// or https:// URL with a host, without user name, password, query or fragment";

    private static final int MAX_SHOWN = 120;
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+) *([A-Za-z]*)");
    // KB, MB and GB are 1024-based like KiB, MiB and GiB: these sizes bound memory and request
    // bodies, which operators think of in binary units, and one rule is easier to remember than two.
    private static final Map<String, Long> SIZE_UNITS = Map.of(
            "", 1L, "b", 1L,
            "kb", 1L << 10, "kib", 1L << 10,
            "mb", 1L << 20, "mib", 1L << 20,
            "gb", 1L << 30, "gib", 1L << 30,
            "tb", 1L << 40, "tib", 1L << 40);

    private final String source;
    private final String path;
    private final JsonNode json;
    private final boolean secret;

    private Node(String source, String path, JsonNode json, boolean secret) {
        this.source = source;
        this.path = path;
        this.json = json == null ? MissingNode.getInstance() : json;
        this.secret = secret;
    }

    static Node root(String source, JsonNode json) {
        return new Node(source, "", json, false);
    }

    Node field(String key) {
        return new Node(source, path.isEmpty() ? key : path + "." + key, json.get(key), secret);
    }

    /** This node, with its value kept out of error messages. */
    Node secret() {
        return new Node(source, path, json, true);
    }

    /** False for a missing key and for an explicit null, which YAML writes as an empty value. */
    boolean isSet() {
        return !json.isMissingNode() && !json.isNull();
    }

    /** Checks that this is a map with no keys but {@code keys}; returns this node for chaining. */
    Node map(List<String> keys) throws ConfigException {
        requireSet();
        String allowed = String.join(", ", keys);
        if (!json.isObject()) {
            throw error("not a map", "a map with keys " + allowed);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                throw field(name).error("unknown key", name, allowed);
            }
        }
        return this;
    }

    /** The keys of a map whose keys are free-form; {@code allowed} describes the map when this is none. */
    List<String> keys(String allowed) throws ConfigException {
        requireSet();
        if (!json.isObject()) {
            throw error("not a map", allowed);
        }
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    String text() throws ConfigException {
        requireSet();
        if (!json.isTextual()) {
            throw error("not a string", "a string (quote it if it looks like a number or true/false)");
        }
        return json.textValue();
    }

    String nonEmptyText() throws ConfigException {
        String text = text();
        if (text.isBlank()) {
            throw error("empty", "a non-empty string");
        }
        return text;
    }

    boolean bool() throws ConfigException {
        requireSet();
        if (!json.isBoolean()) {
            throw error("not a boolean", "true or false");
        }
        return json.booleanValue();
    }

    int integer(IntRange range) throws ConfigException {
        requireSet();
        if (!json.isIntegralNumber()) {
            throw error("not an integer", range.describe());
        }
        if (!json.canConvertToLong() || !range.contains(json.longValue())) {
            throw error("out of range", range.describe());
        }
        return json.intValue();
    }

    <E extends Enum<E>> E oneOf(Class<E> type) throws ConfigException {
        requireSet();
        E[] constants = type.getEnumConstants();
        if (json.isTextual()) {
            // Written with '-' (when-required), named with '_' in Java.
            String text = json.textValue().strip().replace('-', '_');
            for (E constant : constants) {
                if (constant.name().equalsIgnoreCase(text)) {
                    return constant;
                }
            }
        }
        throw error("not one of the allowed values", Arrays.stream(constants)
                .map(constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", ")));
    }

    /** A duration of 0 or more; 0 conventionally turns the feature off. */
    Duration duration() throws ConfigException {
        return duration(DURATION_ALLOWED);
    }

    /** A duration above 0, for timeouts, where 0 would mean giving up at once. */
    Duration positiveDuration() throws ConfigException {
        Duration duration = duration(POSITIVE_DURATION_ALLOWED);
        if (duration.isZero()) {
            throw error("must be more than 0", POSITIVE_DURATION_ALLOWED);
        }
        return duration;
    }

    private Duration duration(String allowed) throws ConfigException {
        requireSet();
        String text = json.isIntegralNumber() ? json.asText() : json.isTextual() ? json.textValue().strip() : null;
        if (text == null) {
            throw error("not a duration", allowed);
        }
        if (text.startsWith("-")) {
            throw error("negative", allowed);
        }
        if (DIGITS.matcher(text).matches()) {
            if (new BigInteger(text).signum() == 0) {
                return Duration.ZERO;
            }
            // 30 could mean 30 seconds or 30 minutes; guessing wrong silently is worse than refusing.
            throw error("no unit", allowed + "; a bare number other than 0 is refused because its unit would be a guess");
        }
        Matcher simple = DURATION.matcher(text);
        try {
            Duration duration;
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                duration = switch (simple.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } else if (text.startsWith("P") || text.startsWith("p")) {
                duration = Duration.parse(text);
            } else {
                throw error("not a duration", allowed);
            }
            if (duration.isNegative()) {
                throw error("negative", allowed);
            }
            return duration;
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("too large", allowed);
        } catch (DateTimeParseException e) {
            throw error(e.getCause() instanceof ArithmeticException ? "too large" : "not a duration", allowed);
        }
    }

    private static final String DATE_ALLOWED = "a date such as 2023-02-01 (midnight UTC) or an instant such as 2023-02-01T00:00:00Z";

    /** A point in time: a calendar date (its midnight in UTC) or an ISO-8601 instant. */
    Instant date() throws ConfigException {
        requireSet();
        // YAML reads an unquoted 2023-02-01 as a string through Jackson's YAML module, never as a number.
        String text = json.isTextual() ? json.textValue().strip() : null;
        if (text == null) {
            throw error("not a date", DATE_ALLOWED);
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw error("not a date", DATE_ALLOWED);
        }
    }

    /** A size in bytes, 0 or more. */
    long size() throws ConfigException {
        requireSet();
        if (json.isIntegralNumber()) {
            if (json.isBigInteger() && !json.canConvertToLong()) {
                throw error(json.bigIntegerValue().signum() < 0 ? "negative" : "too large", SIZE_ALLOWED);
            }
            if (json.longValue() < 0) {
                throw error("negative", SIZE_ALLOWED);
            }
            return json.longValue();
        }
        if (!json.isTextual()) {
            throw error("not a size", SIZE_ALLOWED);
        }
        String text = json.textValue().strip();
        if (text.startsWith("-")) {
            throw error("negative", SIZE_ALLOWED);
        }
        Matcher matcher = SIZE.matcher(text);
        Long unit = matcher.matches() ? SIZE_UNITS.get(matcher.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw error("not a size", SIZE_ALLOWED);
        }
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("too large", SIZE_ALLOWED);
        }
    }

    /** An http(s) URL as written; the records normalise its trailing slash. */
    URI url() throws ConfigException {
        requireSet();
        if (!json.isTextual()) {
            throw error("not a URL", URL_ALLOWED);
        }
        URI uri;
        try {
            uri = new URI(json.textValue().strip());
        } catch (URISyntaxException e) {
            throw error("not a URL", URL_ALLOWED);
        }
        String problem = Checks.httpUrlProblem(uri);
        if (problem != null) {
            throw error(problem, URL_ALLOWED);
        }
        return uri;
    }

    Path path() throws ConfigException {
        String text = nonEmptyText();
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw error("not a valid path", "a file system path");
        }
    }

    List<String> strings() throws ConfigException {
        List<String> strings = new ArrayList<>();
        for (Node item : items("a list of strings")) {
            strings.add(item.nonEmptyText());
        }
        return strings;
    }

    List<URI> urls() throws ConfigException {
        List<URI> urls = new ArrayList<>();
        for (Node item : items("a list of URLs")) {
            urls.add(item.url());
        }
        return urls;
    }

    boolean isList() {
        return json != null && json.isArray();
    }

    /** A list of at least one URL. */
    List<URI> nonEmptyUrls() throws ConfigException {
        List<URI> urls = urls();
        if (urls.isEmpty()) {
            throw error("an empty list", "a URL, or a list of URLs tried in order");
        }
        return urls;
    }

    /** The items of a list; {@code allowed} describes the list when this is none. */
    List<Node> list(String allowed) throws ConfigException {
        return items(allowed);
    }

    private List<Node> items(String allowed) throws ConfigException {
        requireSet();
        if (!json.isArray()) {
            throw error("not a list", allowed);
        }
        List<Node> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            items.add(new Node(source, path + "[" + i + "]", json.get(i), secret));
        }
        return items;
    }

    /** An error about this node's value. */
    ConfigException error(String problem, String allowed) {
        return error(problem, shown(), allowed);
    }

    /** An error about this node, showing {@code value} rather than the node's own value. */
    ConfigException error(String problem, String value, String allowed) {
        return new ConfigException(source, path, problem, value, allowed);
    }

    private String shown() {
        if (secret) {
            return null;
        }
        String text = json.isValueNode() ? json.asText() : json.toString();
        text = text.replace("\r", "\\r").replace("\n", "\\n");
        return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
    }

    private void requireSet() {
        if (!isSet()) {
            throw new IllegalStateException("the embedded defaults have no value for " + path);
        }
    }
}
