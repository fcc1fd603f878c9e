package io.agentfleet.testsupport;

/** What a Redis data node currently is in a cluster or a Sentinel set-up. */
public enum RedisRole {
    PRIMARY,
    REPLICA
}
