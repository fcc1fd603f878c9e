package io.agentfleet.worker.consume;

import io.agentfleet.messages.StreamKeys;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code XREADGROUP} reply decoded straight into deliveries by level: per entry only its id and the bytes of its
 * {@code msg} field are kept, where Lettuce's own output builds a map of every field and a message object per entry.
 * It follows the reply the way Lettuce's {@code StreamReadOutput} (6.8) does, so RESP2 arrays and RESP3 maps read
 * alike: an entry ends when its level-3 aggregate completes after its body (or a nil body) was seen. An entry without
 * a {@code msg} field, or with a nil body, is a delivery without body, as before.
 */
final class DeliveriesOutput extends CommandOutput<String, byte[], List<List<Delivery>>> {
    private static final ByteBuffer MESSAGE_FIELD =
            ByteBuffer.wrap(StreamKeys.MESSAGE_FIELD.getBytes(StandardCharsets.UTF_8));

    private final String[] streams;
    private List<Delivery> level;
    private String stream;
    private boolean skipStreamKeyReset;
    private String id;
    /** A field name was read and its value is next; {@link #isMessage} says whether that name is {@code msg}. */
    private boolean valueNext;

    private boolean isMessage;
    private byte[] body;
    private boolean bodyReceived;

    /** @param streams the task streams indexed by level; an entry of any other stream fails the read */
    DeliveriesOutput(RedisCodec<String, byte[]> codec, String[] streams) {
        super(codec, emptyLevels(streams.length));
        this.streams = streams;
    }

    @Override
    public void set(ByteBuffer bytes) {
        if (stream == null) {
            if (bytes != null) {
                stream = codec.decodeKey(bytes);
                int index = levelOf(stream);
                if (index < 0) {
                    setError("entry from unexpected stream " + stream);
                    level = new ArrayList<>();
                } else {
                    level = output.get(index);
                }
                skipStreamKeyReset = true;
            }
            return;
        }
        if (id == null) {
            id = utf8(bytes);
            return;
        }
        if (!valueNext) {
            bodyReceived = true;
            if (bytes != null) {
                isMessage = MESSAGE_FIELD.equals(bytes);
                valueNext = true;
            }
            return;
        }
        if (isMessage) {
            // A repeated field keeps its last value, as Lettuce's map of the body does.
            body = bytes == null ? null : codec.decodeValue(bytes);
        }
        valueNext = false;
    }

    @Override
    public void multi(int count) {
        if (id != null && !valueNext && count == -1) {
            // A nil body: the entry was deleted after it was delivered.
            bodyReceived = true;
        }
    }

    @Override
    public void complete(int depth) {
        if (depth == 3 && bodyReceived) {
            level.add(Delivery.fresh(id, body));
            bodyReceived = false;
            valueNext = false;
            isMessage = false;
            body = null;
            id = null;
        }
        if (depth == 2 && skipStreamKeyReset) {
            skipStreamKeyReset = false;
        }
        if (depth == 1) {
            if (skipStreamKeyReset) {
                skipStreamKeyReset = false;
            } else {
                stream = null;
            }
        }
    }

    /** As {@code decodeString}, without a charset decoder per entry id. */
    private static String utf8(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    private int levelOf(String name) {
        for (int i = 0; i < streams.length; i++) {
            if (streams[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    static List<List<Delivery>> emptyLevels(int levels) {
        List<List<Delivery>> byLevel = new ArrayList<>(levels);
        for (int i = 0; i < levels; i++) {
            byLevel.add(new ArrayList<>());
        }
        return byLevel;
    }
}
