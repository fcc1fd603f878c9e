/**
 * The operator console: static pages under {@code /ui/} (resources in {@code console/} of the jar) that call the
 * {@code /v1} API with the key the operator types in, served with a strict Content-Security-Policy.
 */
package io.agentfleet.orchestrator.ui;
