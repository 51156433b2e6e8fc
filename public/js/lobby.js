// The moderators' Lobby panel: live list of waiting guests with Admit, Deny, Admit all,
// the lobby setting, a count badge and an optional sound.
(function () {
  'use strict';
  var main = document.querySelector('main[data-room-id]');
  var panel = document.getElementById('lobby-panel');
  if (!main || !panel) return;

  var client = window.Guestlink.roomApi();
  var request = client.request;
  var announce = client.announce;
  var ltik = client.ltik;
  var api = client.base;
  var list = document.getElementById('lobby-list');
  var empty = document.getElementById('lobby-empty');
  var badge = document.getElementById('lobby-count');
  var admitAll = document.getElementById('lobby-admit-all');
  var toggle = document.getElementById('lobby-toggle');
  var sound = document.getElementById('lobby-sound');
  var error = document.getElementById('lobby-error');
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
  var polling = null;

  try {
    sound.checked = window.localStorage.getItem('guestlink.lobbySound') === 'on';
  } catch {
    sound.checked = false;
  }

  function showError(message) {
    error.textContent = message || '';
    error.hidden = !message;
  }

  function chime() {
    if (!sound.checked || !window.AudioContext) return;
    var context = new window.AudioContext();
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.4);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.4);
  }

  function since(iso) {
    var seconds = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 1000));
    if (seconds < 60) return seconds + ' s';
    var minutes = Math.floor(seconds / 60);
    return minutes < 60 ? minutes + ' min' : Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function decide(guest, action) {
    request('POST', '/lobby/' + encodeURIComponent(guest.id) + '/' + action).then(
      function () {
        announce(guest.name + (action === 'admit' ? ' admitted' : ' declined'));
      },
      function (failure) {
        showError(client.messageOf(failure));
      },
    );
  }

  function renderTimes() {
    list.querySelectorAll('[data-since]').forEach(function (node) {
      node.textContent = 'waiting ' + since(node.dataset.since);
    });
  }

  function renderLobbyMessage(note) {
    var text = note ? note.text : '';
    if (messageText.value === savedMessage) messageText.value = text;
    savedMessage = text;
    messageClear.disabled = !note;
    messageState.textContent = note ? 'Waiting guests see this message.' : 'No lobby message.';
  }

  function openMessage(guest) {
    messageTo = guest;
    guestTitle.textContent = 'Message to ' + guest.name;
    guestText.value = '';
    guestError.hidden = true;
    guestDialog.showModal();
    guestText.focus();
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
    badge.textContent = String(waiting.length);
    badge.setAttribute(
      'aria-label',
      waiting.length + (waiting.length === 1 ? ' guest waiting' : ' guests waiting'),
    );
    badge.classList.toggle('count-badge-active', waiting.length > 0);
    empty.hidden = waiting.length > 0;
    admitAll.disabled = waiting.length === 0;
    list.textContent = '';
    waiting.forEach(function (guest) {
      var item = el('li', 'lobby-guest');
      var who = el('div', 'lobby-guest-who');
      who.appendChild(el('strong', null, guest.name));
      who.appendChild(el('span', 'muted', guest.email));
      var meta = el('span', 'muted');
      meta.appendChild(document.createTextNode('via ' + guest.linkName + ' · '));
      var time = el('span', null, 'waiting ' + since(guest.waitingSince));
      time.dataset.since = guest.waitingSince;
      meta.appendChild(time);
      who.appendChild(meta);
      item.appendChild(who);
      var buttons = el('div', 'lobby-guest-actions');
      var admit = el('button', 'button button-primary', 'Admit');
      admit.type = 'button';
      admit.setAttribute('aria-label', 'Admit ' + guest.name);
      admit.addEventListener('click', function () {
        decide(guest, 'admit');
      });
      var deny = el('button', 'button', 'Deny');
      deny.type = 'button';
      deny.setAttribute('aria-label', 'Deny ' + guest.name);
      deny.addEventListener('click', function () {
        decide(guest, 'deny');
      });
      var message = el('button', 'button', 'Message');
      message.type = 'button';
      message.setAttribute('aria-label', 'Message ' + guest.name);
      message.addEventListener('click', function () {
        openMessage(guest);
      });
      if (guest.privateMessage)
        who.appendChild(el('span', 'muted lobby-guest-note', 'You wrote: ' + guest.privateMessage.text));
      buttons.appendChild(admit);
      buttons.appendChild(deny);
      buttons.appendChild(message);
      item.appendChild(buttons);
      list.appendChild(item);
    });
    if (!first && arrived.length > 0) {
      chime();
      announce(
        arrived.length === 1
          ? arrived[0].name + ' is waiting in the lobby'
          : arrived.length + ' guests are waiting in the lobby',
      );
    }
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
    var source = new EventSource(api + '/lobby/events?ltik=' + encodeURIComponent(ltik));
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
  // A safety net should an event ever be lost between instances.
  window.setInterval(function () {
    if (!polling) load();
  }, 30000);

  admitAll.addEventListener('click', function () {
    request('POST', '/lobby/admit-all').then(
      function (result) {
        announce(result.admitted + (result.admitted === 1 ? ' guest admitted' : ' guests admitted'));
      },
      function (failure) {
        showError(client.messageOf(failure));
      },
    );
  });
  toggle.addEventListener('click', function () {
    var enabled = toggle.getAttribute('aria-checked') !== 'true';
    request('PUT', '/lobby', { enabled: enabled }).then(render, function (failure) {
      showError(client.messageOf(failure));
    });
  });
  function saveLobbyMessage(text) {
    request('PUT', '/lobby/message', { text: text }).then(
      function (view) {
        savedMessage = messageText.value = view.lobbyMessage ? view.lobbyMessage.text : '';
        render(view);
        announce(view.lobbyMessage ? 'Lobby message saved' : 'Lobby message cleared');
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
      guestError.textContent = 'Write a message first.';
      guestError.hidden = false;
      guestText.focus();
      return;
    }
    request('POST', '/lobby/' + encodeURIComponent(guest.id) + '/message', { text: guestText.value }).then(
      function () {
        guestDialog.close();
        announce('Message sent to ' + guest.name);
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
  sound.addEventListener('change', function () {
    try {
      window.localStorage.setItem('guestlink.lobbySound', sound.checked ? 'on' : 'off');
    } catch {
      /* storage may be blocked inside LMS frames */
    }
    if (sound.checked) chime();
  });
})();
