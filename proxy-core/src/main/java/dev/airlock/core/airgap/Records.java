package dev.airlock.core.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.VerdictRecord;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's rows as a bundle carries them, one JSON object per line: written by the export,
 * read back by the import. Every field is named; nothing here depends on how the store lays
 * its tables out.
 */
final class Records {

    /** Strict: a bundle whose records name a key twice, or are not UTF-8, is refused, not read one way or the other. */
    static final ObjectMapper JSON = StrictJson.MAPPER;

    private Records() {
    }

    static ObjectNode artifact(ArtifactRecord r) {
        ObjectNode o = JSON.createObjectNode().put("ecosystem", r.ecosystem()).put("package", r.packageName()).put("filename", r.filename())
                .put("version", r.version()).put("sha256", r.sha256()).put("size", r.size()).put("contentType", r.contentType())
                .put("upstreamDigest", r.upstreamDigest()).put("firstSeen", r.firstSeen().toEpochMilli()).put("derivedFrom", r.derivedFrom());
        ObjectNode d = o.putObject("digests");
        new TreeMap<>(r.digests()).forEach(d::put);
        return o;
    }

    static ArtifactRecord artifact(JsonNode o) {
        Map<String, String> digests = new TreeMap<>();
        o.path("digests").fields().forEachRemaining(e -> digests.put(e.getKey(), e.getValue().asText()));
        return new ArtifactRecord(text(o, "ecosystem"), text(o, "package"), text(o, "filename"), text(o, "version"), text(o, "sha256"),
                o.path("size").asLong(), text(o, "contentType"), nullable(o, "upstreamDigest"), Instant.ofEpochMilli(o.path("firstSeen").asLong()),
                nullable(o, "derivedFrom"), digests);
    }

    static ObjectNode metadata(MetadataState s) {
        return JSON.createObjectNode().put("ecosystem", s.ecosystem()).put("cacheKey", s.cacheKey()).put("package", s.packageName())
                .put("bodySha256", s.bodySha256()).put("contentType", s.contentType()).put("etag", s.etag())
                .put("lastModified", s.lastModified()).put("fetchedAt", s.fetchedAt().toEpochMilli()).put("firstSeen", s.firstSeen().toEpochMilli())
                .put("requestedUrl", s.requestedUrl() == null ? null : s.requestedUrl().toString())
                .put("documentUrl", s.documentUrl() == null ? null : s.documentUrl().toString());
    }

    static MetadataState metadata(JsonNode o) {
        return new MetadataState(text(o, "ecosystem"), text(o, "cacheKey"), text(o, "package"), text(o, "bodySha256"), nullable(o, "contentType"),
                nullable(o, "etag"), nullable(o, "lastModified"), Instant.ofEpochMilli(o.path("fetchedAt").asLong()),
                Instant.ofEpochMilli(o.path("firstSeen").asLong()), uri(nullable(o, "requestedUrl")), uri(nullable(o, "documentUrl")));
    }

    static ObjectNode verdict(VerdictRecord v) {
        return JSON.createObjectNode().put("id", v.id()).put("ecosystem", v.ecosystem()).put("package", v.packageName()).put("version", v.version())
                .put("verdict", v.verdict()).put("heldUntil", v.heldUntil() == null ? null : v.heldUntil().toEpochMilli())
                .put("findings", v.findings()).put("factsDigest", v.factsDigest()).put("policyVersion", v.policyVersion())
                .put("firstHeld", v.firstHeld() == null ? null : v.firstHeld().toEpochMilli()).put("decidedAt", v.decidedAt().toEpochMilli());
    }

    static VerdictRecord verdict(JsonNode o) {
        return new VerdictRecord(text(o, "id"), text(o, "ecosystem"), text(o, "package"), text(o, "version"), text(o, "verdict"),
                instant(o, "heldUntil"), text(o, "findings"), text(o, "factsDigest"), text(o, "policyVersion"), instant(o, "firstHeld"),
                Instant.ofEpochMilli(o.path("decidedAt").asLong()));
    }

    static ObjectNode decision(DecisionRecord d) {
        return JSON.createObjectNode().put("id", d.id()).put("action", d.action()).put("reason", d.reason()).put("actor", d.actor())
                .put("factsDigest", d.factsDigest()).put("expiresAt", d.expiresAt() == null ? null : d.expiresAt().toEpochMilli())
                .put("decidedAt", d.decidedAt().toEpochMilli());
    }

    static DecisionRecord decision(JsonNode o) {
        return new DecisionRecord(0, text(o, "id"), text(o, "action"), text(o, "reason"), text(o, "actor"), text(o, "factsDigest"),
                instant(o, "expiresAt"), Instant.ofEpochMilli(o.path("decidedAt").asLong()));
    }

    static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("a record lacks " + field);
        }
        return n.asText();
    }

    static String nullable(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isTextual() ? n.asText() : null;
    }

    private static Instant instant(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isNumber() ? Instant.ofEpochMilli(n.asLong()) : null;
    }

    private static URI uri(String s) {
        return s == null ? null : URI.create(s);
    }
}
