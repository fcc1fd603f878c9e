package io.agentfleet.lettuce;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A script call's arguments (script or SHA, key count, keys, arguments) framed as RESP bulk strings into one array by
 * the thread that builds them, so the connection's I/O thread writes a batch of outcomes with one copy instead of a
 * buffer write per argument. A cluster connection routes the command by {@link #getFirstEncodedKey()}.
 */
final class FramedArgs extends CommandArgs<byte[], byte[]> {
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] framed;
    private final int count;
    private final byte[] firstKey;

    FramedArgs(String scriptOrSha, List<byte[]> keys, List<byte[]> args) {
        super(ByteArrayCodec.INSTANCE);
        byte[] head = scriptOrSha.getBytes(StandardCharsets.UTF_8);
        byte[] keyCount = Integer.toString(keys.size()).getBytes(StandardCharsets.US_ASCII);
        int size = framedSize(head) + framedSize(keyCount);
        for (byte[] key : keys) {
            size += framedSize(key);
        }
        for (byte[] arg : args) {
            size += framedSize(arg);
        }
        byte[] out = new byte[size];
        int at = put(out, 0, head);
        at = put(out, at, keyCount);
        for (byte[] key : keys) {
            at = put(out, at, key);
        }
        for (byte[] arg : args) {
            at = put(out, at, arg);
        }
        this.framed = out;
        this.count = 2 + keys.size() + args.size();
        this.firstKey = keys.isEmpty() ? null : keys.getFirst();
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public void encode(ByteBuf buffer) {
        buffer.writeBytes(framed);
    }

    @Override
    public ByteBuffer getFirstEncodedKey() {
        return firstKey == null ? null : ByteBuffer.wrap(firstKey);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + count + " arguments, " + framed.length + " bytes]";
    }

    @Override
    public String toCommandString() {
        return toString();
    }

    /** {@code $<length>\r\n<bytes>\r\n}. */
    private static int framedSize(byte[] value) {
        return 1 + digits(value.length) + 2 + value.length + 2;
    }

    private static int put(byte[] out, int at, byte[] value) {
        out[at++] = '$';
        at = putDigits(out, at, value.length);
        out[at++] = CRLF[0];
        out[at++] = CRLF[1];
        System.arraycopy(value, 0, out, at, value.length);
        at += value.length;
        out[at++] = CRLF[0];
        out[at++] = CRLF[1];
        return at;
    }

    private static int digits(int n) {
        int digits = 1;
        while (n >= 10) {
            n /= 10;
            digits++;
        }
        return digits;
    }

    private static int putDigits(byte[] out, int at, int n) {
        int end = at + digits(n);
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return end;
    }
}
