package dev.airlock.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose request trickles in: the whole request must arrive within the
 * deadline from its first byte; {@link RequestHandler} calls {@link #requestComplete} when it has
 * it. Also closes idle connections when the idle handler fires.
 */
final class RequestDeadline extends ChannelDuplexHandler {

    private final long deadlineMillis;
    private ScheduledFuture<?> pending;
    /** A request is being answered: silence on the wire is the proxy working, not the client idling. */
    private boolean answering;

    RequestDeadline(long deadlineMillis) {
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (pending == null && msg instanceof ByteBuf) {
            pending = ctx.executor().schedule(() -> {
                ctx.close();
            }, deadlineMillis, TimeUnit.MILLISECONDS);
            answering = false;
        }
        super.channelRead(ctx, msg);
    }

    /** The request is complete: the clock stops until the next request's first byte. */
    static void requestComplete(ChannelHandlerContext anyCtx) {
        RequestDeadline d = anyCtx.pipeline().get(RequestDeadline.class);
        if (d != null && d.pending != null) {
            d.pending.cancel(false);
            d.pending = null;
        }
        if (d != null) {
            d.answering = true;
        }
    }

    /** The response has been written. */
    static void responseDone(ChannelHandlerContext anyCtx) {
        RequestDeadline d = anyCtx.pipeline().get(RequestDeadline.class);
        if (d != null) {
            d.answering = false;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!answering) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pending != null) {
            pending.cancel(false);
        }
        super.channelInactive(ctx);
    }
}
