package dev.airlock.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map.Entry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration as text and as a tree, before any key means anything: reading the
 * operator's file, parsing YAML or JSON strictly (duplicate keys refused, one document only,
 * errors with their line and column), the embedded defaults, and merging the operator's tree
 * over them. {@link ConfigLoader} maps the merged tree to records.
 */
final class ConfigDocument {

    private static final String DEFAULTS_RESOURCE = "airlock-default.yaml";

    // snakeyaml's messages carry their position as " in 'reader', line 3, column 9:" and a
    // source snippet; its exception types are only reachable through a deprecated Jackson shim.
    private static final Pattern YAML_MARK = Pattern.compile("^ in '.*', line (\\d+), column (\\d+):$");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            // Only true and false are booleans: "off" is an installHooks value and "no" a typo
            // worth reporting, not YAML 1.1's boolean false.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigDocument() {
    }

    static String read(Path file, String source) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw unreadable(source, "is a directory", null);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(source, "no such file", e);
        } catch (AccessDeniedException e) {
            throw unreadable(source, "permission denied", e);
        } catch (CharacterCodingException e) {
            throw unreadable(source, "not UTF-8 text", e);
        } catch (IOException e) {
            throw unreadable(source, String.valueOf(e.getMessage()), e);
        }
    }

    private static ConfigException unreadable(String source, String reason, Throwable cause) {
        return new ConfigException(source, "", "cannot read the file: " + reason, null, null, cause);
    }

    static String defaultsText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULTS_RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document in {@code text}; null or a null node when it is empty. */
    static JsonNode tree(String text, String source) throws ConfigException {
        boolean json = source.endsWith(".json");
        ObjectMapper mapper = json ? JSON : YAML;
        String format = json ? "JSON" : "YAML";
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode tree = mapper.readTree(parser);
            // A stray "---" at the end is harmless, but a second document would be silently ignored.
            for (JsonToken token; (token = parser.nextToken()) != null; ) {
                if (token != JsonToken.VALUE_NULL) {
                    throw syntaxError(source, format, parser.currentLocation().getLineNr(),
                            parser.currentLocation().getColumnNr(), "more than one document");
                }
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw syntaxError(source, format, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigException syntaxError(String source, String format, JsonProcessingException e) {
        String problem = null;
        int line = -1;
        int column = -1;
        for (String part : String.valueOf(e.getOriginalMessage()).split("\n")) {
            Matcher mark = YAML_MARK.matcher(part);
            if (mark.matches()) {
                line = Integer.parseInt(mark.group(1));
                column = Integer.parseInt(mark.group(2));
            } else if (!part.isBlank() && !part.startsWith("    ")) {
                problem = part.strip();
            }
        }
        JsonLocation location = e.getLocation();
        if (line < 0 && location != null) {
            line = location.getLineNr();
            column = location.getColumnNr();
        }
        return syntaxError(source, format, line, column, problem == null ? e.getClass().getSimpleName() : problem);
    }

    private static ConfigException syntaxError(String source, String format, int line, int column, String problem) {
        String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return new ConfigException(source, "", where + "not valid " + format + ": " + problem, null, null);
    }

    /**
     * {@code over} merged over {@code base}: maps merge key by key; lists and single values
     * replace; a key left empty keeps its default.
     */
    static JsonNode merge(JsonNode base, JsonNode over) {
        if (over == null || over.isNull() || over.isMissingNode()) {
            return base;
        }
        if (base == null || !base.isObject() || !over.isObject()) {
            return over;
        }
        ObjectNode merged = ((ObjectNode) base).deepCopy();
        for (Entry<String, JsonNode> entry : over.properties()) {
            // A key absent from the defaults is kept even when empty, so that a misspelt,
            // empty section is still reported as an unknown key.
            merged.set(entry.getKey(), merge(base.get(entry.getKey()), entry.getValue()));
        }
        return merged;
    }
}
