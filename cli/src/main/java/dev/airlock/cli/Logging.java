package dev.airlock.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on standard error, timestamps in UTC; no logging framework needed. */
final class Logging {

    private Logging() {
    }

    static void configure() {
        configure(false);
    }

    /**
     * @param json one JSON object per line (server.logFormat: json) with stable field names: time,
     *             level, logger, message, and error (the stack trace) when there is one
     */
    static void configure(boolean json) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(json ? new JsonFormatter() : new TextFormatter());
        root.addHandler(h);
        root.setLevel(Level.INFO);
        // Netty logs connection-level noise at DEBUG; keep it there.
        Logger.getLogger("io.netty").setLevel(Level.INFO);
    }

    private static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160)
                    .append(r.getInstant()).append(' ')
                    .append(r.getLevel().getName()).append(' ')
                    .append(r.getLoggerName()).append(": ")
                    .append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(w);
            }
            return sb.toString();
        }
    }

    private static final class JsonFormatter extends Formatter {
        private static final com.fasterxml.jackson.databind.ObjectMapper M = new com.fasterxml.jackson.databind.ObjectMapper();

        @Override
        public String format(LogRecord r) {
            var o = M.createObjectNode().put("time", r.getInstant().toString()).put("level", r.getLevel().getName())
                    .put("logger", r.getLoggerName()).put("message", formatMessage(r));
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                o.put("error", w.toString());
            }
            return o + "\n";
        }
    }
}
