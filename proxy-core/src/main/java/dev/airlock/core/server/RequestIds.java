package dev.airlock.core.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A request id per request, sent back in {@code X-Request-Id} and written in the access log, so
 * a client's report, a proxy's log and Airlock's log line can be matched. A client or a proxy in
 * front may bring its own (letters, digits, {@code . _ : -}, at most 64); otherwise this process
 * makes one: a random prefix of its own and a counter.
 *
 * <p>A connection answers its requests one at a time, in order, so the id of the request being
 * answered is kept on the channel and this handler adds it to every response head written.
 */
@ChannelHandler.Sharable
final class RequestIds extends ChannelOutboundHandlerAdapter {

    static final String HEADER = "X-Request-Id";
    static final AttributeKey<String> CURRENT = AttributeKey.valueOf("airlock.requestId");
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    RequestIds() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        prefix = HexFormat.of().formatHex(b) + "-";
    }

    /** The id of a request: the one it brought when acceptable, else a new one. */
    String idFor(String brought) {
        if (brought != null && ACCEPTED.matcher(brought).matches()) {
            return brought;
        }
        return prefix + Long.toHexString(next.incrementAndGet());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res) {
            String id = ctx.channel().attr(CURRENT).get();
            if (id != null && !res.headers().contains(HEADER)) {
                res.headers().set(HEADER, id);
            }
        }
        super.write(ctx, msg, promise);
    }
}
