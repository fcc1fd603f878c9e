// Following a Server-Sent Events stream with fetch, because EventSource cannot send the Authorization header.
// After a dropped connection it reconnects with Last-Event-ID, so no event is lost or repeated.
import {authHeaders, rejected} from './api.js';

const RETRY_MS = 1000;

/**
 * Follows path; onEvent({id, type, data}) for each event, onState({connected} | {error}) on changes. Stops after an
 * event whose type is in endTypes, on 4xx, or when stop() is called.
 */
export function follow(path, onEvent, onState, endTypes) {
  let lastId = null;
  let stopped = false;
  let controller = null;

  const dispatch = (event) => {
    if (event.id) lastId = event.id;
    onEvent(event);
    if (endTypes.includes(event.type)) stopped = true;
  };

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = {data: []};
    for (;;) {
      const {value, done} = await reader.read();
      if (done || stopped) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = buffer.slice(end + 1);
        if (line === '') {
          if (event.data.length) dispatch({id: event.id, type: event.type || 'message', data: event.data.join('\n')});
          if (stopped) return;
          event = {data: []};
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(text);
          else if (field === 'event') event.type = text;
          else if (field === 'id') event.id = text;
        }
      }
    }
  }

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = authHeaders({Accept: 'text/event-stream'});
        if (lastId) headers['Last-Event-ID'] = lastId;
        const response = await fetch(path, {headers, signal: controller.signal, cache: 'no-store', credentials: 'omit'});
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          onState({error: body, status: response.status});
          rejected(response.status);
          if (response.status < 500 && response.status !== 429) return;
        } else {
          onState({connected: true});
          await read(response.body);
        }
      } catch (e) {
        if (stopped) return;
        onState({error: {reason: String(e.message || e)}});
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  run();
  return {
    stop() {
      stopped = true;
      if (controller) controller.abort();
    },
    lastEventId: () => lastId,
  };
}
