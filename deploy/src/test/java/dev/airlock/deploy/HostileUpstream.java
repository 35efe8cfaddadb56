package dev.airlock.deploy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An upstream that misbehaves on purpose, over raw sockets: it can lie about lengths, stall
 * before or after its headers, and stream bodies of gigabytes that are generated as they are
 * sent (never held in the test's memory). Every request it receives is recorded, so a test can
 * count what Airlock asked of it.
 */
final class HostileUpstream implements AutoCloseable {

    /** One request as received; the body, if any, is not read. */
    record Seen(String method, String path, Map<String, String> headers) {
    }

    /** Writes the whole answer, status line included, to the raw socket. */
    @FunctionalInterface
    interface Handler {
        void answer(Seen request, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    HostileUpstream(String address) throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getByName(address));
        threads.execute(this::accept);
    }

    String base() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Answers requests for exactly {@code path} (query excluded); anything else gets 404. */
    HostileUpstream on(String path, Handler h) {
        routes.put(path, h);
        return this;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    long count(String method, String pathPrefix) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix)).count();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new ConcurrentHashMap<>();
            for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
                }
            }
            String path = parts[1];
            int q = path.indexOf('?');
            Seen req = new Seen(parts[0], q < 0 ? path : path.substring(0, q), headers);
            seen.add(req);
            OutputStream out = s.getOutputStream();
            Handler h = routes.get(req.path());
            if (h == null) {
                status(out, 404, "text/plain", "not here\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                h.answer(req, out);
            }
            out.flush();
        } catch (IOException e) {
            // Airlock hung up on a hostile answer: that is the point.
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                return sb.toString().stripTrailing();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** A complete, honest answer with a Content-Length. */
    static void status(OutputStream out, int status, String contentType, byte[] body) throws IOException {
        head(out, status, Map.of("Content-Type", contentType, "Content-Length", Integer.toString(body.length)));
        out.write(body);
    }

    /** The status line and headers, with Connection: close; the caller writes (or withholds) the body. */
    static void head(OutputStream out, int status, Map<String, String> headers) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(status < 300 ? " OK" : " Other").append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Connection: close\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** One chunk of a chunked body. */
    static void chunk(OutputStream out, byte[] b, int off, int len) throws IOException {
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b, off, len);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static void endChunks(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
