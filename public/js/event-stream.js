// A server-sent event stream read with fetch, for launched users: EventSource cannot send
// headers, and the ltik must travel in the Authorization header, never in the address.
// It behaves as EventSource does, so lobby.js and live-connection.js treat both alike:
// - readyState CONNECTING/OPEN/CLOSED, `open`, `error` and named events, `close()`;
// - a refusal (any status but 200, or not text/event-stream) closes it for good (CLOSED, then
//   `error`): the callers' own back-off and polling take over, as they do for EventSource;
// - a dropped network or an ended stream (the server's lifetime) reconnects by itself
//   (CONNECTING, then `error`) after the server's `retry:`, doubling on each failure in a row up
//   to 30 s, with `Last-Event-ID` when the server named events;
// - leaving the page aborts the request; coming back to it (back/forward cache) reconnects.
(function () {
  'use strict';
  var Guestlink = (window.Guestlink = window.Guestlink || {});
  var CONNECTING = 0;
  var OPEN = 1;
  var CLOSED = 2;
  var MAX_RETRY_MS = 30000;
  var LINE_END = /\r\n|\r|\n/g;

  Guestlink.eventStream = function (url, headers) {
    var listeners = {};
    var controller = null;
    var timer = null;
    // The spec leaves the first delay to the browser; the server sends its own with `retry:`.
    var retryMs = 3000;
    var failures = 0;
    var lastEventId = '';
    var leftPage = false;
    var stream = {
      CONNECTING: CONNECTING,
      OPEN: OPEN,
      CLOSED: CLOSED,
      url: url,
      readyState: CONNECTING,
      onopen: null,
      onerror: null,
      onmessage: null,
      addEventListener: function (type, listener) {
        (listeners[type] = listeners[type] || []).push(listener);
      },
      removeEventListener: function (type, listener) {
        listeners[type] = (listeners[type] || []).filter(function (each) {
          return each !== listener;
        });
      },
      close: function () {
        stream.readyState = CLOSED;
        stop();
        window.removeEventListener('pagehide', onPageHide);
        window.removeEventListener('pageshow', onPageShow);
      },
    };

    function dispatch(type, event) {
      (listeners[type] || []).slice().forEach(function (listener) {
        listener.call(stream, event);
      });
      var handler = stream['on' + type];
      if (typeof handler === 'function') handler.call(stream, event);
    }

    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (controller) controller.abort();
      controller = null;
    }

    /** A refusal: closed for good, as EventSource fails a connection. */
    function fail() {
      if (stream.readyState === CLOSED) return;
      stream.close();
      dispatch('error', new Event('error'));
    }

    /** A dropped or ended stream: reconnects by itself, later after each failure in a row. */
    function reconnect() {
      if (stream.readyState === CLOSED || leftPage) return;
      stop();
      stream.readyState = CONNECTING;
      dispatch('error', new Event('error'));
      // The error handler may have closed it.
      if (stream.readyState === CLOSED) return;
      var delay = Math.min(MAX_RETRY_MS, retryMs * Math.pow(2, failures));
      failures += 1;
      timer = window.setTimeout(connect, delay);
    }

    function connect() {
      timer = null;
      var own = (controller = new AbortController());
      var requestHeaders = Object.assign({ Accept: 'text/event-stream' }, headers);
      if (lastEventId) requestHeaders['Last-Event-ID'] = lastEventId;
      fetch(url, {
        headers: requestHeaders,
        cache: 'no-store',
        credentials: 'same-origin',
        signal: own.signal,
      })
        .then(function (response) {
          if (own !== controller) return;
          var type = response.headers.get('Content-Type') || '';
          if (response.status !== 200 || type.indexOf('text/event-stream') !== 0 || !response.body) {
            if (response.body) response.body.cancel().catch(function () {});
            return fail();
          }
          stream.readyState = OPEN;
          failures = 0;
          dispatch('open', new Event('open'));
          return read(response.body.getReader(), own);
        })
        .then(
          function () {
            if (own === controller) reconnect();
          },
          function () {
            // An abort is ours (close, leaving the page): nothing to do. Anything else is the network.
            if (own === controller) reconnect();
          },
        );
    }

    function read(reader, own) {
      var decoder = new TextDecoder();
      var buffer = '';
      var data = '';
      var type = '';

      function line(text) {
        if (text === '') {
          if (data !== '') {
            dispatch(
              type || 'message',
              new MessageEvent(type || 'message', {
                data: data.slice(0, -1),
                lastEventId: lastEventId,
                origin: window.location.origin,
              }),
            );
          }
          data = '';
          type = '';
          return;
        }
        if (text.charAt(0) === ':') return;
        var colon = text.indexOf(':');
        var field = colon < 0 ? text : text.slice(0, colon);
        var value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data += value + '\n';
        else if (field === 'event') type = value;
        else if (field === 'id' && value.indexOf('\u0000') < 0) lastEventId = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
      }

      function feed(text) {
        buffer += text;
        var start = 0;
        var match;
        LINE_END.lastIndex = 0;
        while ((match = LINE_END.exec(buffer))) {
          // A CR at the very end may be the first half of a CRLF still on its way.
          if (match[0] === '\r' && match.index === buffer.length - 1) break;
          line(buffer.slice(start, match.index));
          start = LINE_END.lastIndex;
          // A handler may have closed the stream (or left the page) mid-chunk.
          if (own !== controller) return;
        }
        buffer = buffer.slice(start);
      }

      function pump() {
        return reader.read().then(function (chunk) {
          if (own !== controller) return reader.cancel().catch(function () {});
          if (chunk.done) return;
          feed(decoder.decode(chunk.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }

    function onPageHide() {
      if (stream.readyState === CLOSED) return;
      leftPage = true;
      stop();
    }

    function onPageShow(event) {
      if (!leftPage || !event.persisted || stream.readyState === CLOSED) return;
      leftPage = false;
      stream.readyState = CONNECTING;
      connect();
    }

    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    connect();
    return stream;
  };
})();
