package dev.airlock.core.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.config.WebhookConfig.Format;

import java.nio.charset.StandardCharsets;

/**
 * The request bodies webhooks receive. Jackson writes every string, so nothing an attacker puts
 * in a package name or reason can break out of the JSON; for Slack, whose text is markup, the
 * three characters that start links, mentions and entities are escaped as Slack asks.
 */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    // Slack refuses section text over 3,000 characters; a long list of reasons is cut.
    private static final int SLACK_TEXT_LIMIT = 3000;
    private static final int SLACK_NAME_LIMIT = 300;

    private Payloads() {
    }

    static byte[] render(Format format, Event event) {
        ObjectNode body = switch (format) {
            case JSON -> json(event);
            case SLACK -> slack(event);
        };
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"type","ecosystem","package","version","releaseId","reasons","actor","reason","at","console"}}. */
    static ObjectNode json(Event e) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", e.type())
                .put("ecosystem", e.ecosystem())
                .put("package", e.packageName())
                .put("version", e.version())
                .put("releaseId", e.releaseId());
        ArrayNode reasons = body.putArray("reasons");
        e.reasons().forEach(reasons::add);
        return body.put("actor", e.actor())
                .put("reason", e.reason())
                .put("at", e.at().toString())
                .put("console", e.consoleUrl() == null ? null : e.consoleUrl().toString());
    }

    /**
     * A Slack incoming-webhook message: {@code text} (the one-line summary, also what
     * notifications show) and {@code blocks} (the summary, the reasons, the release id and time,
     * and a button to the console when there is a link).
     */
    static ObjectNode slack(Event e) {
        String summary = summary(e);
        ObjectNode body = JSON.createObjectNode().put("text", summary);
        // Previews of links in the text would fetch URLs an attacker chose.
        body.put("unfurl_links", false).put("unfurl_media", false);
        ArrayNode blocks = body.putArray("blocks");
        blocks.add(section(summary));
        if (!e.reasons().isEmpty()) {
            StringBuilder list = new StringBuilder();
            for (String reason : e.reasons()) {
                list.append("\u2022 ").append(oneLine(reason)).append('\n');
            }
            blocks.add(section(escape(list.toString().strip(), SLACK_TEXT_LIMIT)));
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", escape("Release " + e.releaseId() + " \u00b7 " + e.at(), SLACK_TEXT_LIMIT));
        if (e.consoleUrl() != null) {
            // A button's url is a plain JSON field, not markup, so it needs no escaping.
            ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject().put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", "Open in Airlock");
            button.put("url", e.consoleUrl().toString());
        }
        return body;
    }

    /** For example {@code :no_entry: npm evil-pkg@1.0.1 held by Airlock: adds an install script}, escaped. */
    static String summary(Event e) {
        String emoji = switch (e.type()) {
            case Event.HELD -> ":no_entry:";
            case Event.DENIED -> ":no_entry_sign:";
            case Event.RELEASED -> ":white_check_mark:";
            default -> ":x:";
        };
        boolean automatic = e.actor().equals(Event.AIRLOCK);
        String who = automatic ? "Airlock" : oneLine(e.actor());
        String why = automatic ? String.join("; ", e.reasons()) : e.reason();
        String release = oneLine(cut(e.packageName(), SLACK_NAME_LIMIT)) + "@" + oneLine(cut(e.version(), SLACK_NAME_LIMIT));
        String line = emoji + " " + e.ecosystem() + " " + release + " " + e.type() + " by " + who
                + (why == null || why.isBlank() ? "" : ": " + oneLine(why));
        return escape(line, SLACK_TEXT_LIMIT);
    }

    private static ObjectNode section(String mrkdwn) {
        ObjectNode section = JSON.createObjectNode().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
        return section;
    }

    /**
     * {@code text} with Slack's control characters escaped ({@code &}, {@code <}, {@code >}), so
     * that nothing in it becomes a link, a mention ({@code <!channel>}) or an entity; cut with an
     * ellipsis so that the escaped text stays within {@code limit} characters.
     */
    static String escape(String text, int limit) {
        String escaped = escape(text);
        if (escaped.length() <= limit) {
            return escaped;
        }
        // Cut the text, not its escaped form, so that no entity is cut in half; keep room for the ellipsis.
        StringBuilder out = new StringBuilder(limit);
        for (int i = 0; i < text.length(); ) {
            int end = Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length() ? i + 2 : i + 1;
            String piece = escape(text.substring(i, end));
            if (out.length() + piece.length() > limit - 1) {
                break;
            }
            out.append(piece);
            i = end;
        }
        return out.append('\u2026').toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Line breaks and other control characters become spaces, so a name cannot fake further lines. */
    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ");
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit) + "\u2026";
    }
}
