package dev.airlock.core.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP rules the server applies to what clients send and to what it answers, apart from
 * the connection's state: which requests it accepts (version, Host), its status lines with
 * Airlock's reason, conditional and content-coding negotiation, and how client text is escaped
 * for logs.
 */
final class HttpRules {

    private HttpRules() {
    }

    /** A Host value: a reg-name, IPv4 or bracketed IPv6 literal, and an optional port (RFC 3986 §3.2.2, RFC 9112 §3.2). */
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:[0-9]{1,5})?");

    /**
     * Why a request is not one Airlock answers, or null: a version other than exactly
     * {@code HTTP/1.0} or {@code HTTP/1.1} (another major version gets 505, which the message
     * begins with "HTTP/" to say; a malformed one 400), or an HTTP/1.1 request without exactly one
     * valid Host (400, RFC 9112 §3.2): links Airlock writes may take their host from it.
     */
    static String conformance(HttpRequest req) {
        HttpVersion v = req.protocolVersion();
        if (!"HTTP".equals(v.protocolName()) || !v.text().equals(v.protocolName() + "/" + v.majorVersion() + "." + v.minorVersion())) {
            return "malformed HTTP version";
        }
        if (v.majorVersion() != 1) {
            return "HTTP/" + v.majorVersion() + " is not supported here; use HTTP/1.1";
        }
        // Netty upper-cases the name of a version it does not know but keeps its own two
        // constants for the exact spellings, so "http/1.1" (RFC 9112 §2.3: case-sensitive) is
        // told apart from "HTTP/1.1" by identity.
        if (v != HttpVersion.HTTP_1_0 && v != HttpVersion.HTTP_1_1) {
            return "malformed HTTP version";
        }
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (v.minorVersion() == 1 && hosts.isEmpty()) {
            return "an HTTP/1.1 request needs a Host header";
        }
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.size() == 1 && !HOST.matcher(hosts.get(0)).matches()) {
            return "an invalid Host header";
        }
        return null;
    }

    /**
     * The status with Airlock's reason in the reason phrase: some clients (pip) print only the
     * status line, so that is where the reason must be for them to show it. ASCII, one line, bounded.
     */
    static HttpResponseStatus statusWithReason(int status, String message) {
        HttpResponseStatus standard = HttpResponseStatus.valueOf(status);
        StringBuilder phrase = new StringBuilder(standard.reasonPhrase()).append(" (Airlock: ");
        for (int i = 0; i < message.length() && phrase.length() < 300; i++) {
            char c = message.charAt(i);
            phrase.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return new HttpResponseStatus(status, phrase.append(')').toString());
    }

    static String escaped(String s) {
        StringBuilder b = new StringBuilder(s.length());
        appendEscaped(b, s);
        return b.toString();
    }

    /** Control characters, quotes and backslashes from a client's URI never reach a log verbatim. */
    static void appendEscaped(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append("\\x").append(Character.forDigit(c >> 4 & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
    }

    static boolean etagMatches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.strip().split(";");
            if (p[0].strip().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < p.length; i++) {
                    String param = p[i].strip().replace(" ", "");
                    if (param.equals("q=0") || param.matches("q=0(\\.0*)?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
