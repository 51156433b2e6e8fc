// The moderators' Lobby panel: live list of waiting guests with Admit, Deny (held back 5 s
// so it can be undone), Admit all and Deny all (confirmed with their count), the lobby
// setting (turning it off with guests waiting is confirmed too) and a count badge. Each
// change is handed to lobby-alerts.js as a "guestlink:lobby" event.
(function () {
  'use strict';
  var main = document.querySelector('main[data-room-id]');
  var panel = document.getElementById('lobby-panel');
  if (!main || !panel) return;

  var client = window.Guestlink.roomApi();
  var request = client.request;
  var announce = client.announce;
  var api = client.base;
  var list = document.getElementById('lobby-list');
  var empty = document.getElementById('lobby-empty');
  var badge = document.getElementById('lobby-count');
  var admitAll = document.getElementById('lobby-admit-all');
  var denyAll = document.getElementById('lobby-deny-all');
  var toggle = document.getElementById('lobby-toggle');
  var error = document.getElementById('lobby-error');
  var confirmLobby = window.Guestlink.confirmLobby;
  var UNDO_MS = 5000;
  var messageForm = document.getElementById('lobby-message-form');
  var messageText = document.getElementById('lobby-message-text');
  var messageClear = document.getElementById('lobby-message-clear');
  var messageState = document.getElementById('lobby-message-state');
  var guestDialog = document.getElementById('guest-message-dialog');
  var guestForm = document.getElementById('guest-message-form');
  var guestText = document.getElementById('guest-message-text');
  var guestError = document.getElementById('guest-message-error');
  var guestTitle = document.getElementById('guest-message-title');
  var messageTo = null;
  // The lobby message as last saved: the field follows other moderators' changes unless
  // this moderator is in the middle of editing it.
  var savedMessage = '';
  var known = {};
  var first = true;
  var waiting = [];
  var el = window.Guestlink.el;
  var t = window.Guestlink.t;
  var polling = null;
  // Denials not sent yet, by visit id: { guest, at, timer }. Nothing is reported as denied
  // until the server says so.
  var pendingDenials = {};

  function showError(message) {
    error.textContent = message || '';
    error.hidden = !message;
  }

  // "waiting 2 min": one message per unit, so each language orders its own words.
  function waitingFor(iso) {
    var seconds = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 1000));
    if (seconds < 60) return t('lobby:js.waitingSeconds', { seconds: seconds });
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return t('lobby:js.waitingMinutes', { minutes: minutes });
    return t('lobby:js.waitingHours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  function decide(guest, action) {
    return request('POST', '/lobby/' + encodeURIComponent(guest.id) + '/' + action).then(
      function () {
        announce(
          action === 'admit'
            ? t('lobby:js.admitted', { name: guest.name })
            : t('lobby:js.declined', { name: guest.name }),
        );
      },
      function (failure) {
        showError(client.messageOf(failure));
      },
    );
  }

  function secondsLeft(pending) {
    return Math.max(1, Math.ceil((pending.at - Date.now()) / 1000));
  }

  function sendDenial(id) {
    var pending = pendingDenials[id];
    if (!pending) return Promise.resolve();
    window.clearTimeout(pending.timer);
    delete pendingDenials[id];
    return decide(pending.guest, 'deny');
  }

  function askDeny(guest) {
    pendingDenials[guest.id] = {
      guest: guest,
      at: Date.now() + UNDO_MS,
      timer: window.setTimeout(function () {
        sendDenial(guest.id);
      }, UNDO_MS),
    };
    announce(t('lobby:js.denyAnnounce', { name: guest.name, seconds: UNDO_MS / 1000 }));
    renderList('undo:' + guest.id);
  }

  function undoDeny(guest) {
    var pending = pendingDenials[guest.id];
    if (!pending) return;
    window.clearTimeout(pending.timer);
    delete pendingDenials[guest.id];
    announce(t('lobby:js.stillWaiting', { name: guest.name }));
    renderList('deny:' + guest.id);
  }

  // Before a bulk action: the denials the moderator already asked for go first.
  function sendPendingDenials() {
    return Promise.all(Object.keys(pendingDenials).map(sendDenial));
  }

  function deciding() {
    return waiting.filter(function (guest) {
      return !pendingDenials[guest.id];
    }).length;
  }

  function renderTimes() {
    list.querySelectorAll('[data-since]').forEach(function (node) {
      node.textContent = waitingFor(node.dataset.since);
    });
  }

  function renderLobbyMessage(note) {
    var text = note ? note.text : '';
    if (messageText.value === savedMessage) messageText.value = text;
    savedMessage = text;
    messageClear.disabled = !note;
    messageState.textContent = note ? t('lobby:js.messageStateSet') : t('lobby:js.messageStateNone');
  }

  function openMessage(guest) {
    messageTo = guest;
    guestTitle.textContent = t('lobby:js.messageTo', { name: guest.name });
    guestText.value = '';
    guestError.hidden = true;
    guestDialog.showModal();
    guestText.focus();
  }

  function renderCountdowns() {
    list.querySelectorAll('[data-deny]').forEach(function (node) {
      var pending = pendingDenials[node.dataset.deny];
      if (pending) node.textContent = denyingIn(pending);
    });
  }

  function denyingIn(pending) {
    return t('lobby:js.denyingIn', { name: pending.guest.name, seconds: secondsLeft(pending) });
  }

  function button(className, text, label, focusKey, onClick) {
    var node = el('button', className, text);
    node.type = 'button';
    node.setAttribute('aria-label', label);
    node.dataset.focusKey = focusKey;
    node.addEventListener('click', onClick);
    return node;
  }

  function guestActions(guest) {
    var buttons = el('div', 'lobby-guest-actions');
    var pending = pendingDenials[guest.id];
    if (pending) {
      var note = el('span', 'lobby-pending', denyingIn(pending));
      note.dataset.deny = guest.id;
      buttons.appendChild(note);
      buttons.appendChild(
        button(
          'button',
          t('lobby:js.undo'),
          t('lobby:js.undoLabel', { name: guest.name }),
          'undo:' + guest.id,
          function () {
            undoDeny(guest);
          },
        ),
      );
      return buttons;
    }
    buttons.appendChild(
      button(
        'button button-primary',
        t('lobby:js.admit'),
        t('lobby:js.admitLabel', { name: guest.name }),
        'admit:' + guest.id,
        function () {
          decide(guest, 'admit');
        },
      ),
    );
    buttons.appendChild(
      button(
        'button',
        t('lobby:js.deny'),
        t('lobby:js.denyLabel', { name: guest.name }),
        'deny:' + guest.id,
        function () {
          askDeny(guest);
        },
      ),
    );
    buttons.appendChild(
      button(
        'button',
        t('lobby:js.message'),
        t('lobby:js.messageLabel', { name: guest.name }),
        'message:' + guest.id,
        function () {
          openMessage(guest);
        },
      ),
    );
    return buttons;
  }

  // Rebuilding the list must not drop the keyboard user's place: focus goes back to the
  // same button (by its key) when it still exists.
  function renderList(focusKey) {
    var active = document.activeElement;
    var keep = focusKey || (list.contains(active) && active.dataset.focusKey);
    badge.textContent = window.Guestlink.formatNumber(waiting.length);
    badge.setAttribute('aria-label', t('lobby:js.badge', { count: waiting.length }));
    badge.classList.toggle('count-badge-active', waiting.length > 0);
    empty.hidden = waiting.length > 0;
    admitAll.disabled = deciding() === 0;
    denyAll.disabled = deciding() === 0;
    list.textContent = '';
    waiting.forEach(function (guest) {
      var item = el('li', 'lobby-guest');
      var who = el('div', 'lobby-guest-who');
      who.appendChild(el('strong', null, guest.name));
      who.appendChild(el('span', 'muted', guest.email));
      var meta = el('span', 'muted');
      // An invited person shows "Invited · Speaker" (their invitation's role), not a link.
      meta.appendChild(
        document.createTextNode(
          (guest.invited
            ? t('lobby:js.invited', { role: guest.inviteRole || 'none' })
            : t('lobby:js.via', { link: guest.linkName })) + ' · ',
        ),
      );
      var time = el('span', null, waitingFor(guest.waitingSince));
      time.dataset.since = guest.waitingSince;
      meta.appendChild(time);
      who.appendChild(meta);
      if (guest.privateMessage)
        who.appendChild(
          el('span', 'muted lobby-guest-note', t('lobby:js.youWrote', { text: guest.privateMessage.text })),
        );
      item.appendChild(who);
      item.appendChild(guestActions(guest));
      list.appendChild(item);
    });
    if (!keep) return;
    var again = list.querySelector('[data-focus-key="' + keep + '"]');
    if (again) again.focus();
    else if (list.contains(active) || focusKey) panel.focus();
  }

  function render(view) {
    showError('');
    if (view.lobbyMessage !== undefined) renderLobbyMessage(view.lobbyMessage);
    toggle.setAttribute('aria-checked', view.lobbyEnabled ? 'true' : 'false');
    waiting = view.waiting;
    var arrived = waiting.filter(function (guest) {
      return !known[guest.id];
    });
    known = {};
    waiting.forEach(function (guest) {
      known[guest.id] = true;
    });
    // A guest who left, or whom another moderator decided, needs no denial any more.
    Object.keys(pendingDenials).forEach(function (id) {
      if (known[id]) return;
      window.clearTimeout(pendingDenials[id].timer);
      delete pendingDenials[id];
    });
    renderList();
    document.dispatchEvent(
      new CustomEvent('guestlink:lobby', { detail: { waiting: waiting, arrived: arrived, initial: first } }),
    );
    first = false;
  }

  function load() {
    return request('GET', '/lobby').then(render, function (failure) {
      showError(client.messageOf(failure));
    });
  }

  function stopPolling() {
    if (polling) window.clearInterval(polling);
    polling = null;
  }

  function startPolling() {
    if (!polling) polling = window.setInterval(load, 5000);
  }

  var refusals = 0;

  function listen() {
    var source = client.openStream('/lobby/events');
    source.addEventListener('lobby', function (event) {
      refusals = 0;
      render(JSON.parse(event.data));
    });
    source.onerror = function () {
      startPolling();
      // A stream that ended (its lifetime, a dropped network) reconnects by itself. A refused
      // one (too many tabs open, the server full) is closed for good: polling carries on and
      // the stream is tried again later, later each time, so refusals never turn into a loop.
      if (source.readyState !== EventSource.CLOSED) return;
      refusals += 1;
      window.setTimeout(listen, Math.min(300000, 30000 * Math.pow(2, refusals - 1)));
    };
    // EventSource reconnects by itself: once it is back, polling is no longer needed.
    source.onopen = stopPolling;
  }

  if ('EventSource' in window) {
    listen();
  } else {
    load();
    startPolling();
  }
  window.setInterval(renderTimes, 15000);
  window.setInterval(renderCountdowns, 1000);
  // Leaving the page sends the denials still held back: the moderator did not undo them.
  window.addEventListener('pagehide', function () {
    Object.keys(pendingDenials).forEach(function (id) {
      window.clearTimeout(pendingDenials[id].timer);
      delete pendingDenials[id];
      fetch(api + '/lobby/' + encodeURIComponent(id) + '/deny', {
        method: 'POST',
        keepalive: true,
        credentials: 'same-origin',
        headers: Object.assign({ Accept: 'application/json' }, client.headers),
      }).catch(function () {
        /* the page is going away: nothing left to tell */
      });
    });
  });
  // A safety net should an event ever be lost between instances.
  window.setInterval(function () {
    if (!polling) load();
  }, 30000);

  // The count asked about is the one on screen; the answer reports how many it really was.
  function confirmed(question) {
    return confirmLobby(question).then(function (yes) {
      return yes
        ? sendPendingDenials().then(function () {
            return true;
          })
        : false;
    });
  }

  admitAll.addEventListener('click', function () {
    var count = deciding();
    confirmed({
      title: t('lobby:js.admitAllTitle', { count: count }),
      text: t('lobby:js.admitAllText'),
      confirm: t('lobby:js.admitAll'),
    })
      .then(function (yes) {
        if (!yes) return;
        return request('POST', '/lobby/admit-all').then(function (result) {
          announce(t('lobby:js.admittedCount', { count: result.admitted }));
        });
      })
      .catch(function (failure) {
        showError(client.messageOf(failure));
      });
  });
  denyAll.addEventListener('click', function () {
    var count = deciding();
    confirmed({
      title: t('lobby:js.denyAllTitle', { count: count }),
      text: t('lobby:js.denyAllText'),
      confirm: t('lobby:js.denyAll'),
      danger: true,
    })
      .then(function (yes) {
        if (!yes) return;
        return request('POST', '/lobby/deny-all').then(function (result) {
          announce(t('lobby:js.deniedCount', { count: result.denied }));
        });
      })
      .catch(function (failure) {
        showError(client.messageOf(failure));
      });
  });
  toggle.addEventListener('click', function () {
    var enabled = toggle.getAttribute('aria-checked') !== 'true';
    var count = deciding();
    var asked =
      enabled || count === 0
        ? Promise.resolve(true)
        : confirmed({
            title: t('lobby:js.lobbyOffTitle'),
            text: t('lobby:js.lobbyOffText', { count: count }),
            confirm: t('lobby:js.lobbyOffConfirm'),
          });
    asked
      .then(function (yes) {
        if (!yes) return;
        return request('PUT', '/lobby', { enabled: enabled }).then(render);
      })
      .catch(function (failure) {
        showError(client.messageOf(failure));
      });
  });
  function saveLobbyMessage(text) {
    request('PUT', '/lobby/message', { text: text }).then(
      function (view) {
        savedMessage = messageText.value = view.lobbyMessage ? view.lobbyMessage.text : '';
        render(view);
        announce(view.lobbyMessage ? t('lobby:js.messageSaved') : t('lobby:js.messageCleared'));
      },
      function (failure) {
        showError(client.messageOf(failure));
      },
    );
  }
  messageForm.addEventListener('submit', function (event) {
    event.preventDefault();
    saveLobbyMessage(messageText.value);
  });
  messageClear.addEventListener('click', function () {
    saveLobbyMessage(null);
  });
  guestForm.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!messageTo) return;
    var guest = messageTo;
    if (!guestText.value.trim()) {
      guestError.textContent = t('lobby:js.writeFirst');
      guestError.hidden = false;
      guestText.focus();
      return;
    }
    request('POST', '/lobby/' + encodeURIComponent(guest.id) + '/message', { text: guestText.value }).then(
      function () {
        guestDialog.close();
        announce(t('lobby:js.messageSent', { name: guest.name }));
      },
      function (failure) {
        guestError.textContent = client.messageOf(failure);
        guestError.hidden = false;
      },
    );
  });
  guestDialog.querySelectorAll('[data-close]').forEach(function (button) {
    button.addEventListener('click', function () {
      guestDialog.close();
    });
  });
  guestDialog.addEventListener('close', function () {
    messageTo = null;
  });
})();
