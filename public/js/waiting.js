// The waiting page: moves on by itself when a moderator decides, live (server-sent
// events) or by polling. Without JavaScript the page's meta refresh does the same.
(function () {
  'use strict';
  var main = document.querySelector('main[data-room-id]');
  if (!main) return;
  var base = '/guest/rooms/' + encodeURIComponent(main.dataset.roomId);
  var polling = null;
  var done = false;

  // The moderators' messages and whether one of them is in the room. Plain text only.
  function showNote(id, note) {
    var section = document.getElementById(id);
    if (!section) return;
    var text = section.querySelector('.waiting-note-text');
    var value = note ? note.text : '';
    if (text.textContent !== value) text.textContent = value;
    section.hidden = !note;
  }

  function showWaiting(state) {
    if (!state) return;
    var presence = document.getElementById('waiting-presence');
    if (presence && presence.textContent !== state.presence) presence.textContent = state.presence;
    showNote('waiting-lobby-message', state.lobbyMessage);
    showNote('waiting-private-message', state.privateMessage);
  }

  function follow(data) {
    if (data && data.status === 'waiting') showWaiting(data.waiting);
    if (done || !data || data.status === 'waiting') return;
    done = true;
    window.location.assign(data.status === 'admitted' ? data.location : base + '/waiting');
  }

  function poll() {
    fetch(base + '/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.json();
      })
      .then(follow)
      .catch(function () {});
  }

  function stopPolling() {
    if (polling) window.clearInterval(polling);
    polling = null;
  }

  function startPolling() {
    if (!polling) polling = window.setInterval(poll, 3000);
  }

  if ('EventSource' in window) {
    var source = new EventSource(base + '/events');
    source.addEventListener('status', function (event) {
      var data = JSON.parse(event.data);
      if (data.status !== 'waiting') {
        source.close();
        follow(data);
      }
    });
    source.addEventListener('waiting', function (event) {
      showWaiting(JSON.parse(event.data));
    });
    source.onerror = startPolling;
    // EventSource reconnects by itself: once it is back, polling is no longer needed.
    source.onopen = stopPolling;
    // A safety net should an event ever be lost between instances.
    window.setInterval(poll, 20000);
  } else {
    startPolling();
  }
})();
