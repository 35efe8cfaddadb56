package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.json.StrictJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-toto statement (v0.1 or v1) from a verified envelope: which artifacts it is about and
 * what it claims. Read only after the envelope verified; still hostile JSON, read with care.
 *
 * @param subjects      the artifacts it speaks about: name and digests (algorithm to hex)
 * @param predicateType what kind of claim ("https://slsa.dev/provenance/v1")
 * @param predicate     the claim
 */
public record Statement(List<Subject> subjects, String predicateType, JsonNode predicate) {

    public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    /** Strict: a signed statement that names a subject twice could be read two ways. */
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    public record Subject(String name, Map<String, String> digest) {
    }

    public static Statement parse(String payloadType, byte[] payload) throws VerificationException {
        if (!PAYLOAD_TYPE.equals(payloadType)) {
            throw new VerificationException("the envelope holds " + payloadType + ", not an in-toto statement");
        }
        JsonNode s;
        try {
            s = JSON.readTree(payload);
        } catch (IOException e) {
            throw new VerificationException("the signed statement is not JSON");
        }
        if (s == null || !s.path("_type").asText("").startsWith("https://in-toto.io/Statement/")) {
            throw new VerificationException("the signed statement is not an in-toto statement");
        }
        List<Subject> subjects = new ArrayList<>();
        for (JsonNode sub : s.path("subject")) {
            Map<String, String> d = new TreeMap<>();
            sub.path("digest").fields().forEachRemaining(f -> d.put(f.getKey(), f.getValue().asText("").toLowerCase(Locale.ROOT)));
            subjects.add(new Subject(sub.path("name").asText(""), Map.copyOf(d)));
        }
        return new Statement(List.copyOf(subjects), s.path("predicateType").asText(""), s.path("predicate"));
    }

    /**
     * Why this statement is not about the artifact, or null when one subject has that name and
     * that digest.
     *
     * @param algorithm the in-toto digest name ("sha512", "sha256")
     */
    public String mismatch(String name, String algorithm, String hex) {
        for (Subject s : subjects) {
            if (s.name().equals(name)) {
                String d = s.digest().get(algorithm);
                if (d == null) {
                    return "the statement gives no " + algorithm + " for " + name;
                }
                return d.equalsIgnoreCase(hex) ? null : "the statement names other bytes for " + name + " (" + algorithm + " " + d + ")";
            }
        }
        return "the statement is about " + (subjects.isEmpty() ? "nothing" : subjects.get(0).name()) + ", not " + name;
    }

    /**
     * The build facts a SLSA provenance predicate states (v1 and v0.2): where the build says it
     * came from. The certificate's identity is the authenticated source; this is compared with it.
     */
    public Provenance provenance() {
        if (predicateType.equals("https://slsa.dev/provenance/v1")) {
            JsonNode wf = predicate.path("buildDefinition").path("externalParameters").path("workflow");
            return new Provenance(text(wf.path("repository")), text(wf.path("path")), text(wf.path("ref")),
                    text(predicate.path("runDetails").path("builder").path("id")), text(predicate.path("buildDefinition").path("buildType")));
        }
        if (predicateType.equals("https://slsa.dev/provenance/v0.2")) {
            JsonNode cs = predicate.path("invocation").path("configSource");
            String uri = text(cs.path("uri"));
            String repo = null;
            String ref = null;
            if (uri != null) {
                String u = uri.startsWith("git+") ? uri.substring(4) : uri;
                int at = u.lastIndexOf('@');
                repo = at > 0 ? u.substring(0, at) : u;
                ref = at > 0 ? u.substring(at + 1) : null;
            }
            return new Provenance(repo, text(cs.path("entryPoint")), ref, text(predicate.path("builder").path("id")), text(predicate.path("buildType")));
        }
        return null;
    }

    /** What a SLSA predicate says about the build; any field may be null. */
    public record Provenance(String repository, String workflow, String ref, String builder, String buildType) {
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
