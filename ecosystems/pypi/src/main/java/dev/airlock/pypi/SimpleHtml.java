package dev.airlock.pypi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    private static final Pattern ANCHOR = Pattern.compile("<a\\s([^>]*)>(.*?)</a\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern META = Pattern.compile("<meta\\s([^>]*)/?>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private SimpleHtml() {
    }

    static List<Anchor> anchors(String html) {
        List<Anchor> out = new ArrayList<>();
        Matcher m = ANCHOR.matcher(html);
        while (m.find()) {
            out.add(new Anchor(attributes(m.group(1)), unescape(TAG.matcher(m.group(2)).replaceAll("")).strip()));
        }
        return out;
    }

    /** Meta tags as name → content. */
    static Map<String, String> metas(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = META.matcher(html);
        while (m.find()) {
            Map<String, String> a = attributes(m.group(1));
            if (a.containsKey("name") && a.containsKey("content")) {
                out.put(a.get("name"), a.get("content"));
            }
        }
        return out;
    }

    private static Map<String, String> attributes(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(s);
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
            out.putIfAbsent(m.group(1).toLowerCase(java.util.Locale.ROOT), unescape(v));
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
