package dev.airlock.core.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes connections that waste a slot, with one timer per connection rather than per request:
 * <ul>
 *   <li>a request that trickles in for longer than the timeout after its first byte (slowloris);</li>
 *   <li>an idle keep-alive connection;</li>
 *   <li>a client that stopped reading a response: nothing left the outbound buffer for the timeout.</li>
 * </ul>
 * While Airlock itself is working on an answer (fetching upstream) the connection is left alone.
 * The request handler reports {@link #requestReceived()} and {@link #responseQueued()}; all
 * state is touched only on the channel's event loop.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> check;
    private long lastActivity;
    /** When the first byte of the request being received arrived; 0 between requests. */
    private long requestStarted;
    private boolean answering;
    private long lastPending = -1;
    private long lastProgress = -1;

    ConnectionGuard(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> inspect(ctx), period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        lastActivity = now;
        if (requestStarted == 0 && !answering) {
            requestStarted = now;
        }
        ctx.fireChannelRead(msg);
    }

    /** The whole request has arrived: Airlock is answering now. */
    void requestReceived() {
        requestStarted = 0;
        answering = true;
    }

    /** The answer has been handed to the channel; from here the client's reading is what counts. */
    void responseQueued() {
        answering = false;
        lastActivity = System.nanoTime();
    }

    private void inspect(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long pending = out == null ? 0 : out.totalPendingWriteBytes();
        long progress = out == null ? 0 : out.currentProgress();
        if (pending > 0 && (pending != lastPending || progress != lastProgress)) {
            lastActivity = now;
        }
        lastPending = pending;
        lastProgress = progress;
        if (answering && pending == 0) {
            return;
        }
        boolean slowRequest = requestStarted != 0 && now - requestStarted > timeoutNanos;
        if (slowRequest || now - lastActivity > timeoutNanos) {
            ctx.close();
        }
    }
}
