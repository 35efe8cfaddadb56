package dev.airlock.core.server;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line per request, written by a background thread so that an event loop never waits on
 * the console. When the writer falls behind by more than the queue holds, lines are dropped and
 * counted rather than slowing down the proxy.
 */
final class AccessLog implements AutoCloseable {

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    /** @param sink where lines go; {@code null} turns the access log off */
    AccessLog(OutputStream sink) {
        if (sink == null) {
            writer = null;
            return;
        }
        writer = new Thread(() -> drain(sink), "airlock-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    boolean enabled() {
        return writer != null;
    }

    void log(String line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }

    private void drain(OutputStream sink) {
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 64 * 1024);
        List<String> batch = new ArrayList<>(1024);
        try {
            while (running || !queue.isEmpty()) {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
                for (String l : batch) {
                    out.write(l);
                    out.write('\n');
                }
                out.flush();
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            // stdout closed: nothing useful left to do with access lines
        }
    }

    @Override
    public void close() {
        running = false;
        if (writer == null) {
            return;
        }
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
