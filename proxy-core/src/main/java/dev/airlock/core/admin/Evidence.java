package dev.airlock.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.Quarantine;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a reviewer needs in one look, gathered from a held release's findings: the install
 * scripts now and before with a line diff, who published and who signed it before and now, its
 * ages, and the dependencies it added. Every value is upstream's text: it is returned as data,
 * never as markup.
 */
final class Evidence {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Evidence() {
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
        ArrayNode diff = scripts.putArray("diff");
        java.util.Set<String> hooks = new java.util.TreeSet<>(now.keySet());
        hooks.addAll(before.keySet());
        for (String h : hooks) {
            String a = before.get(h);
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
