package dev.airlock.core.notify;

import dev.airlock.config.NotificationsConfig;
import dev.airlock.config.WebhookConfig;
import dev.airlock.core.metrics.AirlockMetrics;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends {@link Event}s to the configured webhooks without ever slowing the caller down.
 *
 * <p>Promises: {@link #publish} never blocks on the network and never throws. Each webhook gets
 * its events in the order they were published, one request at a time, at least once: a request
 * that fails without an answer (no connection, a timeout), or is answered 5xx or 429, is tried
 * again after a {@link Backoff} for up to {@code giveUpAfter} (24 hours by default) from when it
 * was published; any other answer but 2xx is logged and not retried, since sending the same body
 * again would get the same answer. Each request carries {@code X-Airlock-Delivery}, the same on
 * every try, so that a receiver can drop the copy a timed-out try may have delivered.
 *
 * <p>Concurrency: each webhook has a bounded queue guarded by its own lock; when it is full the
 * oldest waiting event is dropped and counted. A webhook is either idle or has one delivery under
 * way, which owns the event being sent: {@code publish} starts an idle webhook by handing it to
 * the scheduler thread, the HTTP client's completion hands the outcome back to the scheduler, and
 * the scheduler either takes the next event or schedules the retry. So deliveries for one webhook
 * never overlap, and a webhook that hangs holds up only itself.
 *
 * <p>Metrics go through the counter given (for example {@link AirlockMetrics#event}) as
 * {@code webhook_delivered}, {@code webhook_retried} (a try that will be repeated),
 * {@code webhook_failed} (given up: not retryable or too old) and {@code webhook_dropped} (queue
 * full), each with the event's ecosystem.
 *
 * <p>One class (about 400 lines) because the per-webhook queue, the delivery state machine and
 * the retry scheduling share one lock discipline and one scheduler thread; split, the promise
 * "one request at a time per webhook, in order" would rest on two classes agreeing.
 */
public final class Notifier implements AutoCloseable {

    /** Events that may wait per webhook before the oldest is dropped. */
    public static final int QUEUE_CAPACITY = 10_000;
    /** Longest wait for a connection, and for a whole request. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long an event is retried after it was published. */
    public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

    private static final System.Logger LOG = System.getLogger("airlock.notify");

    private final Clock clock;
    private final BiConsumer<String, String> counter;
    private final Backoff backoff;
    private final Duration timeout;
    private final Duration giveUpAfter;
    private final int capacity;
    private final List<Hook> hooks;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient client;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /** The production notifier: {@link Backoff#standard()}, {@link #TIMEOUT}, {@link #GIVE_UP_AFTER}, {@link #QUEUE_CAPACITY}. */
    public Notifier(NotificationsConfig config, Clock clock, AirlockMetrics metrics) {
        this(config.webhooks(), clock, metrics::event, Backoff.standard(), TIMEOUT, GIVE_UP_AFTER, QUEUE_CAPACITY);
    }

    /**
     * @param counter     told {@code (metric name, ecosystem)} of each outcome, on Airlock's own threads
     * @param timeout     longest wait for a connection, and for a whole request
     * @param giveUpAfter how long after it was published an event is still tried
     * @param capacity    events that may wait per webhook; more drop the oldest
     */
    public Notifier(List<WebhookConfig> webhooks, Clock clock, BiConsumer<String, String> counter, Backoff backoff,
                    Duration timeout, Duration giveUpAfter, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be more than 0: got '" + timeout + "'");
        }
        this.timeout = timeout;
        this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be at least 1: got '" + capacity + "'");
        }
        this.capacity = capacity;
        this.hooks = webhooks.stream().map(Hook::new).toList();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("airlock-webhooks"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.httpExecutor = Executors.newFixedThreadPool(2, daemon("airlock-webhooks-http"));
        // The client starts a selector thread at once; with no webhook it is never used.
        this.client = hooks.isEmpty() ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor)
                .build();
    }

    /**
     * Queues {@code event} for every webhook that wants its type and returns at once. Never
     * throws: a notifier that cannot take the event (closed, or a bug) logs it and carries on.
     */
    public void publish(Event event) {
        publish(event, UUID.randomUUID().toString(), clock.instant(), () -> { });
    }

    /**
     * Queues {@code event} as {@link #publish(Event)} does, sent with {@code deliveryId} as its
     * {@code X-Airlock-Delivery}, and runs {@code settled} once every webhook that wants it has
     * delivered it or given up (at once when none wants it). Never run when the notifier closes
     * first: the outbox then keeps the event for the next process. {@code published} is when the
     * event happened: it is tried for {@code giveUpAfter} from then, across restarts.
     */
    public void publish(Event event, String deliveryId, Instant published, Runnable settled) {
        if (closed || event == null) {
            return;
        }
        List<Hook> wanting = hooks.stream().filter(h -> h.config.wants(event.type())).toList();
        AtomicInteger remaining = new AtomicInteger(wanting.size());
        Runnable one = () -> {
            if (remaining.decrementAndGet() == 0) {
                settle(settled);
            }
        };
        if (wanting.isEmpty()) {
            settle(settled);
            return;
        }
        for (Hook hook : wanting) {
            try {
                hook.offer(event, deliveryId, published, one);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot queue a webhook event for " + hook.shown, e);
                one.run();
            }
        }
    }

    private static void settle(Runnable settled) {
        try {
            settled.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record a settled webhook event: " + e.getMessage());
        }
    }

    /** Events dropped so far because a webhook's queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Events queued or being delivered, over all webhooks. */
    public int pending() {
        int pending = 0;
        for (Hook hook : hooks) {
            pending += hook.pending();
        }
        return pending;
    }

    /** Stops delivering; what is not delivered yet stays in the outbox, which the next process delivers (their number is logged). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int lost = pending();
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        if (lost > 0) {
            LOG.log(System.Logger.Level.WARNING, lost + " webhook event(s) were not delivered before shutdown");
        }
    }

    /** One event on its way to one webhook. */
    private static final class Delivery {
        final Event event;
        final Instant published;
        final String id;
        final Runnable settled;
        byte[] body;
        int failures;

        Delivery(Event event, Instant published, String id, Runnable settled) {
            this.event = event;
            this.published = published;
            this.id = id;
            this.settled = settled;
        }
    }

    private final class Hook {
        final WebhookConfig config;
        final String shown;
        private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        // Guarded by this: whether a delivery is under way (sending, or waiting to retry).
        private boolean busy;
        // Guarded by this: events this webhook dropped, for logging the first and every thousandth.
        private long hookDrops;

        Hook(WebhookConfig config) {
            this.config = config;
            this.shown = WebhookConfig.shown(config.url());
        }

        void offer(Event event, String deliveryId, Instant published, Runnable settled) {
            Delivery dropping = null;
            long drops = 0;
            boolean start;
            synchronized (this) {
                if (queue.size() >= capacity) {
                    dropping = queue.pollFirst();
                    drops = ++hookDrops;
                }
                queue.addLast(new Delivery(event, published, deliveryId, settled));
                start = !busy;
                busy = true;
            }
            if (dropping != null) {
                dropping.settled.run();
                dropped.incrementAndGet();
                count("webhook_dropped", dropping.event.ecosystem());
                if (drops == 1 || drops % 1000 == 0) {
                    LOG.log(System.Logger.Level.WARNING, "webhook " + shown + " is " + capacity
                            + " events behind: dropping the oldest waiting ones (" + drops + " so far)");
                }
            }
            if (start) {
                run(this::next);
            }
        }

        synchronized int pending() {
            return queue.size() + (busy ? 1 : 0);
        }

        /** Takes the next event, or goes idle. Runs on the scheduler. */
        void next() {
            Delivery delivery;
            synchronized (this) {
                delivery = queue.pollFirst();
                if (delivery == null) {
                    busy = false;
                    return;
                }
            }
            attempt(delivery);
        }

        void attempt(Delivery delivery) {
            if (closed) {
                return;
            }
            HttpRequest request;
            try {
                request = request(delivery);
            } catch (RuntimeException | GeneralSecurityException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot build the webhook request for " + shown, e);
                giveUp(delivery);
                return;
            }
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((response, failure) -> run(() -> settle(delivery, response, failure)));
        }

        private HttpRequest request(Delivery delivery) throws GeneralSecurityException {
            if (delivery.body == null) {
                delivery.body = Payloads.render(config.format(), delivery.event);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Airlock")
                    .header("X-Airlock-Event", delivery.event.type())
                    .header("X-Airlock-Delivery", delivery.id)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body));
            if (config.secret() != null) {
                request.header("X-Airlock-Signature", "sha256=" + hmac(config.secret(), delivery.body));
            }
            return request.build();
        }

        /** What to do after a try. Runs on the scheduler. */
        void settle(Delivery delivery, HttpResponse<Void> response, Throwable failure) {
            String ecosystem = delivery.event.ecosystem();
            int status = response == null ? 0 : response.statusCode();
            if (failure == null && status >= 200 && status < 300) {
                if (delivery.failures > 0) {
                    LOG.log(System.Logger.Level.INFO, "webhook " + shown + " delivered after " + (delivery.failures + 1) + " tries");
                }
                count("webhook_delivered", ecosystem);
                delivery.settled.run();
                next();
                return;
            }
            String what = failure != null ? describe(failure) : "answered " + status;
            if (failure == null && status != 429 && status < 500) {
                LOG.log(System.Logger.Level.WARNING, "webhook " + shown + " " + what + " to the " + delivery.event.type()
                        + " event of release " + delivery.event.releaseId() + ": not retried");
                giveUp(delivery);
                return;
            }
            delivery.failures++;
            if (Duration.between(delivery.published, clock.instant()).compareTo(giveUpAfter) >= 0) {
                LOG.log(System.Logger.Level.WARNING, "webhook " + shown + " " + what + "; giving up on an event published at "
                        + delivery.published + " after " + delivery.failures + " tries");
                giveUp(delivery);
                return;
            }
            Duration wait = backoff.delay(delivery.failures);
            OptionalLong retryAfter = response == null ? OptionalLong.empty() : response.headers().firstValueAsLong("Retry-After");
            if (status == 429 && retryAfter.isPresent() && retryAfter.getAsLong() > 0) {
                // The receiver's own limit, within reason: a long Retry-After must not park the queue for days.
                wait = max(wait, Duration.ofSeconds(Math.min(retryAfter.getAsLong(), 300)));
            }
            System.Logger.Level level = delivery.failures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
            LOG.log(level, "webhook " + shown + " " + what + "; retrying in " + wait.toMillis() + " ms (try " + delivery.failures + ")");
            count("webhook_retried", ecosystem);
            try {
                scheduler.schedule(() -> attempt(delivery), wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile.
            }
        }

        private void giveUp(Delivery delivery) {
            count("webhook_failed", delivery.event.ecosystem());
            delivery.settled.run();
            next();
        }
    }

    /** Counts an outcome; a failing metrics callback must not stop the deliveries. */
    private void count(String name, String ecosystem) {
        try {
            counter.accept(name, ecosystem);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot count " + name + ": " + e);
        }
    }

    /** Runs {@code task} on the scheduler; a closed notifier drops it. */
    private void run(Runnable task) {
        try {
            scheduler.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "webhook delivery failed unexpectedly", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed: undelivered events were counted by close().
        }
    }

    static String hmac(String secret, byte[] body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return "did not answer in time";
        }
        if (cause instanceof ConnectException) {
            return "refused the connection";
        }
        return "failed: " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
