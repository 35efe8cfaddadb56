package dev.airlock.pypi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tolerant reader of PEP 503 pages: the anchors (attributes and text) and meta tags, nothing
 * else. Upstream HTML is untrusted: only these values are taken out of it, unescaped, and they
 * are escaped again on the way out.
 */
final class SimpleHtml {

    /** One {@code <a>} element. */
    record Anchor(Map<String, String> attributes, String text) {
    }

    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private SimpleHtml() {
    }

    /**
     * Every {@code <a ...>text</a>} in document order. One forward pass: each search starts where
     * the last one ended, so a page of unclosed anchors costs its length, not its length squared
     * (a regular expression looking for the closing tag from every opening one did).
     */
    static List<Anchor> anchors(String html) {
        return anchors(html, Integer.MAX_VALUE);
    }

    /**
     * {@link #anchors(String)}, stopping with null once there are more than {@code max}: a page
     * of a million links is refused without a million anchors in memory first.
     */
    static List<Anchor> anchors(String html, int max) {
        List<Anchor> out = new ArrayList<>();
        int i = 0;
        while ((i = tagStart(html, "<a", i)) >= 0) {
            if (out.size() == max) {
                return null;
            }
            int gt = html.indexOf('>', i);
            if (gt < 0) {
                break; // no tag closes after here: nothing more to read
            }
            int[] close = closingTag(html, "</a", gt + 1);
            if (close == null) {
                break; // no anchor after this one can be closed either
            }
            String text = html.substring(gt + 1, close[0]);
            out.add(new Anchor(attributes(html.substring(i + 3, gt)), unescape(TAG.matcher(text).replaceAll("")).strip()));
            i = close[1];
        }
        return out;
    }

    /** Meta tags as name → content. */
    static Map<String, String> metas(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while ((i = tagStart(html, "<meta", i)) >= 0) {
            int gt = html.indexOf('>', i);
            if (gt < 0) {
                break;
            }
            String inner = html.substring(i + "<meta".length() + 1, gt);
            Map<String, String> a = attributes(inner.endsWith("/") ? inner.substring(0, inner.length() - 1) : inner);
            if (a.containsKey("name") && a.containsKey("content")) {
                out.put(a.get("name"), a.get("content"));
            }
            i = gt + 1;
        }
        return out;
    }

    /** Where the next {@code name} tag (case-insensitive, followed by white space) starts at or after {@code from}; -1 if none. */
    private static int tagStart(String html, String name, int from) {
        int n = html.length();
        for (int i = html.indexOf('<', from); i >= 0 && i + name.length() < n; i = html.indexOf('<', i + 1)) {
            if (html.regionMatches(true, i, name, 0, name.length()) && Character.isWhitespace(html.charAt(i + name.length()))) {
                return i;
            }
        }
        return -1;
    }

    /** The next {@code </a\s*>} at or after {@code from}: where it starts and where it ends; null if none. */
    private static int[] closingTag(String html, String prefix, int from) {
        int n = html.length();
        for (int i = html.indexOf('<', from); i >= 0; i = html.indexOf('<', i + 1)) {
            if (!html.regionMatches(true, i, prefix, 0, prefix.length())) {
                continue;
            }
            int j = i + prefix.length();
            while (j < n && Character.isWhitespace(html.charAt(j))) {
                j++;
            }
            if (j < n && html.charAt(j) == '>') {
                return new int[] {i, j + 1};
            }
        }
        return null;
    }

    private static Map<String, String> attributes(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(s);
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
            out.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), unescape(v));
        }
        return out;
    }

    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi > i && semi - i <= 10) {
                String entity = s.substring(i + 1, semi);
                String r = switch (entity) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos", "#39" -> "'";
                    default -> numeric(entity);
                };
                if (r != null) {
                    sb.append(r);
                    i = semi;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String numeric(String entity) {
        try {
            if (entity.startsWith("#x") || entity.startsWith("#X")) {
                return new String(Character.toChars(Integer.parseInt(entity.substring(2), 16)));
            }
            if (entity.startsWith("#")) {
                return new String(Character.toChars(Integer.parseInt(entity.substring(1))));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
