package dev.airlock.core.server;

import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line per request, off the request path.
 *
 * <p>Each event loop appends its lines to a buffer only it touches (no lock, no hand-off per
 * request) and hands the buffer to a writer thread when it holds {@value #BATCH_CHARS}
 * characters or every {@value #FLUSH_MILLIS} ms, as nginx's buffered access log does. When the
 * writer falls behind by more than the queue holds, batches are dropped and their lines counted
 * rather than slowing the proxy down.
 */
final class AccessLog implements AutoCloseable {

    private static final int BATCH_CHARS = 32 * 1024;
    private static final long FLUSH_MILLIS = 200;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(1024);
    private final Map<EventExecutor, Batch> batches = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream sink;
    private final Thread writer;
    private volatile boolean running = true;
    private final boolean json;

    /** Lines of one event loop; touched only on that loop (and at close, after the loops stopped). */
    private final class Batch {
        final StringBuilder text = new StringBuilder(BATCH_CHARS + 512);
        int lines;

        void handOff() {
            if (lines == 0) {
                return;
            }
            if (!queue.offer(text.toString())) {
                dropped.addAndGet(lines);
            }
            text.setLength(0);
            lines = 0;
        }
    }

    /** @param sink where lines go; {@code null} turns the access log off */
    AccessLog(OutputStream sink) {
        this(sink, false);
    }

    /** @param json one JSON object per line ({@code server.logFormat: json}) instead of text */
    AccessLog(OutputStream sink, boolean json) {
        this.sink = sink;
        this.json = json;
        if (sink == null) {
            writer = null;
            return;
        }
        writer = new Thread(this::drain, "airlock-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    boolean enabled() {
        return writer != null;
    }

    boolean json() {
        return json;
    }

    /** Lines lost because the writer could not keep up. */
    long dropped() {
        return dropped.get();
    }

    /** Appends a line; must be called on {@code loop}. */
    void log(EventExecutor loop, CharSequence line) {
        Batch b = batches.get(loop);
        if (b == null) {
            b = new Batch();
            batches.put(loop, b);
            Batch mine = b;
            loop.scheduleAtFixedRate(mine::handOff, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        }
        b.text.append(line).append('\n');
        b.lines++;
        if (b.text.length() >= BATCH_CHARS) {
            b.handOff();
        }
    }

    private void drain() {
        try {
            while (running || !queue.isEmpty()) {
                String batch = queue.poll(100, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    sink.write(batch.getBytes(StandardCharsets.UTF_8));
                    sink.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // standard output is gone: nothing useful left to do with access lines
        }
    }

    /** Flushes what the loops buffered and stops the writer; call after the event loops stopped. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        batches.forEach((loop, b) -> {
            if (loop.inEventLoop() || loop.isTerminated()) {
                b.handOff();
            } else {
                loop.submit(b::handOff).awaitUninterruptibly(1000);
            }
        });
        running = false;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
