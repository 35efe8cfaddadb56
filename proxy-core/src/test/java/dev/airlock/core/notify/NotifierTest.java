package dev.airlock.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.config.WebhookConfig;
import dev.airlock.config.WebhookConfig.EventType;
import dev.airlock.config.WebhookConfig.Format;
import dev.airlock.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class NotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    // Retries in milliseconds rather than seconds, so the tests need not wait.
    private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(40));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void deliversEveryEventInOrderAsJson() throws Exception {
        // Rule: a json webhook gets one POST per event, in publish order, with the documented fields.
        Receiver receiver = receiver(0);
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.JSON)), Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);

        notifier.publish(new Event(Event.HELD, "npm", "left-pad", "1.3.1", "r-1", List.of("adds an install script", "published 2h ago"),
                Event.AIRLOCK, null, AT, URI.create("https://airlock.example.com/-/console/#/release/r-1")));
        for (int i = 1; i < 40; i++) {
            notifier.publish(event(i % 2 == 0 ? Event.RELEASED : Event.DENIED, "1.0." + i));
        }
        await("40 deliveries", () -> count("webhook_delivered") == 40);

        List<Received> got = receiver.answered();
        assertEquals(40, got.size());
        JsonNode first = JSON.readTree(got.get(0).body());
        assertEquals(JSON.readTree("""
                {"type":"held","ecosystem":"npm","package":"left-pad","version":"1.3.1","releaseId":"r-1",
                 "reasons":["adds an install script","published 2h ago"],"actor":"airlock","reason":null,
                 "at":"2025-03-01T12:00:00Z","console":"https://airlock.example.com/-/console/#/release/r-1"}"""), first);
        assertEquals(IntStream.range(1, 40).mapToObj(i -> "1.0." + i).toList(),
                got.subList(1, 40).stream().map(r -> field(r, "version")).toList());
        Received released = got.get(2);
        assertEquals("released", field(released, "type"));
        assertEquals("alice", field(released, "actor"));
        assertEquals("vetted by hand", field(released, "reason"));
        assertTrue(JSON.readTree(released.body()).get("console").isNull());

        Headers headers = got.get(0).headers();
        assertEquals("POST", got.get(0).method());
        assertEquals("application/json; charset=utf-8", headers.getFirst("Content-Type"));
        assertEquals("held", headers.getFirst("X-Airlock-Event"));
        assertNull(headers.getFirst("X-Airlock-Signature"));
        assertEquals(40, got.stream().map(r -> r.headers().getFirst("X-Airlock-Delivery")).distinct().count());
        assertEquals(0, count("webhook_retried") + count("webhook_failed") + count("webhook_dropped"));
        assertEquals(0, notifier.pending());
    }

    @Test
    void eachWebhookGetsOnlyTheEventsItWants() throws Exception {
        // Rule: events filters per webhook; one webhook's settings do not affect another's.
        Receiver all = receiver(0);
        Receiver heldOnly = receiver(0);
        Notifier notifier = notifier(List.of(WebhookConfig.of(all.url(), Format.JSON),
                        new WebhookConfig(heldOnly.url(), Format.JSON, Set.of(EventType.HELD), null)),
                Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);

        notifier.publish(event(Event.HELD, "1.0.0"));
        notifier.publish(event(Event.RELEASED, "1.0.0"));
        notifier.publish(event(Event.REJECTED, "2.0.0"));
        notifier.publish(event(Event.HELD, "3.0.0"));
        await("6 deliveries", () -> count("webhook_delivered") == 6);

        assertEquals(List.of("held", "released", "rejected", "held"), all.answered().stream().map(r -> field(r, "type")).toList());
        assertEquals(List.of("1.0.0", "3.0.0"), heldOnly.answered().stream().map(r -> field(r, "version")).toList());
    }

    @Test
    void slackMessagesEscapeAttackerText() throws Exception {
        // Rule: in a Slack message nothing from package metadata can become a link, a mention or an entity.
        Receiver receiver = receiver(0);
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.SLACK)), Clock.systemUTC(), FAST,
                Duration.ofSeconds(10), 100);
        String evilName = "<!channel> evil&pkg <https://phish.example|click>\nfake second line";
        URI console = URI.create("https://airlock.example.com/-/console/#/release/r-9");
        notifier.publish(new Event(Event.HELD, "npm", evilName, "1.0.1", "r-9", List.of("install script: curl <@U0123>|sh", "a & b"),
                Event.AIRLOCK, null, AT, console));
        notifier.publish(new Event(Event.RELEASED, "npm", "ok-pkg", "2.0.0", "r-10", List.of("young"), "bob",
                "reviewed <@U999> & <!here>", AT, null));
        await("2 deliveries", () -> count("webhook_delivered") == 2);

        JsonNode held = JSON.readTree(receiver.answered().get(0).body());
        String text = held.get("text").asText();
        assertEquals(":no_entry: npm &lt;!channel&gt; evil&amp;pkg &lt;https://phish.example|click&gt; fake second line@1.0.1 held "
                + "by Airlock: install script: curl &lt;@U0123&gt;|sh; a &amp; b", text);
        assertFalse(held.get("unfurl_links").asBoolean());
        List<String> markup = new ArrayList<>();
        markup.add(text);
        held.get("blocks").findValues("text").forEach(node -> {
            if (node.isObject() && node.get("type").asText().equals("mrkdwn")) {
                markup.add(node.get("text").asText());
            } else if (node.isTextual()) {
                markup.add(node.asText());
            }
        });
        assertTrue(markup.size() >= 4, markup.toString());
        for (String s : markup) {
            assertFalse(s.contains("<") || s.contains(">"), s);
            assertFalse(s.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").contains("&"), s);
        }
        assertTrue(markup.contains("\u2022 install script: curl &lt;@U0123&gt;|sh\n\u2022 a &amp; b"), markup.toString());
        JsonNode button = held.get("blocks").findParent("url");
        assertEquals("button", button.get("type").asText());
        assertEquals(console.toString(), button.get("url").asText());

        JsonNode released = JSON.readTree(receiver.answered().get(1).body());
        assertEquals(":white_check_mark: npm ok-pkg@2.0.0 released by bob: reviewed &lt;@U999&gt; &amp; &lt;!here&gt;",
                released.get("text").asText());
    }

    @Test
    void slackTextIsCutWithoutBreakingAnEntity() {
        // Rule: text too long for Slack is cut before an escape, never inside one, and stays within the limit.
        String cut = Payloads.escape("a" + "&".repeat(100), 20);
        assertEquals("a&amp;&amp;&amp;\u2026", cut);
        assertEquals("&lt;b&gt;", Payloads.escape("<b>", 9));
        assertTrue(Payloads.summary(event(Event.HELD, "9".repeat(10_000))).length() <= 3000);
    }

    @Test
    void signedDeliveriesVerify() throws Exception {
        // Rule: with a secret, X-Airlock-Signature is sha256=<hex HMAC-SHA256 of the exact body>.
        Receiver receiver = receiver(0);
        String secret = "s3cret-\u00e9";
        Notifier notifier = notifier(List.of(new WebhookConfig(receiver.url(), Format.JSON, Set.of(EventType.values()), secret)),
                Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);
        notifier.publish(event(Event.HELD, "1.0.0"));
        await("a delivery", () -> count("webhook_delivered") == 1);

        Received got = receiver.answered().get(0);
        String header = got.headers().getFirst("X-Airlock-Signature");
        byte[] body = got.body().getBytes(StandardCharsets.UTF_8);
        assertEquals("sha256=" + hmac(secret, body), header);
        byte[] tampered = body.clone();
        tampered[tampered.length / 2] ^= 1;
        assertFalse(header.equals("sha256=" + hmac(secret, tampered)));
        assertFalse(header.equals("sha256=" + hmac("other", body)));
    }

    @Test
    void aReceiverThatWasDownGetsEveryEventInOrderExactlyOnce() throws Exception {
        // Rule: while the receiver refuses connections and then answers 503, events wait and are retried; once it
        // is up each arrives once, in order.
        int port;
        try (ServerSocket reserve = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = reserve.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/hook");
        Notifier notifier = notifier(List.of(WebhookConfig.of(url, Format.JSON)), Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);
        for (int i = 0; i < 20; i++) {
            notifier.publish(event(Event.HELD, "1.0." + i));
        }
        await("refused connections retried", () -> count("webhook_retried") >= 3);
        assertEquals(0, count("webhook_delivered"));
        assertEquals(20, notifier.pending());

        AtomicInteger unavailable = new AtomicInteger(4);
        Receiver receiver = receiver(port);
        receiver.answer = r -> unavailable.getAndDecrement() > 0 ? 503 : 200;
        await("20 deliveries", () -> count("webhook_delivered") == 20);

        List<Received> got = receiver.answered();
        assertEquals(List.of(503, 503, 503, 503), got.subList(0, 4).stream().map(Received::status).toList());
        // The 503s were all for the first event: nothing overtook it.
        assertEquals(Set.of("1.0.0"), Set.copyOf(got.subList(0, 4).stream().map(r -> field(r, "version")).toList()));
        List<Received> accepted = got.stream().filter(r -> r.status() == 200).toList();
        assertEquals(IntStream.range(0, 20).mapToObj(i -> "1.0." + i).toList(), accepted.stream().map(r -> field(r, "version")).toList());
        // The retries of one event carry the same delivery id, so a receiver could drop duplicates.
        assertEquals(1, got.subList(0, 5).stream().map(r -> r.headers().getFirst("X-Airlock-Delivery")).distinct().count());
        assertEquals(0, count("webhook_failed"));
        assertEquals(0, notifier.pending());
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        // Rule: a 4xx other than 429 is final: logged, counted as failed, and the next event goes out.
        Receiver receiver = receiver(0);
        receiver.answer = r -> field(r, "version").equals("1.0.0-bad") ? 400 : 200;
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.JSON)), Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);
        notifier.publish(event(Event.HELD, "1.0.0-bad"));
        notifier.publish(event(Event.HELD, "1.0.1"));
        await("the good event", () -> count("webhook_delivered") == 1);

        assertEquals(List.of("1.0.0-bad", "1.0.1"), receiver.answered().stream().map(r -> field(r, "version")).toList());
        assertEquals(1, count("webhook_failed"));
        assertEquals(0, count("webhook_retried"));
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        // Rule: 429 means later, not never.
        Receiver receiver = receiver(0);
        AtomicInteger limited = new AtomicInteger(2);
        receiver.answer = r -> limited.getAndDecrement() > 0 ? 429 : 200;
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.JSON)), Clock.systemUTC(), FAST, Duration.ofSeconds(10), 100);
        notifier.publish(event(Event.HELD, "1.0.0"));
        await("the delivery", () -> count("webhook_delivered") == 1);
        assertEquals(List.of(429, 429, 200), receiver.answered().stream().map(Received::status).toList());
        assertEquals(2, count("webhook_retried"));
    }

    @Test
    void anEventIsGivenUpAfterTheRetryWindow() throws Exception {
        // Rule: an event still failing a day after it was published is dropped as failed, and the queue moves on.
        MutableClock clock = new MutableClock(AT);
        Receiver receiver = receiver(0);
        receiver.answer = r -> field(r, "version").equals("1.0.0") ? 503 : 200;
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.JSON)), clock, FAST, Duration.ofSeconds(10), 100);
        notifier.publish(event(Event.HELD, "1.0.0"));
        await("retries", () -> count("webhook_retried") >= 2);
        assertEquals(0, count("webhook_failed"));

        clock.advance(Notifier.GIVE_UP_AFTER.plusMinutes(1));
        notifier.publish(event(Event.HELD, "1.0.1"));
        await("the next event", () -> count("webhook_delivered") == 1);
        assertEquals(1, count("webhook_failed"));
        assertEquals("1.0.1", field(receiver.answered().get(receiver.answered().size() - 1), "version"));
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() throws Exception {
        // Rule: behind a slow receiver at most `capacity` events wait; the oldest waiting ones are dropped and counted.
        Receiver receiver = receiver(0);
        CountDownLatch hold = new CountDownLatch(1);
        receiver.answer = r -> {
            await(hold);
            return 200;
        };
        resources.add(hold::countDown);
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.JSON)), Clock.systemUTC(), FAST, Duration.ofSeconds(20), 3);
        notifier.publish(event(Event.HELD, "1.0.0"));
        await("the first event in flight", () -> receiver.arrived.get() == 1);
        for (int i = 1; i <= 5; i++) {
            notifier.publish(event(Event.HELD, "1.0." + i));
        }
        assertEquals(2, notifier.dropped());
        assertEquals(2, count("webhook_dropped"));
        assertEquals(4, notifier.pending());

        hold.countDown();
        await("4 deliveries", () -> count("webhook_delivered") == 4);
        assertEquals(List.of("1.0.0", "1.0.3", "1.0.4", "1.0.5"), receiver.answered().stream().map(r -> field(r, "version")).toList());
    }

    @Test
    void publishReturnsAtOnceWhenTheReceiverHangs() throws Exception {
        // Rule: publish never waits on the network, however slow the receiver, and never throws.
        Receiver receiver = receiver(0);
        CountDownLatch hold = new CountDownLatch(1);
        receiver.answer = r -> {
            await(hold);
            return 200;
        };
        resources.add(hold::countDown);
        Notifier notifier = notifier(List.of(WebhookConfig.of(receiver.url(), Format.SLACK)), Clock.systemUTC(), FAST,
                Notifier.TIMEOUT, Notifier.QUEUE_CAPACITY);
        notifier.publish(event(Event.HELD, "1.0.0"));
        await("the first event in flight", () -> receiver.arrived.get() == 1);

        assertTimeout(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < 20_000; i++) {
                notifier.publish(event(Event.HELD, "2.0." + i));
            }
        });
        assertEquals(10_000, notifier.dropped());
        notifier.publish(null);
        notifier.close();
        notifier.publish(event(Event.HELD, "3.0.0"));
    }

    @Test
    void backoffDoublesUpToItsCapWithJitter() {
        // Rule: waits grow from base by doubling to the cap, each between half and all of that step.
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
        long[] steps = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (int retry = 1; retry <= steps.length; retry++) {
            long full = Duration.ofSeconds(steps[retry - 1]).toMillis();
            for (int sample = 0; sample < 50; sample++) {
                long wait = backoff.delay(retry).toMillis();
                assertTrue(wait >= full / 2 && wait <= full, "retry " + retry + ": " + wait);
            }
        }
        assertTrue(backoff.delay(10_000).compareTo(Duration.ofMinutes(5)) <= 0);
        assertTrue(Backoff.standard().delay(1).compareTo(Duration.ofSeconds(1)) <= 0);
    }

    // --- helpers

    private Notifier notifier(List<WebhookConfig> hooks, Clock clock, Backoff backoff, Duration timeout, int capacity) {
        Notifier notifier = new Notifier(hooks, clock, (name, ecosystem) -> counts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet(),
                backoff, timeout, Notifier.GIVE_UP_AFTER, capacity);
        resources.add(notifier);
        return notifier;
    }

    private int count(String name) {
        AtomicInteger n = counts.get(name);
        return n == null ? 0 : n.get();
    }

    private Receiver receiver(int port) throws IOException {
        Receiver receiver = new Receiver(port);
        resources.add(receiver);
        return receiver;
    }

    private static Event event(String type, String version) {
        boolean human = type.equals(Event.RELEASED) || type.equals(Event.REJECTED);
        return new Event(type, "npm", "pkg", version, "r-" + version, List.of("young"), human ? "alice" : Event.AIRLOCK,
                human ? "vetted by hand" : null, AT, null);
    }

    private static String field(Received r, String name) {
        try {
            return JSON.readTree(r.body()).get(name).asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Received(String method, String body, Headers headers, int status) {
    }

    /** A webhook receiver on loopback; {@link #answer} picks each request's status and may block. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final ExecutorService pool = Executors.newCachedThreadPool();
        final AtomicInteger arrived = new AtomicInteger();
        private final List<Received> answered = new CopyOnWriteArrayList<>();
        volatile ToIntFunction<Received> answer = r -> 200;

        Receiver(int port) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.setExecutor(pool);
            server.createContext("/hook", exchange -> {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                arrived.incrementAndGet();
                Received request = new Received(exchange.getRequestMethod(), body, exchange.getRequestHeaders(), 0);
                int status = answer.applyAsInt(request);
                answered.add(new Received(request.method(), body, request.headers(), status));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }

        List<Received> answered() {
            return List.copyOf(answered);
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
