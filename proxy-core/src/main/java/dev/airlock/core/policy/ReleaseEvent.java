package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Something the security team may want to hear about: a release held or denied by the policy,
 * or released or rejected by a person.
 *
 * @param type    "held", "denied", "released", "rejected"
 * @param actor   "airlock" for the policy, else who decided
 * @param reason  the person's reason, or null for the policy's own decisions
 * @param reasons the policy's reasons (findings that hold it)
 *
 * <p>Its JSON form ({@link #toJson()}) is what the outbox keeps until a server delivers it.
 */
public record ReleaseEvent(String type, String ecosystem, String packageName, String version, String releaseId, List<String> reasons,
                           String actor, String reason, Instant at) {

    /** Read leniently: a message written by a newer release may carry more fields. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public ReleaseEvent {
        reasons = List.copyOf(reasons);
    }

    /** The outbox form. */
    public String toJson() {
        var node = JSON.createObjectNode().put("type", type).put("ecosystem", ecosystem).put("package", packageName)
                .put("version", version).put("releaseId", releaseId).put("actor", actor).put("reason", reason).put("at", at.toString());
        reasons.forEach(node.putArray("reasons")::add);
        return node.toString();
    }

    /** Reads what {@link #toJson()} wrote. */
    public static ReleaseEvent fromJson(String json) {
        try {
            var n = JSON.readTree(json);
            List<String> reasons = new ArrayList<>();
            n.path("reasons").forEach(r -> reasons.add(r.asText()));
            return new ReleaseEvent(n.path("type").asText(), n.path("ecosystem").asText(), n.path("package").asText(),
                    n.path("version").asText(), n.path("releaseId").asText(), reasons, n.path("actor").asText(),
                    n.path("reason").isNull() || n.path("reason").isMissingNode() ? null : n.path("reason").asText(),
                    Instant.parse(n.path("at").asText()));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a release event: " + e.getMessage(), e);
        }
    }
}
