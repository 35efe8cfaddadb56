package dev.airlock.core.admin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.PolicyService;
import dev.airlock.core.policy.Quarantine;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.RuleRecord;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.TokenRecord;
import dev.airlock.core.store.VerdictRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The security team's API under {@code /-/admin/api/} (docs/ADMIN-API.md, {@code openapi.json}):
 * the quarantine queue and one release's evidence, people's decisions, run-time rules, tokens and
 * the audit log. Blocking (JDBC): the HTTP layer calls it on its admin pool. Every refusal for
 * lack of a token or of a role is itself audited.
 *
 * <p>One class (about 600 lines) because it is the API's routing table: each endpoint is a short
 * method that checks the role, parses the body strictly and calls the service that does the
 * work ({@code Quarantine}, {@code Tokens}, {@code AuditLog}, {@code PolicyService}); keeping the
 * endpoints side by side keeps every one under the same authorisation and audit rules.
 */
public final class AdminApi {

    private static final System.Logger LOG = System.getLogger("airlock.admin");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bodies above this are refused: a decision or a rule is a few hundred bytes. */
    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_LIMIT = 500;

    private final StateStore state;
    private final PolicyService policy;
    private final Quarantine quarantine;
    private final Tokens tokens;
    private final AuditLog audit;
    private final Clock clock;

    public AdminApi(StateStore state, PolicyService policy, Tokens tokens, Clock clock) {
        this.state = state;
        this.policy = policy;
        this.quarantine = new Quarantine(state, clock);
        this.tokens = tokens;
        this.audit = new AuditLog(state);
        this.clock = clock;
        policy.reloadRules();
    }

    /** A refusal the caller sees as an HTTP status with a message. */
    private static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The tokens this API checks, for the package routes when they need one too. */
    public Tokens tokens() {
        return tokens;
    }

    public AdminResponse handle(AdminRequest req) {
        try {
            if (req.path().equals("openapi.json") && req.method().equals("GET")) {
                return openApi();
            }
            Principal who = authenticate(req);
            return route(req, who);
        } catch (Refused r) {
            ObjectNode o = JSON.createObjectNode().put("error", r.getMessage()).put("status", r.status);
            Map<String, String> headers = r.status == 401 ? Map.of("WWW-Authenticate", "Bearer realm=\"airlock\"") : Map.of();
            return new AdminResponse(r.status, AdminResponse.JSON, (o + "\n").getBytes(StandardCharsets.UTF_8), headers);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "admin API " + req.method() + " " + req.path() + " failed", e);
            return error(500, "the request failed inside Airlock (see its log)");
        }
    }

    private static AdminResponse error(int status, String message) {
        return AdminResponse.json(status, JSON.createObjectNode().put("error", message).put("status", status).toString());
    }

    private Principal authenticate(AdminRequest req) {
        String h = req.authorization();
        String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
        Optional<Principal> p = tokens.authenticate(token);
        if (p.isEmpty()) {
            auditDenied("anonymous", req, token == null ? "no bearer token" : "invalid, expired or revoked token");
            throw new Refused(401, token == null ? "this API needs a token: Authorization: Bearer <token>"
                    : "the token is not valid (unknown, expired or revoked)");
        }
        return p.get();
    }

    private void require(Principal who, Role role, AdminRequest req) {
        if (!who.role().allows(role)) {
            auditDenied(who.name(), req, "role " + who.role().id() + " may not do this (needs " + role.id() + ")");
            throw new Refused(403, "the token '" + who.name() + "' has role " + who.role().id() + "; this needs " + role.id());
        }
    }

    /** Refusals without a valid token since the last audit entry about them (anyone can cause these). */
    private final AtomicLong anonymousRefusals = new AtomicLong();
    private volatile Instant lastAnonymousEntry = Instant.EPOCH;

    /**
     * Records a refusal. A token holder's 403 is one entry each; 401s, which anyone on the network
     * can cause, become at most one entry a minute counting them, so they cannot flood the log.
     */
    private void auditDenied(String actor, AdminRequest req, String why) {
        String target = req.method() + " /-/admin/api/" + (req.path().length() > 200 ? req.path().substring(0, 200) + "..." : req.path());
        try {
            if (!actor.equals("anonymous")) {
                state.appendAudit(clock.instant(), actor, "auth.denied", target, why, "{}");
                return;
            }
            long n = anonymousRefusals.incrementAndGet();
            Instant now = clock.instant();
            if (now.isBefore(lastAnonymousEntry.plusSeconds(60))) {
                return;
            }
            lastAnonymousEntry = now;
            anonymousRefusals.addAndGet(-n);
            state.appendAudit(now, actor, "auth.denied", target, why + (n > 1 ? " (" + n + " such refusals since the last entry)" : ""),
                    JSON.createObjectNode().put("refusals", n).toString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot audit a refused admin call: " + e.getMessage());
        }
    }

    private AdminResponse route(AdminRequest req, Principal who) {
        String[] p = req.path().isEmpty() ? new String[0] : req.path().split("/", -1);
        String m = req.method();
        if (p.length == 1 && p[0].equals("whoami") && m.equals("GET")) {
            require(who, Role.VIEWER, req);
            return ok(JSON.createObjectNode().put("name", who.name()).put("role", who.role().id()));
        }
        if (p.length >= 1 && p[0].equals("quarantine")) {
            if (p.length == 1 && m.equals("GET")) {
                require(who, Role.VIEWER, req);
                return ok(queue(req.query()));
            }
            if (p.length == 2 && p[1].equals("bulk") && m.equals("POST")) {
                require(who, Role.APPROVER, req);
                return ok(bulk(body(req), who));
            }
            if (p.length == 2 && m.equals("GET")) {
                require(who, Role.VIEWER, req);
                return ok(detail(entry(p[1])));
            }
            if (p.length == 3 && m.equals("POST")) {
                require(who, Role.APPROVER, req);
                String id = p[1];
                entry(id);
                return switch (p[2]) {
                    case "release" -> {
                        JsonNode b = body(req);
                        yield ok(detail(applied(quarantine.release(id, reason(b), expires(b), who.name()))));
                    }
                    case "reject" -> ok(detail(applied(quarantine.reject(id, reason(body(req)), who.name()))));
                    case "reevaluate" -> ok(reevaluate(id, who));
                    default -> throw new Refused(404, "no such action: " + p[2]);
                };
            }
        }
        if (p.length >= 3 && p[0].equals("packages") && m.equals("GET")) {
            require(who, Role.VIEWER, req);
            // A scoped npm name keeps its slash: packages/npm/@scope/name.
            return ok(packageView(p[1], String.join("/", Arrays.copyOfRange(p, 2, p.length))));
        }
        if (p.length >= 1 && p[0].equals("rules")) {
            if (p.length == 1 && m.equals("GET")) {
                require(who, Role.VIEWER, req);
                ObjectNode o = JSON.createObjectNode();
                ArrayNode items = o.putArray("items");
                state.rules().forEach(r -> items.add(rule(r)));
                return ok(o);
            }
            if (p.length == 1 && m.equals("POST")) {
                require(who, Role.ADMIN, req);
                return new AdminResponse(201, AdminResponse.JSON, (addRule(body(req), who) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
            }
            if (p.length == 2 && m.equals("DELETE")) {
                require(who, Role.ADMIN, req);
                return ok(removeRule(p[1], req, who));
            }
        }
        if (p.length >= 1 && p[0].equals("tokens")) {
            require(who, Role.ADMIN, req);
            if (p.length == 1 && m.equals("GET")) {
                ObjectNode o = JSON.createObjectNode();
                ArrayNode items = o.putArray("items");
                tokens.list().forEach(t -> items.add(token(t)));
                return ok(o);
            }
            if (p.length == 1 && m.equals("POST")) {
                JsonNode b = body(req);
                Tokens.Created c = tokens.create(text(b, "name"), Role.of(text(b, "role")), expires(b), who.name());
                ObjectNode o = token(c.record()).put("token", c.token());
                return new AdminResponse(201, AdminResponse.JSON, (o + "\n").getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"));
            }
            if (p.length == 2 && m.equals("DELETE")) {
                if (!tokens.revoke(p[1], who.name())) {
                    throw new Refused(404, "no valid token named " + p[1]);
                }
                return ok(JSON.createObjectNode().put("revoked", p[1]));
            }
        }
        if (p.length >= 1 && p[0].equals("audit")) {
            require(who, Role.VIEWER, req);
            if (p.length == 1 && m.equals("GET")) {
                return ok(auditList(req.query()));
            }
            if (p.length == 2 && p[1].equals("verify") && m.equals("GET")) {
                AuditLog.Verification v = audit.verify();
                ObjectNode o = JSON.createObjectNode().put("ok", v.ok()).put("entries", v.entries());
                if (!v.ok()) {
                    o.put("brokenAt", v.brokenAt()).put("why", v.why());
                }
                return ok(o);
            }
            if (p.length == 2 && p[1].equals("export") && m.equals("GET")) {
                StringWriter w = new StringWriter();
                try {
                    audit.export(w);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return new AdminResponse(200, "application/x-ndjson; charset=utf-8", w.toString().getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Disposition", "attachment; filename=\"airlock-audit.jsonl\""));
            }
        }
        throw new Refused(404, "no admin API route " + m + " /-/admin/api/" + req.path() + " (see /-/admin/api/openapi.json)");
    }

    private static AdminResponse ok(JsonNode o) {
        return AdminResponse.json(200, o.toString());
    }

    // ---- quarantine ----

    private ObjectNode queue(Map<String, String> q) {
        String ecosystem = blankToNull(q.get("ecosystem"));
        String pkg = blankToNull(q.get("package"));
        String reason = blankToNull(q.get("reason"));
        String status = q.getOrDefault("status", "held");
        Duration olderThan = q.containsKey("olderThan") ? duration(q.get("olderThan"), "olderThan") : null;
        int limit = intParam(q, "limit", 50);
        int offset = intParam(q, "offset", 0);
        String view = q.getOrDefault("view", "needed");
        if (!view.equals("needed") && !view.equals("all")) {
            throw new Refused(400, "view must be needed (what clients asked for or passed over, and newest releases) or all");
        }
        Instant now = clock.instant();
        List<Quarantine.Entry> matching = new ArrayList<>();
        for (Quarantine.Entry e : view.equals("all") ? quarantine.list(ecosystem) : quarantine.needed(ecosystem)) {
            if (!status.equals("all") && !e.status().equals(status)) {
                continue;
            }
            if (pkg != null && !e.verdict().packageName().toLowerCase(Locale.ROOT).contains(pkg.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (reason != null && e.findings().stream().filter(Finding::holds).noneMatch(f -> f.check().equalsIgnoreCase(reason)
                    || f.message().toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT)))) {
                continue;
            }
            Instant since = since(e);
            if (olderThan != null && since.isAfter(now.minus(olderThan))) {
                continue;
            }
            matching.add(e);
        }
        ObjectNode o = JSON.createObjectNode().put("total", matching.size()).put("offset", offset).put("limit", limit);
        ArrayNode items = o.putArray("items");
        matching.stream().skip(offset).limit(limit).forEach(e -> items.add(item(e)));
        return o;
    }

    private static Instant since(Quarantine.Entry e) {
        return e.verdict().firstHeld() != null ? e.verdict().firstHeld() : e.verdict().decidedAt();
    }

    private Quarantine.Entry entry(String id) {
        return quarantine.show(id).orElseThrow(() -> new Refused(404, "no release with id " + id));
    }

    private static ObjectNode item(Quarantine.Entry e) {
        VerdictRecord v = e.verdict();
        ObjectNode o = JSON.createObjectNode().put("id", v.id()).put("ecosystem", v.ecosystem()).put("package", v.packageName())
                .put("version", v.version()).put("verdict", v.verdict()).put("status", e.status()).put("since", since(e).toString());
        if (v.heldUntil() != null) {
            o.put("heldUntil", v.heldUntil().toString());
        }
        ArrayNode reasons = o.putArray("reasons");
        e.reasons().forEach(reasons::add);
        ObjectNode need = o.putObject("demand").put("asked", e.need().asked()).put("passedOver", e.need().passedOver())
                .put("newest", e.need().newest());
        if (e.need().lastAsked() != null) {
            need.put("lastAsked", e.need().lastAsked().toString());
        }
        e.need().tokens().forEach(need.putArray("tokens")::add);
        ArrayNode checks = o.putArray("checks");
        e.findings().stream().filter(Finding::holds).map(Finding::check).distinct().forEach(checks::add);
        return o;
    }

    private ObjectNode detail(Quarantine.Entry e) {
        ObjectNode o = item(e);
        ArrayNode findings = o.putArray("findings");
        for (Finding f : e.findings()) {
            ObjectNode fo = findings.addObject().put("check", f.check()).put("holds", f.holds()).put("message", f.message());
            ObjectNode ev = fo.putObject("evidence");
            new TreeMap<>(f.evidence()).forEach(ev::put);
        }
        o.set("decision", e.decision() == null ? null : decision(e.decision()));
        ArrayNode history = o.putArray("decisions");
        state.decisions(e.verdict().id()).forEach(d -> history.add(decision(d)));
        PolicyService.ReleaseContext context = policy.context(e.verdict().ecosystem(), e.verdict().packageName(),
                e.verdict().version());
        ObjectNode evidence = Evidence.of(e, state.observedReleases(e.verdict().ecosystem(), e.verdict().packageName())
                .get(e.verdict().version()), context);
        if (context == null) {
            // No governing document at hand: what the files hold is still on record, against the version the findings name.
            Evidence.content(evidence, quarantine.read(e.verdict().ecosystem(), e.verdict().packageName(), e.verdict().version()),
                    quarantine.read(e.verdict().ecosystem(), e.verdict().packageName(), e.comparedWith()));
        }
        o.set("evidence", evidence);
        return o;
    }

    private static ObjectNode decision(DecisionRecord d) {
        ObjectNode o = JSON.createObjectNode().put("action", d.action()).put("reason", d.reason()).put("actor", d.actor())
                .put("at", d.decidedAt().toString());
        o.put("expiresAt", d.expiresAt() == null ? null : d.expiresAt().toString());
        return o;
    }

    private ObjectNode bulk(JsonNode b, Principal who) {
        String action = text(b, "action");
        if (!action.equals("release") && !action.equals("reject")) {
            throw new IllegalArgumentException("action must be release or reject");
        }
        String reason = reason(b);
        Duration expires = expires(b);
        if (!b.path("ids").isArray() || b.path("ids").isEmpty() || b.path("ids").size() > 500) {
            throw new IllegalArgumentException("ids must be a list of 1 to 500 release ids");
        }
        ObjectNode o = JSON.createObjectNode();
        ArrayNode results = o.putArray("results");
        for (JsonNode idNode : b.path("ids")) {
            String id = idNode.asText();
            ObjectNode r = results.addObject().put("id", id);
            try {
                entry(id);
                applied(action.equals("release") ? quarantine.release(id, reason, expires, who.name())
                        : quarantine.reject(id, reason, who.name()));
                r.put("ok", true);
            } catch (Refused | IllegalArgumentException e) {
                r.put("ok", false).put("error", e.getMessage());
            }
        }
        return o;
    }

    /** A person's decision takes effect at once in this process (other processes poll for it). */
    private Quarantine.Entry applied(Quarantine.Entry e) {
        policy.forget(e.verdict().ecosystem(), e.verdict().packageName());
        return e;
    }

    private ObjectNode reevaluate(String id, Principal who) {
        Quarantine.Entry e = entry(id);
        boolean done = policy.reevaluate(e.verdict().ecosystem(), e.verdict().packageName());
        state.appendAudit(clock.instant(), who.name(), "reevaluate", id, null, JSON.createObjectNode()
                .put("package", e.verdict().packageName()).put("version", e.verdict().version()).put("decidedNow", done).toString());
        ObjectNode o = detail(entry(id));
        o.put("reevaluated", done);
        return o;
    }

    private ObjectNode packageView(String ecosystem, String name) {
        Map<String, VerdictRecord> verdicts = state.verdicts(ecosystem, name);
        Map<String, Instant> seen = state.observedReleases(ecosystem, name);
        if (verdicts.isEmpty() && seen.isEmpty()) {
            throw new Refused(404, "Airlock has not seen " + ecosystem + " package " + name);
        }
        ObjectNode o = JSON.createObjectNode().put("ecosystem", ecosystem).put("package", name);
        ArrayNode versions = o.putArray("versions");
        Set<String> all = new TreeSet<>(seen.keySet());
        all.addAll(verdicts.keySet());
        for (String v : all) {
            VerdictRecord r = verdicts.get(v);
            ObjectNode vo = versions.addObject().put("version", v).put("id", PolicyEngine.releaseId(ecosystem, name, v));
            if (seen.containsKey(v)) {
                vo.put("firstSeen", seen.get(v).toString());
            }
            if (r == null) {
                // Approved with nothing to say: such releases are not stored (large packages cost few rows).
                vo.put("verdict", "APPROVED").put("status", "approved").putArray("reasons");
                continue;
            }
            Quarantine.Entry e = quarantine.show(r.id()).orElseThrow();
            vo.put("verdict", r.verdict()).put("status", e.status());
            ArrayNode reasons = vo.putArray("reasons");
            e.findings().forEach(f -> reasons.add((f.holds() ? "" : "note: ") + f.message()));
        }
        return o;
    }

    // ---- rules ----

    private ObjectNode addRule(JsonNode b, Principal who) {
        String kind = text(b, "kind");
        if (!kind.equals("allow") && !kind.equals("deny")) {
            throw new IllegalArgumentException("kind must be allow or deny");
        }
        String pattern = text(b, "pattern");
        PolicyEngine.checkRulePattern(pattern);
        String reason = reason(b);
        RuleRecord r = state.addRule(kind, pattern, reason, who.name(), clock.instant());
        state.appendAudit(clock.instant(), who.name(), "rule.add", "rule:" + r.id(), reason,
                JSON.createObjectNode().put("kind", kind).put("pattern", pattern).toString());
        policy.reloadRules();
        return rule(r);
    }

    private ObjectNode removeRule(String idText, AdminRequest req, Principal who) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw new Refused(404, "no rule " + idText);
        }
        RuleRecord r = state.rules().stream().filter(x -> x.id() == id).findFirst().orElseThrow(() -> new Refused(404, "no rule " + idText));
        String reason = req.body().length == 0 ? null : body(req).path("reason").asText(null);
        state.removeRule(id, clock.instant());
        state.appendAudit(clock.instant(), who.name(), "rule.remove", "rule:" + id, reason,
                JSON.createObjectNode().put("kind", r.kind()).put("pattern", r.pattern()).toString());
        policy.reloadRules();
        return JSON.createObjectNode().put("removed", id);
    }

    private static ObjectNode rule(RuleRecord r) {
        return JSON.createObjectNode().put("id", r.id()).put("kind", r.kind()).put("pattern", r.pattern()).put("reason", r.reason())
                .put("addedBy", r.addedBy()).put("addedAt", r.addedAt().toString());
    }

    private static ObjectNode token(TokenRecord t) {
        ObjectNode o = JSON.createObjectNode().put("name", t.name()).put("role", t.role()).put("createdAt", t.createdAt().toString());
        o.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
        o.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        return o;
    }

    // ---- audit ----

    private ObjectNode auditList(Map<String, String> q) {
        Instant since = null;
        if (q.containsKey("since")) {
            try {
                since = Instant.parse(q.get("since"));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("since must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z");
            }
        }
        AuditQuery query = new AuditQuery(blankToNull(q.get("actor")), blankToNull(q.get("action")), blankToNull(q.get("target")), since,
                0, false, intParam(q, "limit", 50), intParam(q, "offset", 0));
        ObjectNode o = JSON.createObjectNode().put("total", state.auditCount(query)).put("offset", query.offset()).put("limit", query.limit());
        ArrayNode items = o.putArray("items");
        for (AuditRecord r : state.audit(query)) {
            items.add(AuditLog.json(r));
        }
        return o;
    }

    // ---- helpers ----

    private AdminResponse openApi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("/dev/airlock/core/admin/openapi.json")) {
            return new AdminResponse(200, AdminResponse.JSON, in.readAllBytes(), Map.of());
        } catch (IOException | NullPointerException e) {
            return error(500, "the OpenAPI document is missing from the jar");
        }
    }

    private static JsonNode body(AdminRequest req) {
        if (req.body().length > MAX_BODY) {
            throw new IllegalArgumentException("the request body is over " + MAX_BODY + " bytes");
        }
        try {
            StrictJson.requireUtf8(req.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not well-formed UTF-8");
        }
        try {
            JsonNode n = StrictJson.MAPPER.readTree(req.body());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            return n;
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("the request body nests deeper than " + StrictJson.MAX_DEPTH);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(e.getOriginalMessage().startsWith("Duplicate field")
                    ? "the request body names a key twice (" + e.getOriginalMessage() + "); each key may appear once"
                    : "the request body is not JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not JSON");
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.path(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return n.asText().strip();
    }

    private static String reason(JsonNode b) {
        String r = text(b, "reason");
        if (r.length() > 2000) {
            throw new IllegalArgumentException("reason is at most 2000 characters");
        }
        return r;
    }

    private static Duration expires(JsonNode b) {
        JsonNode n = b.path("expires");
        return n.isMissingNode() || n.isNull() || n.asText().isBlank() ? null : duration(n.asText(), "expires");
    }

    private static Duration duration(String text, String field) {
        try {
            Duration d = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be positive");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration such as P7D or PT12H, not " + text);
        }
    }

    private static int intParam(Map<String, String> q, String name, int otherwise) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return name.equals("limit") ? Math.min(Math.max(n, 1), MAX_LIMIT) : n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a non-negative whole number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
