/**
 * The {@code llm} handler: OpenAI-compatible Chat Completions and Anthropic Messages over {@code java.net.http}.
 *
 * <p>Served for the agent type {@code llm} and for any agent type with {@code fleet.agents.<type>.handler=llm}
 * ({@link io.agentfleet.worker.llm.LlmHandlerProvider}). Settings are {@code fleet.llm.<type>.<key>} (environment:
 * {@code FLEET_LLM_<TYPE>_<KEY>}), falling back to {@code fleet.llm.llm.<key>}, then to {@code FLEET_LLM_PROVIDER},
 * {@code FLEET_LLM_BASE_URL}, {@code FLEET_LLM_MODEL}, then to built-in defaults; keys are {@code provider},
 * {@code base-url}, {@code model}, {@code max-tokens}, {@code temperature}, {@code system-prompt},
 * {@code api-key-env}, {@code api-key-file}, {@code api-key-header}, {@code context-limit-tokens},
 * {@code summarizer}, {@code output}, {@code output-schema}, {@code structured-output}, {@code output-repairs},
 * {@code max-tokens-parameter}, {@code price-in-per-1m}, {@code price-out-per-1m}, {@code requests-per-minute}, {@code tokens-per-minute}, {@code rate-limit-burst},
 * {@code connect-timeout}, {@code read-timeout}, {@code circuit-failure-threshold}, {@code circuit-open-duration}.
 *
 * <p>Failure types: {@code RATE_LIMITED} (429 or the shared bucket, retryable after), {@code PROVIDER_ERROR} (5xx,
 * retryable), {@code PROVIDER_TIMEOUT}, {@code PROVIDER_UNAVAILABLE}, {@code MALFORMED_RESPONSE} (retryable),
 * {@code CIRCUIT_OPEN} (retryable after the open time), {@code PROVIDER_REJECTED} (other 4xx, permanent),
 * {@code INVALID_OUTPUT} (JSON invalid against the schema, after the repairs in prompt mode; permanent),
 * {@code MODEL_REFUSED} (the model declined, permanent), {@code INVALID_INPUT} (malformed {@code tools} or {@code conversation} in the task, permanent),
 * {@code RATE_LIMITER_UNAVAILABLE}. The price table is {@code fleet.llm-prices} ({@code FLEET_LLM_PRICES}). See
 * {@code docs/agents.md}.
 */
package io.agentfleet.worker.llm;
