package io.agentfleet.orchestrator.workflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DeadlineMemberTest {
    private static final String WIRE = "01RUN.code.r2.review";

    @Test
    void everyKindOfMemberReadsBackAsWritten() {
        assertEquals(new DeadlineMember(DeadlineMember.Kind.RUN, "01RUN", null), DeadlineMember.parse("run|01RUN"));
        assertEquals(
                new DeadlineMember(DeadlineMember.Kind.TASK, "01RUN", WIRE),
                DeadlineMember.parse(DeadlineMember.forTask("01RUN", WIRE)));
        assertEquals(
                new DeadlineMember(DeadlineMember.Kind.RECONCILE, "01RUN", WIRE),
                DeadlineMember.parse(DeadlineMember.forReconcile("01RUN", WIRE)));
        for (String member : new String[] {
            "run|01RUN", DeadlineMember.forTask("01RUN", WIRE), DeadlineMember.forReconcile("01RUN", WIRE)
        }) {
            assertEquals(member, DeadlineMember.parse(member).member());
        }
    }

    @Test
    void unknownMembersAreIgnored() {
        assertNull(DeadlineMember.parse("check|01RUN"));
        assertNull(DeadlineMember.parse("later|01RUN|" + WIRE));
        assertNull(DeadlineMember.parse(""));
    }
}
