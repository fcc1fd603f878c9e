package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.orchestrator.admin.AgentStatus;
import io.agentfleet.orchestrator.admin.ConsumerStatus;
import io.agentfleet.orchestrator.admin.DeadLetterPage;
import io.agentfleet.orchestrator.admin.DeadLetterView;
import io.agentfleet.orchestrator.admin.PartitionStatus;
import io.agentfleet.orchestrator.admin.PurgeResult;
import io.agentfleet.orchestrator.admin.RedriveResult;
import io.agentfleet.orchestrator.admin.StreamCounts;
import io.agentfleet.orchestrator.admin.Usage;
import java.util.List;
import java.util.Map;

/** The admin API's JSON bodies, rendered from the admin package's records. */
final class AdminJson {
    private final MessageCodec codec;

    AdminJson(MessageCodec codec) {
        this.codec = codec;
    }

    ObjectNode agents(List<AgentStatus> agents) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("agents");
        agents.forEach(a -> list.add(agent(a)));
        return out;
    }

    ObjectNode agent(AgentStatus a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("agent", a.agent());
        n.put("stream", a.stream());
        if (a.partitionCount() == 1) {
            counts(n, a.counts());
            consumers(n, a.consumers());
            n.put("partitionCount", 1);
            return n;
        }
        n.put("partitionCount", a.partitionCount());
        counts(n, a.counts());
        consumers(n, a.consumers());
        ArrayNode parts = n.putArray("partitions");
        for (PartitionStatus p : a.partitions()) {
            ObjectNode part = parts.addObject();
            part.put("partition", p.partition());
            part.put("stream", p.stream());
            counts(part, p.counts());
            consumers(part, p.consumers());
        }
        return n;
    }

    private static void counts(ObjectNode n, StreamCounts c) {
        n.put("length", c.length());
        n.put("delayed", c.delayed());
        n.put("scheduled", c.scheduled());
        n.put("deadLetters", c.deadLetters());
        n.put("results", c.results());
        n.put("lag", c.lag());
        n.put("pending", c.pending());
        n.put("oldestPendingMs", c.oldestPendingMs());
    }

    private static void consumers(ObjectNode n, List<ConsumerStatus> consumers) {
        ArrayNode list = n.putArray("consumers");
        for (ConsumerStatus c : consumers) {
            ObjectNode cn = list.addObject();
            cn.put("name", c.name());
            cn.put("pending", c.pending());
            cn.put("idleMs", c.idleMs());
            if (c.inactiveMs() != null) {
                cn.put("inactiveMs", c.inactiveMs());
            }
        }
    }

    ObjectNode deadLetters(DeadLetterPage page) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("agent", page.agent());
        if (page.total() != null) {
            out.put("total", page.total());
        }
        ArrayNode list = out.putArray("deadLetters");
        page.deadLetters().forEach(v -> list.add(deadLetter(v)));
        if (page.next() != null) {
            out.put("next", page.next());
        }
        return out;
    }

    ObjectNode deadLetter(DeadLetterView view) {
        DeadLetter dl = view.letter();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("entryId", dl.entryId());
        n.put("partition", view.partition());
        n.put("taskId", dl.taskId());
        n.put("tenant", dl.tenant());
        n.put("reason", dl.reason().name());
        n.put("attempts", dl.attempts());
        n.put("error", dl.error());
        n.put("worker", dl.worker());
        n.put("at", dl.at());
        try {
            n.set("message", codec.parseObject(dl.original()));
        } catch (InvalidMessageException e) {
            n.put("message", dl.original());
        }
        return n;
    }

    static ObjectNode redrive(RedriveResult result) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode redriven = out.putArray("redriven");
        for (RedriveResult.Redriven r : result.redriven()) {
            ObjectNode n = redriven.addObject();
            n.put("entryId", r.entryId());
            n.put("taskId", r.taskId());
            n.put("partition", r.partition());
            n.put("newEntryId", r.newEntryId());
        }
        ArrayNode skipped = out.putArray("skipped");
        for (RedriveResult.Skipped s : result.skipped()) {
            ObjectNode n = skipped.addObject();
            n.put("entryId", s.entryId());
            n.put("reason", s.reason());
        }
        if (result.next() != null) {
            out.put("next", result.next());
        }
        out.put("count", result.redriven().size());
        return out;
    }

    static ObjectNode purge(PurgeResult result) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (result.next() != null) {
            out.put("next", result.next());
        }
        out.put("agent", result.agent());
        out.put("purged", result.purged());
        return out;
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (usage.tenant() != null) {
            out.put("tenant", usage.tenant());
        }
        if (usage.total() != null) {
            figures(out.putObject("total"), usage.total());
        }
        if (usage.byTenant() != null) {
            owners(out.putObject("byTenant"), usage.byTenant());
        }
        owners(out.putObject("byKey"), usage.byKey());
        owners(out.putObject("byAgent"), usage.byAgent());
        ObjectNode daily = out.putObject("daily");
        usage.daily().forEach((key, spend) -> {
            ObjectNode n = daily.putObject(key);
            n.put("day", spend.day().toString());
            n.put("tokens", spend.tokens());
            n.put("cost", spend.cost());
            if (spend.maxTokens() != null) {
                n.put("maxTokens", spend.maxTokens());
            }
            if (spend.maxCost() != null) {
                n.put("maxCost", spend.maxCost());
            }
            n.put("resetAt", spend.resetAt().toString());
        });
        return out;
    }

    private static void owners(ObjectNode n, Map<String, Usage.Figures> owners) {
        owners.forEach((name, figures) -> figures(n.putObject(name), figures));
    }

    private static void figures(ObjectNode n, Usage.Figures figures) {
        figures.metrics().forEach((metric, value) -> {
            if (value instanceof Double d) {
                n.put(metric, d);
            } else {
                n.put(metric, value.longValue());
            }
        });
        n.put("tokens", figures.tokens());
    }
}
