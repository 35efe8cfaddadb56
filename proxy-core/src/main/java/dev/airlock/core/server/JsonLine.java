package dev.airlock.core.server;

/**
 * One JSON object written field by field into a StringBuilder, for log lines on the event loop:
 * no tree, no reflection. Null values are left out; strings are escaped per RFC 8259 (control
 * characters as six-character escapes), so a request line cannot break the line or the object.
 */
final class JsonLine {

    private final StringBuilder b;
    private boolean first = true;

    JsonLine(int capacity) {
        b = new StringBuilder(capacity).append('{');
    }

    JsonLine field(String name, String value) {
        if (value == null) {
            return this;
        }
        name(name);
        string(value);
        return this;
    }

    JsonLine field(String name, long value) {
        name(name);
        b.append(value);
        return this;
    }

    JsonLine field(String name, double value) {
        name(name);
        b.append(value);
        return this;
    }

    JsonLine field(String name, boolean value) {
        name(name);
        b.append(value);
        return this;
    }

    CharSequence end() {
        return b.append('}');
    }

    private void name(String name) {
        if (!first) {
            b.append(',');
        }
        first = false;
        string(name);
        b.append(':');
    }

    private void string(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append("\\u00").append(Character.forDigit(c >> 4 & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
