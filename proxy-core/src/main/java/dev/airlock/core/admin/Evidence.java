package dev.airlock.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.PolicyService;
import dev.airlock.core.policy.Quarantine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a reviewer needs in one look, gathered from a held release's findings: the install
 * scripts now and before with a line diff, who published and who signed it before and now, its
 * ages, and the dependencies it added. Every value is upstream's text: it is returned as data,
 * never as markup.
 */
public final class Evidence {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Evidence() {
    }

    /**
     * @param context the release's and its predecessor's facts from the governing document, or
     *                null when it cannot be had (then only what the findings carry is shown)
     */
    static ObjectNode of(Quarantine.Entry e, Instant firstSeen, PolicyService.ReleaseContext context) {
        ObjectNode o = of(e, firstSeen);
        if (context == null) {
            return o;
        }
        ReleaseFacts now = context.release();
        ReleaseFacts before = context.previous();
        o.put("previousVersion", before == null ? null : before.version());
        o.put("publishedAt", now.publishedAt() == null ? null : now.publishedAt().toString());
        o.put("previousPublishedAt", before == null || before.publishedAt() == null ? null : before.publishedAt().toString());
        if (now.publisher() != null || (before != null && before.publisher() != null)) {
            o.putObject("publisher").put("now", now.publisher()).put("previous", before == null ? null : before.publisher());
        }
        // Who signed or built it: the verified facts of both releases, side by side.
        Map<String, String> signerNow = context.content() == null ? Map.of() : context.content().signer();
        Map<String, String> signerBefore = context.previousContent() == null ? Map.of() : context.previousContent().signer();
        if (!signerNow.isEmpty() || !signerBefore.isEmpty()) {
            ObjectNode s = o.putObject("signer");
            ObjectNode sn = s.putObject("now");
            new TreeMap<>(signerNow).forEach(sn::put);
            ObjectNode sb = s.putObject("previous");
            new TreeMap<>(signerBefore).forEach(sb::put);
        }
        if (now.installHooks() != null) {
            // The registry's manifest scripts, all of them, now and before: the diff is between those.
            ObjectNode scripts = JSON.createObjectNode();
            ObjectNode n = scripts.putObject("now");
            now.installHooks().forEach(n::put);
            if (before != null && before.installHooks() != null) {
                ObjectNode b = scripts.putObject("previous");
                before.installHooks().forEach(b::put);
            } else {
                scripts.putNull("previous");
            }
            scripts.put("previousVersion", before == null ? null : before.version());
            scripts.set("diff", diff(before == null ? null : before.installHooks(), now.installHooks()));
            o.set("installScripts", scripts);
        }
        if (now.dependencies() != null && before != null && before.dependencies() != null) {
            ObjectNode deps = o.putObject("dependencies");
            ObjectNode added = deps.putObject("added");
            ArrayNode removed = deps.putArray("removed");
            ObjectNode changed = deps.putObject("changed");
            now.dependencies().forEach((k, v) -> {
                String was = before.dependencies().get(k);
                if (was == null) {
                    added.put(k, v);
                } else if (!was.equals(v)) {
                    changed.put(k, was + " -> " + v);
                }
            });
            before.dependencies().keySet().stream().filter(k -> !now.dependencies().containsKey(k)).forEach(removed::add);
        }
        content(o, context.content(), context.previousContent());
        return o;
    }

    /**
     * Adds what the release's files hold for a reviewer: the text of the files its hooks run
     * ({@code hookFiles}) and the files added, removed and changed against the previous version
     * ({@code files}). Either reading may be null (not read).
     */
    public static void content(ObjectNode o, ContentFacts read, ContentFacts readBefore) {
        if (read != null && !read.hookFiles().isEmpty()) {
            // The text of what the hooks run, as upstream shipped it: data for the reviewer, shown, never rendered.
            ObjectNode hookFiles = o.putObject("hookFiles");
            read.hookFiles().forEach(hookFiles::put);
        }
        if (read != null && !read.files().isEmpty()) {
            o.set("files", filesDiff(read.files(), readBefore == null || readBefore.files().isEmpty() ? null : readBefore.files()));
        }
    }

    /**
     * The files added, removed and changed (size or CRC-32) against the previous version, with
     * their sizes; without a previous listing, the count and total size alone.
     */
    private static ObjectNode filesDiff(Map<String, ContentFacts.Listed> now,
                                        Map<String, ContentFacts.Listed> before) {
        ObjectNode d = JSON.createObjectNode().put("count", now.size())
                .put("size", now.values().stream().mapToLong(ContentFacts.Listed::size).sum());
        if (before == null) {
            d.put("previousListed", false);
            return d;
        }
        d.put("previousListed", true);
        ArrayNode added = d.putArray("added");
        ArrayNode removed = d.putArray("removed");
        ArrayNode changed = d.putArray("changed");
        long[] more = new long[1];
        now.forEach((path, f) -> {
            ContentFacts.Listed was = before.get(path);
            if (was == null) {
                bounded(added, more).ifPresent(n -> n.put("path", path).put("size", f.size()));
            } else if (was.size() != f.size() || !Objects.equals(was.crc32(), f.crc32())) {
                bounded(changed, more).ifPresent(n -> n.put("path", path).put("size", f.size()).put("previousSize", was.size()));
            }
        });
        before.forEach((path, f) -> {
            if (!now.containsKey(path)) {
                bounded(removed, more).ifPresent(n -> n.put("path", path).put("size", f.size()));
            }
        });
        if (more[0] > 0) {
            d.put("notShown", more[0]);
        }
        return d;
    }

    /** Lists at most this many paths each: a release that changes thousands of files says so by the count. */
    static final int MAX_DIFF_LINES = 500;

    private static Optional<ObjectNode> bounded(ArrayNode list, long[] more) {
        if (list.size() >= MAX_DIFF_LINES) {
            more[0]++;
            return Optional.empty();
        }
        return Optional.of(list.addObject());
    }

    private static ArrayNode diff(Map<String, String> before, Map<String, String> now) {
        ArrayNode diff = JSON.createArrayNode();
        Set<String> hooks = new TreeSet<>(now.keySet());
        if (before != null) {
            hooks.addAll(before.keySet());
        }
        for (String h : hooks) {
            String a = before == null ? null : before.get(h);
            String b = now.get(h);
            if (a != null && a.equals(b)) {
                line(diff, " ", h + ": " + b);
                continue;
            }
            if (a != null) {
                for (String l : a.split("\n", -1)) {
                    line(diff, "-", h + ": " + l);
                }
            }
            if (b != null) {
                for (String l : b.split("\n", -1)) {
                    line(diff, "+", h + ": " + l);
                }
            }
        }
        return diff;
    }

    static ObjectNode of(Quarantine.Entry e, Instant firstSeen) {
        ObjectNode o = JSON.createObjectNode();
        Map<String, String> now = new TreeMap<>();
        Map<String, String> before = new TreeMap<>();
        String previousVersion = null;
        boolean previousKnown = false;
        ObjectNode publisher = null;
        ObjectNode signerNow = JSON.createObjectNode();
        ObjectNode signerBefore = JSON.createObjectNode();
        ObjectNode added = JSON.createObjectNode();
        for (Finding f : e.findings()) {
            Map<String, String> ev = f.evidence();
            switch (f.check()) {
                case "install-hooks", "content" -> {
                    String hook = ev.get("hook");
                    String script = ev.get("script");
                    if (hook != null && script != null) {
                        now.put(hook, script);
                        if (ev.containsKey("previousScript")) {
                            before.put(hook, ev.get("previousScript"));
                        } else if (f.message().contains(" as ") && f.message().contains(" did")) {
                            before.put(hook, script); // runs as the previous version did
                        }
                    }
                    if (ev.containsKey("previousVersion")) {
                        previousVersion = ev.get("previousVersion");
                        previousKnown = true;
                    }
                }
                case "publisher" -> {
                    publisher = JSON.createObjectNode().put("now", ev.get("publisher")).put("previous", ev.get("previousPublisher"));
                    previousVersion = ev.getOrDefault("previousVersion", previousVersion);
                }
                case "signer", "identity" -> {
                    String what = f.message().contains("OpenPGP") || f.message().contains("signing key") ? "pgp-key"
                            : f.message().contains("workflow") ? "workflow" : f.message().contains("repository") ? "repository" : f.check();
                    if (ev.containsKey("now")) {
                        signerNow.put(what, ev.get("now"));
                    }
                    if (ev.containsKey("previous")) {
                        signerBefore.put(what, ev.get("previous"));
                    } else if (ev.containsKey("first")) {
                        signerBefore.put(what, ev.get("first"));
                    }
                    if (ev.containsKey("repository")) {
                        signerBefore.put("pinned repository", ev.get("repository"));
                    }
                    previousVersion = ev.getOrDefault("previousVersion", previousVersion);
                }
                case "new-dependency" -> {
                    if (ev.containsKey("dependency")) {
                        added.put(ev.get("dependency"), ev.getOrDefault("range", ""));
                    }
                }
                default -> {
                }
            }
        }
        ObjectNode scripts = o.putObject("installScripts");
        ObjectNode n = scripts.putObject("now");
        now.forEach(n::put);
        if (previousKnown) {
            ObjectNode b = scripts.putObject("previous");
            before.forEach(b::put);
        } else {
            scripts.putNull("previous");
        }
        scripts.put("previousVersion", previousVersion);
        scripts.set("diff", diff(previousKnown ? before : null, now));
        if (publisher != null) {
            o.set("publisher", publisher);
        }
        if (!signerNow.isEmpty() || !signerBefore.isEmpty()) {
            ObjectNode s = o.putObject("signer");
            s.set("now", signerNow);
            s.set("previous", signerBefore);
        }
        o.put("previousVersion", previousVersion);
        o.put("firstSeen", firstSeen == null ? null : firstSeen.toString());
        o.put("heldUntil", e.verdict().heldUntil() == null ? null : e.verdict().heldUntil().toString());
        o.putObject("dependencies").set("added", added);
        return o;
    }

    private static void line(ArrayNode diff, String op, String text) {
        diff.addObject().put("op", op).put("line", text);
    }
}
