package dev.airlock.scaleout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.config.NotificationsConfig;
import dev.airlock.config.WebhookConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A webhook endpoint on loopback that keeps every JSON delivery it gets. */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper M = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            received.add(M.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    /** Airlock's notifications to this endpoint, in JSON. */
    public NotificationsConfig config() {
        return new NotificationsConfig(List.of(WebhookConfig.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                WebhookConfig.Format.JSON)));
    }

    /** Deliveries of this event type so far. */
    public long count(String type) {
        synchronized (received) {
            return received.stream().filter(w -> type.equals(w.path("type").asText())).count();
        }
    }

    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
